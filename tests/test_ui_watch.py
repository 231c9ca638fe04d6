"""The desktop app follows the disk: real photos copied into and deleted from a watched folder
(real inotify, SQLite, ONNX), seen in the album without the user doing anything.

Every wait polls with a deadline; nothing asserts how long anything took.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

pytest.importorskip("PySide6")

from PySide6.QtCore import QItemSelectionModel, Qt  # noqa: E402
from ui_helpers import copy_coco, open_tiny_app  # noqa: E402

from organizer.app import App  # noqa: E402
from organizer.ingest.watcher import DEFAULT_RESCAN_S, WatchBatch  # noqa: E402
from organizer.ui.application import build_context  # noqa: E402
from organizer.ui.main_window import MainWindow  # noqa: E402
from organizer.ui.settings_dialog import SettingsDialog  # noqa: E402
from organizer.ui.tag_count_model import TagNameRole  # noqa: E402
from organizer.ui.watch_bridge import WatchState, watcher_threads_alive  # noqa: E402

WAIT_MS = 30000
FIRST = 4  # photos indexed before the window opens


@pytest.fixture
def coco(shared_data: Path) -> list[Path]:
    return sorted((shared_data / "photos" / "coco128" / "images").glob("*.jpg"))


@pytest.fixture
def library_root(tmp_path: Path, shared_data: Path) -> Path:
    """A library with one watched folder of real, tagged photos."""
    app = open_tiny_app(tmp_path / "library")
    copy_coco(shared_data, tmp_path / "photos", FIRST)
    report = app.pipeline().add_folders([tmp_path / "photos"])
    assert report.tagged == FIRST and not report.failed
    app.close()
    return tmp_path


def _open_window(
    qtbot, root: Path, rescan_s: float = DEFAULT_RESCAN_S
) -> tuple[MainWindow, App]:
    app = open_tiny_app(root / "library")
    context = build_context(app, watch=True, watch_settle_s=0.2, watch_rescan_s=rescan_s)
    main = MainWindow(context)
    qtbot.addWidget(main)
    main.show()
    bridge = context.watcher
    assert bridge is not None
    qtbot.waitUntil(lambda: main.album.model.rowCount() == FIRST, timeout=WAIT_MS)
    qtbot.waitUntil(lambda: bridge.state == WatchState.WATCHING, timeout=WAIT_MS)
    # The start-up scan has run: later events are the test's own.
    qtbot.waitUntil(
        lambda: (watcher := bridge.watcher) is not None and watcher.is_idle(), timeout=WAIT_MS
    )
    return main, app


@pytest.fixture
def window(qtbot, library_root: Path) -> Iterator[MainWindow]:
    main, app = _open_window(qtbot, library_root)
    yield main
    main.close()
    main.context.work.wait()
    main.album.loader.wait()
    app.close()


def _model_tags(app: App, photo_id: int) -> list[str]:
    return [t.tag for t in app.library.photo_tags(photo_id) if t.source == "model"]


def _photo_id(app: App, path: Path) -> int | None:
    row = app.library.photo_by_path(path)
    return row.id if row else None


def _panel_counts(main: MainWindow) -> dict[str, int]:
    model = main.tags.model
    return {
        model.index(row, 0).data(TagNameRole): model.index(row, 1).data()
        for row in range(model.rowCount())
    }


def _all_photos_label(main: MainWindow) -> str:
    return main.folders.model.index(0, 0).data()


def test_copied_photo_appears_tagged_and_deleted_one_disappears(
    qtbot, window: MainWindow, library_root: Path, coco: list[Path]
) -> None:
    app = window.context.app
    model = window.album.model
    # The user has a photo selected: arriving photos must not take it away.
    keep = model.id_at(1)
    window.album.view.selectionModel().select(
        model.index(1), QItemSelectionModel.SelectionFlag.Select
    )

    counts_before = dict(app.library.tag_counts())
    # The panel's counts load after the first grid is painted: wait for them, don't race.
    qtbot.waitUntil(lambda: _panel_counts(window) == counts_before, timeout=WAIT_MS)
    arrived = library_root / "photos" / coco[FIRST + 3].name
    shutil.copy2(coco[FIRST + 3], arrived)

    qtbot.waitUntil(lambda: _photo_id(app, arrived) is not None, timeout=WAIT_MS)
    new_id = _photo_id(app, arrived)
    qtbot.waitUntil(lambda: new_id in model.ids(), timeout=WAIT_MS)
    qtbot.waitUntil(lambda: bool(_model_tags(app, new_id)), timeout=WAIT_MS)
    assert model.rowCount() == FIRST + 1
    assert model.photo_row(model.row_of(new_id)).path == str(arrived.resolve())
    qtbot.waitUntil(lambda: f"({FIRST + 1})" in _all_photos_label(window), timeout=WAIT_MS)
    # The tag panel's counts follow: the new photo's tags are counted.
    counts_after = dict(app.library.tag_counts())
    for tag in _model_tags(app, new_id):
        assert counts_after[tag] == counts_before.get(tag, 0) + 1
    qtbot.waitUntil(lambda: _panel_counts(window) == counts_after, timeout=WAIT_MS)
    assert window.album.selected_ids() == [keep]
    assert "new" in window.watch_status.toolTip()

    arrived.unlink()
    qtbot.waitUntil(lambda: new_id not in model.ids(), timeout=WAIT_MS)
    assert app.library.photo_by_path(arrived) is None
    assert model.rowCount() == FIRST
    qtbot.waitUntil(lambda: f"({FIRST})" in _all_photos_label(window), timeout=WAIT_MS)
    qtbot.waitUntil(lambda: _panel_counts(window) == counts_before, timeout=WAIT_MS)
    assert window.album.selected_ids() == [keep]

    window.close()
    assert window.context.watcher.watcher is None
    assert watcher_threads_alive() == []


def test_writing_keywords_from_the_app_does_not_retag(
    qtbot, window: MainWindow, library_root: Path, coco: list[Path]
) -> None:
    app = window.context.app
    bridge = window.context.watcher
    batches: list[WatchBatch] = []
    bridge.batchArrived.connect(batches.append)
    app.library.set_setting("write_keywords", "all")
    photos = sorted((library_root / "photos").glob("*.jpg"))
    for photo in photos:  # copies of the read-only originals: the user's own files are writable
        photo.chmod(0o644)
    written_ids = {_photo_id(app, p) for p in photos}

    window.write_tags(str(library_root / "photos"))
    qtbot.waitUntil(lambda: "written" in window.jobs.label.text(), timeout=WAIT_MS)
    assert f"{FIRST} written" in window.jobs.label.text(), window.jobs.label.text()
    keywords = app.metadata.read_keywords(photos[0]).flat
    assert set(_model_tags(app, _photo_id(app, photos[0]))) <= set(keywords)
    # Recorded where the watcher looks: these writes are known as Organizer's own.
    # (A photo whose own XMP other programs misread gets a sidecar: that is the file written.)
    written = [next((x for x in (p.with_name(p.name + ".xmp"),) if x.exists()), p) for p in photos]
    assert all(bridge.watcher.is_own_write(str(p)) for p in written)

    # A photo saved by "another program" after the writes: once the watcher has handled it,
    # it has handled the writes' events too (they came first).
    sentinel = library_root / "photos" / coco[FIRST + 5].name
    shutil.copy2(coco[FIRST + 5], sentinel)
    qtbot.waitUntil(
        lambda: any(
            _photo_id(app, sentinel) in b.changed_ids for b in batches if _photo_id(app, sentinel)
        ),
        timeout=WAIT_MS,
    )
    retagged = {i for b in batches for i in b.changed_ids} & written_ids
    assert retagged == set(), "the app's own keyword writes were taken for outside edits"


def test_folders_added_and_removed_are_followed_and_problems_shown(
    qtbot, library_root: Path, coco: list[Path]
) -> None:
    # A folder that is not there (an unplugged drive) is reported, not fatal.
    setup = open_tiny_app(library_root / "library")
    setup.library.add_folder(library_root / "unplugged")
    setup.close()
    main, app = _open_window(qtbot, library_root, rescan_s=0.5)
    bridge = main.context.watcher
    qtbot.waitUntil(lambda: bool(bridge.problems), timeout=WAIT_MS)
    assert any("not found" in problem for problem in bridge.problems), bridge.problems
    assert "⚠" in main.watch_status.text()
    box = main.watch_status.show_problems()
    assert box.isVisible() and not box.isModal()
    assert "unplugged" in box.informativeText()
    box.close()
    # The drive is plugged back in (its folder, with its photos): the problem goes, and the
    # status bar says so.
    (library_root / "unplugged").mkdir()
    shutil.copy2(coco[22], library_root / "unplugged" / coco[22].name)
    qtbot.waitUntil(lambda: bridge.problems == [], timeout=WAIT_MS)
    qtbot.waitUntil(lambda: "⚠" not in main.watch_status.text(), timeout=WAIT_MS)
    assert main.watch_status.cursor().shape() != Qt.CursorShape.PointingHandCursor
    qtbot.waitUntil(lambda: main.album.model.rowCount() == FIRST + 1, timeout=WAIT_MS)

    # A folder added from the app is watched once the add job has run.
    extra = library_root / "more"
    extra.mkdir()
    shutil.copy2(coco[20], extra / coco[20].name)
    main.add_folders([extra])
    qtbot.waitUntil(
        # Read the watcher once: the control thread may be replacing it between two reads.
        lambda: (watcher := bridge.watcher) is not None and extra.resolve() in watcher.roots,
        timeout=WAIT_MS,
    )
    qtbot.waitUntil(lambda: main.album.model.rowCount() == FIRST + 2, timeout=WAIT_MS)
    later = extra / coco[21].name
    shutil.copy2(coco[21], later)
    qtbot.waitUntil(lambda: _photo_id(app, later) is not None, timeout=WAIT_MS)
    qtbot.waitUntil(lambda: main.album.model.rowCount() == FIRST + 3, timeout=WAIT_MS)

    # Removed (as the Remove button does after its question): no longer watched.
    folder_id = app.library.folder_for(extra)
    main.context.work.edit(
        lambda library: library.remove_folder(folder_id),
        lambda _result: main.context.events.foldersChanged.emit(),
    )
    qtbot.waitUntil(
        lambda: (watcher := bridge.watcher) is not None
        and extra.resolve() not in watcher.roots,
        timeout=WAIT_MS,
    )
    main.close()
    assert watcher_threads_alive() == []
    main.context.work.wait()
    main.album.loader.wait()
    app.close()


def test_watching_can_be_turned_off_in_the_settings(
    qtbot, window: MainWindow, library_root: Path, coco: list[Path]
) -> None:
    bridge = window.context.watcher
    dialog = SettingsDialog(window.context, window)
    assert dialog.watch.isChecked()
    dialog.watch.setChecked(False)
    dialog._save()
    qtbot.waitUntil(lambda: bridge.state == WatchState.OFF, timeout=WAIT_MS)
    assert bridge.watcher is None and watcher_threads_alive() == []
    assert window.context.app.library.setting("watch_folders") == "0"
    assert "off" in window.watch_status.text().lower()

    dialog = SettingsDialog(window.context, window)
    assert not dialog.watch.isChecked()
    dialog.watch.setChecked(True)
    dialog._save()
    qtbot.waitUntil(lambda: bridge.state == WatchState.WATCHING, timeout=WAIT_MS)
    # Back on: a photo copied now is picked up.
    arrived = library_root / "photos" / coco[30].name
    shutil.copy2(coco[30], arrived)
    qtbot.waitUntil(lambda: window.album.model.rowCount() == FIRST + 1, timeout=WAIT_MS)


def test_a_library_with_watching_off_starts_without_a_watcher(qtbot, library_root: Path) -> None:
    setup = open_tiny_app(library_root / "library")
    setup.library.set_setting("watch_folders", "0")
    setup.close()
    main, app = _open_window_unwatched(qtbot, library_root)
    assert main.context.watcher.watcher is None
    main.close()
    main.context.work.wait()
    main.album.loader.wait()
    app.close()


def _open_window_unwatched(qtbot, root: Path) -> tuple[MainWindow, App]:
    app = open_tiny_app(root / "library")
    context = build_context(app, watch=True)
    main = MainWindow(context)
    qtbot.addWidget(main)
    main.show()
    qtbot.waitUntil(lambda: main.album.model.rowCount() == FIRST, timeout=WAIT_MS)
    qtbot.waitUntil(lambda: context.watcher.state == WatchState.OFF, timeout=WAIT_MS)
    return main, app


def test_watcher_and_jobs_word_their_counts_in_the_ui_language(qtbot, window: MainWindow) -> None:
    """The watcher adds up its batches' counts (numbers, not English sentences parsed back),
    and the status bar words them, and a finished job's, in the UI's language."""
    from PySide6.QtCore import QLocale
    from PySide6.QtWidgets import QApplication

    from organizer.ingest.pipeline import ScanReport
    from organizer.ui.translations import install_translators

    bridge = window.context.watcher
    seen: list[str] = []
    bridge.activity.connect(seen.append)

    def two_batches() -> str:
        bridge._collect(WatchBatch(ScanReport(new=2, tagged=2)))
        bridge._collect(WatchBatch(ScanReport(tagged=1, failed=[("/x/broken.jpg", "truncated")])))
        bridge._publish()
        return seen[-1]

    assert two_batches().endswith(" 2 new, 3 tagged, 1 could not be read")
    window.jobs._on_finished("Scanning", ScanReport(unchanged=5, cancelled=True))
    assert window.jobs.label.text() == "Scanning: 5 unchanged (cancelled)"

    application = QApplication.instance()
    before = QLocale()
    translators = install_translators(application, "zh_CN")
    try:
        assert two_batches().endswith(" 新增 2 张，3 张已打标签，1 张无法读取")
        window.jobs._on_finished("扫描", ScanReport())
        assert window.jobs.label.text() == "扫描: 没有变化"
    finally:
        for translator in translators:
            application.removeTranslator(translator)
        QLocale.setDefault(before)
