"""Helpers shared by the benchmarks: the machine they ran on, where the data is, tables."""

from __future__ import annotations

import os
import platform
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent


def shared_data_dir() -> Path:
    """``../shared/data`` next to the repository (``ORGANIZER_SHARED_DATA`` overrides it)."""
    override = os.environ.get("ORGANIZER_SHARED_DATA")
    return Path(override) if override else REPO_ROOT.parent / "shared" / "data"


def cpu_model() -> str:
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as handle:
            for line in handle:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def machine_description() -> str:
    """nproc, CPU model and load: a benchmark figure means little without them."""
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    load = ", ".join(f"{value:.2f}" for value in os.getloadavg())
    return (
        f"machine: nproc={cores}, CPU {cpu_model()!r}, Python {platform.python_version()}, "
        f"load average {load} (other processes share these cores: figures drop under load)"
    )


def load_now() -> str:
    return ", ".join(f"{value:.2f}" for value in os.getloadavg())


@dataclass
class Measurement:
    """Wall-clock seconds and this process's CPU seconds (user + system, all threads)."""

    wall_s: float = 0.0
    cpu_s: float = 0.0
    count: int = 0


@contextmanager
def measured() -> Iterator[Measurement]:
    result = Measurement()
    wall, cpu = time.perf_counter(), _process_cpu()
    try:
        yield result
    finally:
        result.wall_s = time.perf_counter() - wall
        result.cpu_s = _process_cpu() - cpu


def _process_cpu() -> float:
    times = os.times()
    return times.user + times.system


def print_table(headers: Sequence[str], rows: Sequence[Sequence[object]]) -> None:
    """A Markdown table, so the output can be pasted into bench/RESULTS.md as is."""
    cells = [[str(cell) for cell in row] for row in rows]
    widths = [max(len(h), *(len(row[i]) for row in cells)) for i, h in enumerate(headers)]
    print("| " + " | ".join(h.ljust(w) for h, w in zip(headers, widths, strict=True)) + " |")
    print("|" + "|".join("-" * (w + 2) for w in widths) + "|")
    for row in cells:
        print("| " + " | ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)) + " |")


def link_or_copy(source: Path, target: Path) -> None:
    """Hard link when the file system allows it (instant, no space), else copy."""
    import shutil

    target.parent.mkdir(parents=True, exist_ok=True)
    if target.exists():
        return
    try:
        os.link(source, target)
    except OSError:
        shutil.copyfile(source, target)


class Linker:
    """Many files with one content, as hard links to as few copies as the file system allows
    (ext4 takes 65,000 links per file): a million files cost a few copies of disk space."""

    def __init__(self, source: Path) -> None:
        self.source = source
        self.linked_to = source

    def make(self, target: Path) -> None:
        if target.exists():
            return
        try:
            os.link(self.linked_to, target)
        except OSError:
            # The link limit, or another file system: a copy, which the next links share.
            import shutil

            shutil.copyfile(self.source, target)
            self.linked_to = target


def warm_page_cache(paths: Sequence[Path]) -> None:
    """Read every file once so the measured runs all start from the same (cached) state."""
    for path in paths:
        with open(path, "rb") as handle:
            while handle.read(1 << 20):
                pass
