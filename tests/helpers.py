"""Small helpers shared by tests: copying real photos, running the CLI in a subprocess."""

from __future__ import annotations

import csv
import importlib.util
import os
import shutil
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent


def copy_photos(source_dir: Path, target: Path, names: list[str]) -> list[Path]:
    target.mkdir(parents=True, exist_ok=True)
    copied = []
    for name in names:
        shutil.copy2(source_dir / name, target / name)
        copied.append(target / name)
    return copied


def coco_labels(shared_data: Path) -> dict[str, set[str]]:
    with open(shared_data / "photos" / "coco128" / "labels.csv", newline="") as handle:
        return {
            row["file"]: {label for label in row["labels"].split(";") if label}
            for row in csv.DictReader(handle)
        }


def packaging_manifest():
    """packaging/manifest.py, loaded by path: ``packaging`` is also a PyPI package's name."""
    spec = importlib.util.spec_from_file_location(
        "organizer_packaging_manifest", REPO_ROOT / "packaging" / "manifest.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def run_cli(*args: str | Path, library: Path, timeout: float = 300) -> subprocess.CompletedProcess:
    """Run ``organizer`` as a user would, in a separate process."""
    env = {**os.environ, "PYTHONPATH": str(REPO_ROOT)}
    return subprocess.run(
        [sys.executable, "-m", "organizer", "--library", str(library), *map(str, args)],
        capture_output=True,
        text=True,
        timeout=timeout,
        env=env,
        cwd=REPO_ROOT,
    )


WAIT_DEADLINE_S = 60.0


def wait_for(
    condition: Callable[[], object], what: str, deadline_s: float = WAIT_DEADLINE_S
) -> None:
    """Poll ``condition`` every 50 ms until it holds; fail saying ``what`` did not happen."""
    deadline = time.monotonic() + deadline_s
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.05)
    raise AssertionError(f"timed out waiting for {what}")
