"""Keywords Organizer wrote stay Organizer's through crashes (issue #14): a write interrupted
between replacing the file and recording it is settled by the next run, so removing the tag
removes the keyword; leftover temp files go; kill -9 during ``organizer write`` loses nothing."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from organizer.app import open_app
from organizer.metadata.atomic import STALE_AFTER_S, TEMP_PREFIX, TEMP_SUFFIX
from tests.helpers import REPO_ROOT, run_cli
from tests.ui_helpers import copy_coco, open_tiny_app

pytestmark = pytest.mark.skipif(shutil.which("exiftool") is None, reason="exiftool missing")


def _subjects(paths: list[Path]) -> dict[str, set[str]]:
    """XMP subjects of each photo as exiftool reads them, from its .xmp sidecar if it has one
    (files whose own XMP other programs would read wrongly get a sidecar)."""
    sources = {}
    for path in paths:
        sidecars = [path.with_name(path.name + ".xmp"), path.with_suffix(".xmp")]
        sources[path.name] = next((s for s in sidecars if s.exists()), path)
    result = subprocess.run(
        ["exiftool", "-j", "-XMP-dc:Subject", *map(str, sources.values())],
        capture_output=True,
        text=True,
        check=True,
    )
    by_source = {}
    for entry in json.loads(result.stdout):
        value = entry.get("Subject", [])
        by_source[entry["SourceFile"]] = set([value] if isinstance(value, str) else value)
    return {name: by_source[str(source)] for name, source in sources.items()}


def _library(shared_data: Path, root: Path, count: int) -> tuple[Path, list[Path]]:
    library = root / "library"
    app = open_tiny_app(library)
    folder = copy_coco(shared_data, root / "photos", count)
    photos = sorted(folder.glob("*.jpg"))
    for photo in photos:
        photo.chmod(0o644)
    app.pipeline().add_folders([folder])
    app.close()
    return library, photos


CRASH_AFTER_REPLACE = """
import os
from organizer.app import open_app
app = open_app({library!r})
app.library.begin_write_intent({id}, {photo!r}, ["holiday"], [])
app.metadata.write_keywords({photo!r}, ["holiday"])
os._exit(9)
"""


def test_a_write_interrupted_before_its_record_is_settled(shared_data, tmp_path) -> None:
    library, photos = _library(shared_data, tmp_path, 2)
    photo = photos[0]
    app = open_app(library)
    photo_id = app.library.photo_by_path(photo).id
    app.library.set_user_tag([photo_id], "holiday", "confirmed")
    app.close()
    # What a kill after the file's replacement and before the index's record leaves behind:
    # a process that records the intent, replaces the file and dies.
    crash = CRASH_AFTER_REPLACE.format(library=str(library), photo=str(photo), id=photo_id)
    env = {**os.environ, "PYTHONPATH": str(REPO_ROOT)}
    assert subprocess.run([sys.executable, "-c", crash], env=env, timeout=120).returncode == 9
    assert "holiday" in _subjects([photo])[photo.name]
    app = open_app(library)
    assert [i.photo_id for i in app.library.write_intents()] == [photo_id]
    app.close()

    scanned = run_cli("scan", library=library)  # the next run, whatever it is
    assert scanned.returncode == 0, scanned.stderr
    app = open_app(library)
    assert app.library.write_intents() == []
    assert app.library.written_keywords(photo_id)[0] == ["holiday"]
    # Not mistaken for another program's keyword: no 'file' tag appeared.
    assert all(t.source != "file" for t in app.library.photo_tags(photo_id))
    app.close()

    removed = run_cli("tag", photo, "--remove", "holiday", library=library)
    assert removed.returncode == 0, removed.stderr
    written = run_cli("write", photo, library=library)
    assert written.returncode == 0, written.stderr
    assert "holiday" not in _subjects([photo])[photo.name]


def test_kill_during_write_then_remove_leaves_no_keyword(shared_data, tmp_path) -> None:
    library, photos = _library(shared_data, tmp_path, 60)
    assert run_cli("tag", *photos, "--add", "holiday", library=library).returncode == 0
    env = {**os.environ, "PYTHONPATH": str(REPO_ROOT)}
    command = [sys.executable, "-m", "organizer", "--library", str(library), "write"]
    for delay in (1.0, 1.6, 2.2):
        process = subprocess.Popen(
            command, env=env, cwd=REPO_ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        time.sleep(delay)
        process.send_signal(signal.SIGKILL)
        process.wait()
    finished = run_cli("write", library=library)
    assert finished.returncode == 0, finished.stderr
    missing = [n for n, keywords in _subjects(photos).items() if "holiday" not in keywords]
    assert missing == [], finished.stdout + finished.stderr

    assert run_cli("tag", *photos, "--remove", "holiday", library=library).returncode == 0
    cleared = run_cli("write", library=library)
    assert cleared.returncode == 0, cleared.stderr
    left = {name for name, keywords in _subjects(photos).items() if "holiday" in keywords}
    assert left == set()
    # A kill may leave a temp file; it is never indexed (and goes once 15 minutes old).
    indexed = run_cli("search", "NOT holiday", "--json", library=library)
    assert not any(TEMP_PREFIX in p for p in json.loads(indexed.stdout)["paths"])


def test_stale_temp_files_are_removed_by_the_next_scan(shared_data, tmp_path) -> None:
    library, photos = _library(shared_data, tmp_path, 1)
    stale = photos[0].parent / f"{TEMP_PREFIX}crashed{TEMP_SUFFIX}"
    fresh = photos[0].parent / f"{TEMP_PREFIX}in-progress{TEMP_SUFFIX}"
    for leftover in (stale, fresh):
        leftover.write_bytes(b"half a photo")
    old = time.time() - STALE_AFTER_S - 60
    os.utime(stale, (old, old))
    assert run_cli("scan", library=library).returncode == 0
    assert not stale.exists()
    assert fresh.exists()  # perhaps another process's write in progress: left alone
