"""Shared fixtures: real data from ../shared/data, found through one helper."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

REPO_ROOT = Path(__file__).resolve().parent.parent


def _shared_data_dir() -> Path:
    override = os.environ.get("ORGANIZER_SHARED_DATA")
    if override:
        return Path(override)
    return REPO_ROOT.parent / "shared" / "data"


@pytest.fixture(scope="session")
def shared_data() -> Path:
    """The real photos and metadata corpora; tests that need them skip when absent."""
    path = _shared_data_dir()
    if not (path / "photos").is_dir():
        pytest.skip(f"real data not found at {path} (set ORGANIZER_SHARED_DATA)")
    return path
