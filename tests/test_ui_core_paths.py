"""The app's paths do what the command line's do: Add Folder on a fresh library while the watcher
runs, keywords already in the files imported, corrections written back and undone in the files.

Real photos, real SQLite, real ONNX, a real Qt event loop (offscreen), keywords read back by
exiftool.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

pytest.importorskip("PySide6")
pytestmark = pytest.mark.skipif(shutil.which("exiftool") is None, reason="exiftool missing")

from ui_helpers import copy_coco, open_tiny_app  # noqa: E402

from organizer.ui.application import build_context  # noqa: E402
from organizer.ui.main_window import MainWindow  # noqa: E402
from organizer.ui.watch_bridge import WatchState  # noqa: E402

WAIT_MS = 60000
PHOTOS = 20


def _exiftool_keywords(path: Path) -> set[str]:
    result = subprocess.run(
        ["exiftool", "-j", "-XMP-dc:Subject", "-IPTC:Keywords", str(path)],
        capture_output=True,
        text=True,
        check=True,
    )
    found: set[str] = set()
    for field in ("Subject", "Keywords"):
        value = json.loads(result.stdout)[0].get(field, [])
        found.update([value] if isinstance(value, str) else map(str, value))
    return found


def _window(qtbot, library_dir: Path) -> tuple[MainWindow, list[str]]:
    app = open_tiny_app(library_dir)
    context = build_context(app, watch=True, watch_settle_s=0.2)
    main = MainWindow(context)
    qtbot.addWidget(main)
    errors: list[str] = []
    context.work.jobFailed.connect(lambda name, message: errors.append(f"{name}: {message}"))
    context.work.unhandledError.connect(lambda message, _details: errors.append(message))
    main.show()
    return main, errors


def _close(main: MainWindow) -> None:
    main.close()
    main.context.work.wait()
    main.album.loader.wait()
    main.context.app.close()


def test_add_folder_on_a_fresh_library_imports_file_keywords_while_watching(
    qtbot, shared_data: Path, tmp_path: Path
) -> None:
    folder = copy_coco(shared_data, tmp_path / "lightroom", PHOTOS)
    photos = sorted(folder.glob("*.jpg"))
    for photo in photos:
        photo.chmod(0o644)
    subprocess.run(
        ["exiftool", "-q", "-overwrite_original", "-XMP-dc:Subject=trip 2019", *map(str, photos)],
        check=True,
    )
    main, errors = _window(qtbot, tmp_path / "library")
    bridge = main.context.watcher
    qtbot.waitUntil(lambda: bridge.state == WatchState.NO_FOLDERS, timeout=WAIT_MS)

    # What the menu's Add Folder does once the dialog returns; the watcher then starts on the
    # same folder and scans it at once, racing the add job.
    main.add_folders([folder])
    qtbot.waitUntil(lambda: bridge.state == WatchState.WATCHING, timeout=WAIT_MS)
    library = main.context.app.library
    qtbot.waitUntil(lambda: len(library.search('"trip 2019"')) == PHOTOS, timeout=WAIT_MS)
    qtbot.waitUntil(lambda: main.album.model.rowCount() == PHOTOS, timeout=WAIT_MS)
    qtbot.waitUntil(lambda: main.context.work.pending_jobs() == 0, timeout=WAIT_MS)
    assert errors == []
    rows = library.connection.execute("SELECT COUNT(*), COUNT(DISTINCT path) FROM photos")
    assert rows.fetchone() == (PHOTOS, PHOTOS)
    tags = library.photo_tags(library.photo_by_path(photos[0]).id)
    assert any(t.tag == "trip 2019" and t.source == "file" for t in tags), tags
    _close(main)


def test_corrections_in_the_app_are_written_to_the_file_and_undone(
    qtbot, shared_data: Path, tmp_path: Path
) -> None:
    folder = copy_coco(shared_data, tmp_path / "photos", 3)
    photo = sorted(folder.glob("*.jpg"))[0]
    photo.chmod(0o644)
    setup = open_tiny_app(tmp_path / "library")
    setup.pipeline().add_folders([folder])
    setup.library.set_setting("write_keywords", "confirmed")
    photo_id = setup.library.photo_by_path(photo).id
    setup.close()

    main, errors = _window(qtbot, tmp_path / "library")
    panel = main.details
    panel.show_photos([photo_id])
    panel.new_tag.setText("grandma")
    panel.add_typed_tag()
    qtbot.waitUntil(lambda: "grandma" in _exiftool_keywords(photo), timeout=WAIT_MS)

    main.context.undo.undo()
    qtbot.waitUntil(lambda: "grandma" not in _exiftool_keywords(photo), timeout=WAIT_MS)
    library = main.context.app.library
    assert all(t.tag != "grandma" for t in library.photo_tags(photo_id))
    assert errors == []
    _close(main)


def test_model_versions_in_the_app_activate_through_the_core(qtbot, tmp_path: Path) -> None:
    """Model → Versions runs App.activate_model (no child process): the views re-read after."""
    from organizer.ui.model_menu import ModelMenu

    app = open_tiny_app(tmp_path / "library")
    context = build_context(app)
    menu = ModelMenu(context)
    reloads: list[int] = []
    context.events.photosChanged.connect(lambda: reloads.append(1))
    errors: list[str] = []
    done: list[object] = []
    menu._activate("default", done.append, lambda message, _details: errors.append(message))
    qtbot.waitUntil(lambda: bool(done or errors), timeout=WAIT_MS)
    assert errors == []
    assert app.model_registry().active_name() in (None, "default")
    menu._activate("no-such-version", done.append, lambda m, _d: errors.append(m))
    qtbot.waitUntil(lambda: bool(errors), timeout=WAIT_MS)
    assert "no-such-version" in errors[0]
    menu._after_change()
    assert reloads == [1]
    context.work.wait()
    app.close()


def test_photos_appear_while_a_job_is_still_running(
    qtbot, shared_data: Path, tmp_path: Path, monkeypatch
) -> None:
    """Progressive import: the grid and the counts show what a running job has committed."""
    import threading

    from organizer.ui import main_window as main_window_module

    monkeypatch.setattr(main_window_module, "PROGRESS_RELOAD_MS", 100)
    folder = copy_coco(shared_data, tmp_path / "photos", PHOTOS)
    main, errors = _window(qtbot, tmp_path / "library")
    finished: list[str] = []
    main.context.work.jobFinished.connect(lambda name, _report: finished.append(name))
    release = threading.Event()

    def long_job(pipeline, progress, cancel):
        report = pipeline.add_folders([folder], progress, cancel)
        release.wait(60)  # the job goes on (more folders, say) after committing these
        return report

    main.context.work.run_job("Adding photos", long_job)
    try:
        qtbot.waitUntil(lambda: main.album.model.rowCount() == PHOTOS, timeout=WAIT_MS)
        qtbot.waitUntil(lambda: main.tags.model.rowCount() > 0, timeout=WAIT_MS)
        assert finished == []  # shown before the job ended
        folders = main.folders.model
        qtbot.waitUntil(lambda: f"({PHOTOS})" in (folders.index(0, 0).data() or ""),
                        timeout=WAIT_MS)
    finally:
        release.set()
    qtbot.waitUntil(lambda: finished == ["Adding photos"], timeout=WAIT_MS)
    assert errors == []
    _close(main)
