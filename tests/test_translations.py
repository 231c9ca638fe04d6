"""Every string the app shows has its Simplified Chinese translation, and the shipped .qm is
built from the current .ts (a new English string with no translation fails here)."""

from __future__ import annotations

import importlib.util
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.helpers import REPO_ROOT

TRANSLATIONS = REPO_ROOT / "resources" / "translations"


def _tool(name: str) -> str:
    found = shutil.which(name) or str(Path(sys.executable).with_name(name))
    if not Path(found).exists():
        pytest.skip(f"{name} is not installed")
    return found


def test_every_ui_string_is_translated(tmp_path: Path) -> None:
    ts = tmp_path / "current.ts"
    sources = sorted(str(p) for p in (REPO_ROOT / "organizer" / "ui").glob("*.py"))
    lupdate = _tool("pyside6-lupdate")
    subprocess.run([lupdate, *sources, "-ts", str(ts)], check=True, capture_output=True)
    spec = importlib.util.spec_from_file_location("zh_cn", TRANSLATIONS / "zh_CN.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    assert module.fill(ts) == []


def test_the_shipped_qm_is_built_from_the_complete_ts(tmp_path: Path) -> None:
    ts = TRANSLATIONS / "organizer_zh_CN.ts"
    text = ts.read_text(encoding="utf-8")
    assert 'type="unfinished"' not in text and 'type="obsolete"' not in text
    built = tmp_path / "built.qm"
    subprocess.run([_tool("pyside6-lrelease"), str(ts), "-qm", str(built)], check=True,
                   capture_output=True)
    assert built.read_bytes() == (TRANSLATIONS / "organizer_zh_CN.qm").read_bytes()
