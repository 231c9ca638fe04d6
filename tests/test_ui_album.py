"""The desktop app on a real library: grid filtering, models, retag, tag edits and undo."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

pytest.importorskip("PySide6")

from PySide6.QtCore import QItemSelectionModel, Qt  # noqa: E402
from PySide6.QtTest import QAbstractItemModelTester  # noqa: E402
from ui_helpers import copy_coco, open_tiny_app  # noqa: E402

from organizer.library import browse  # noqa: E402
from organizer.ui.album_model import PhotoIdRole  # noqa: E402
from organizer.ui.application import build_context  # noqa: E402
from organizer.ui.main_window import MainWindow  # noqa: E402
from organizer.ui.tag_count_model import TagNameRole  # noqa: E402

WAIT_MS = 20000


@pytest.fixture(scope="module")
def built_library(tmp_path_factory: pytest.TempPathFactory, shared_data: Path) -> Path:
    """Index and tag 40 real photos once; each test works on its own copy."""
    root = tmp_path_factory.mktemp("built")
    app = open_tiny_app(root / "library")
    copy_coco(shared_data, root / "photos" / "first", 25)
    source = shared_data / "photos" / "coco128" / "images"
    (root / "photos" / "second").mkdir()
    for path in sorted(source.glob("*.jpg"))[25:40]:
        shutil.copy2(path, root / "photos" / "second" / path.name)
    report = app.pipeline().add_folders([root / "photos"])
    assert report.tagged == 40 and not report.failed
    app.close()
    return root


@pytest.fixture
def window(qtbot, tmp_path: Path, built_library: Path):
    root = tmp_path / "copy"
    shutil.copytree(built_library, root)
    # Paths in the index are absolute: point them at this copy.
    from organizer.app import open_app

    app = open_app(root / "library")
    with app.library.transaction() as db:
        old, new = str(built_library), str(root)
        db.execute("UPDATE folders SET path = replace(path, ?, ?)", (old, new))
        db.execute("UPDATE photos SET path = replace(path, ?, ?)", (old, new))
    context = build_context(app)
    main = MainWindow(context)
    qtbot.addWidget(main)
    main.show()
    qtbot.waitUntil(lambda: main.album.model.rowCount() == 40, timeout=WAIT_MS)
    qtbot.waitUntil(lambda: main.tags.model.rowCount() > 0, timeout=WAIT_MS)
    yield main
    context.work.cancel_jobs()
    context.work.wait()
    main.album.loader.wait()
    app.close()


def _paths(library, query: str) -> set[str]:
    return set(library.photo_paths(library.search(query)))


def _grid_paths(main: MainWindow) -> set[str]:
    model = main.album.model
    return {model.photo_row(row).path for row in range(model.rowCount())}


def test_item_models_pass_the_model_tester(qtbot, window: MainWindow) -> None:
    """Each model keeps its tester attached (Fatal: a broken signal aborts) while the user
    filters, selects a photo and changes its tags, so every insert, remove and reset the
    views see is checked, not only the first state."""
    testers = [
        QAbstractItemModelTester(model, QAbstractItemModelTester.FailureReportingMode.Fatal)
        for model in (window.album.model, window.tags.model, window.folders.model,
                      window.details.model)
    ]
    album = window.album.model
    for row in range(album.rowCount()):
        index = album.index(row)
        assert index.data(Qt.ItemDataRole.DisplayRole).endswith(".jpg")
        index.data(Qt.ItemDataRole.DecorationRole)
    reddish = len(window.context.library.search("reddish"))
    window.tags.search.set_query("reddish")
    qtbot.waitUntil(lambda: album.rowCount() == reddish, timeout=WAIT_MS)
    window.tags.search.set_query("")
    qtbot.waitUntil(lambda: album.rowCount() == 40, timeout=WAIT_MS)
    window.album.view.setCurrentIndex(album.index(0))
    qtbot.waitUntil(lambda: window.details.model.rowCount() > 0, timeout=WAIT_MS)
    before = window.details.model.rowCount()
    window.details.apply(["tester tag"], "confirmed")
    qtbot.waitUntil(lambda: window.details.model.rowCount() == before + 1, timeout=WAIT_MS)
    del testers  # attached until here


def test_clicking_a_tag_shows_exactly_its_photos(qtbot, window: MainWindow) -> None:
    library = window.context.library
    counts = {name: count for name, count in library.tag_counts()}
    row = next(r for r in range(window.tags.model.rowCount()))
    name = window.tags.model.index(row, 0).data(TagNameRole)
    expected = _paths(library, name)
    assert len(expected) == counts[name] > 0
    window.tags.view.clicked.emit(window.tags.model.index(row, 0))
    assert window.tags.search.text() == name
    qtbot.waitUntil(lambda: window.album.model.rowCount() == len(expected), timeout=WAIT_MS)
    assert _grid_paths(window) == expected
    # The tag panel now counts only the shown photos.
    qtbot.waitUntil(
        lambda: window.tags.model.index(0, 1).data(Qt.ItemDataRole.DisplayRole) == len(expected),
        timeout=WAIT_MS,
    )


@pytest.mark.parametrize("query", ["reddish AND NOT bright", "bluish OR greenish", "NOT reddish"])
def test_boolean_queries_match_the_index(qtbot, window: MainWindow, query: str) -> None:
    expected = _paths(window.context.library, query)
    window.tags.search.set_query(query)
    qtbot.waitUntil(lambda: _grid_paths(window) == expected, timeout=WAIT_MS)


def test_folder_and_query_combine(qtbot, window: MainWindow) -> None:
    library = window.context.library
    second = next(p for _, p in library.folders()) / "second"
    expected = {p for p in _paths(library, "reddish") if Path(p).parent == second}
    window.tags.search.set_query("reddish")
    window.folders.folderSelected.emit(second)
    qtbot.waitUntil(lambda: _grid_paths(window) == expected, timeout=WAIT_MS)
    # The status bar says the search is limited to the folder, not just how many match.
    qtbot.waitUntil(
        lambda: window.count_label.text() == f"{len(expected)} photos in second match",
        timeout=WAIT_MS,
    )


def test_syntax_error_is_shown_not_thrown(qtbot, window: MainWindow) -> None:
    window.tags.search.set_query("reddish AND (")
    assert "position" in window.tags.search.error_text()
    assert window.album.model.rowCount() == 40  # the last good result stays
    window.tags.search.set_query("bright")
    assert window.tags.search.error_text() == ""


def test_sort_by_name(qtbot, window: MainWindow) -> None:
    from organizer.library.browse import SortOrder

    window.album.set_order(SortOrder.NAME)
    qtbot.wait(200)
    paths = [window.album.model.photo_row(r).path for r in range(window.album.model.rowCount())]
    assert paths == sorted(paths)


def test_thumbnails_load_in_background(qtbot, window: MainWindow) -> None:
    model = window.album.model
    model.index(0).data(Qt.ItemDataRole.DecorationRole)
    qtbot.waitUntil(
        lambda: model.index(0).data(Qt.ItemDataRole.DecorationRole) is not None, timeout=WAIT_MS
    )
    row = model.photo_row(0)
    assert window.context.thumbnails.cached(row.content_hash) is not None


def _select(window: MainWindow, rows: list[int]) -> list[int]:
    view = window.album.view
    view.clearSelection()
    for row in rows:
        view.selectionModel().select(
            window.album.model.index(row), QItemSelectionModel.SelectionFlag.Select
        )
    return [window.album.model.index(r).data(PhotoIdRole) for r in rows]


def _state(library, photo_id: int, tag: str) -> tuple[str, str] | None:
    row = library.database.execute(
        "SELECT pt.source, pt.state FROM photo_tags pt JOIN tags t ON t.id = pt.tag_id "
        "WHERE pt.photo_id = ? AND t.name = ?",
        (photo_id, tag),
    ).fetchone()
    return tuple(row) if row else None


def test_reject_add_and_undo(qtbot, window: MainWindow) -> None:
    library = window.context.library
    ids = _select(window, [0, 1, 2])
    qtbot.waitUntil(lambda: window.details.photo_ids() == ids, timeout=WAIT_MS)
    tagged = [
        (pid, t.tag)
        for pid in ids
        for t in library.photo_tags(pid)
        if t.source == "model" and t.state == "suggested"
    ]
    assert tagged, "the tiny model tags every photo with at least one colour"
    photo_id, tag = tagged[0]
    before = library.photo_tags(photo_id)

    # Bulk add a new user tag to the three selected photos.
    window.details.new_tag.setText("grandma")
    window.details.add_typed_tag()
    qtbot.waitUntil(
        lambda: all(_state(library, pid, "grandma") == ("user", "confirmed") for pid in ids),
        timeout=WAIT_MS,
    )
    assert set(library.search("grandma")) == set(ids)

    # Reject a model suggestion on one photo.
    _select(window, [ids.index(photo_id)])
    qtbot.waitUntil(lambda: window.details.photo_ids() == [photo_id], timeout=WAIT_MS)
    window.details.apply([tag], "rejected")
    qtbot.waitUntil(lambda: _state(library, photo_id, tag) == ("user", "rejected"), timeout=WAIT_MS)
    assert photo_id not in library.search(tag)

    # Ctrl+Z twice: the suggestion comes back with its score, then "grandma" goes.
    window.context.undo.undo()
    qtbot.waitUntil(
        lambda: _state(library, photo_id, tag) == ("model", "suggested"), timeout=WAIT_MS
    )
    assert [t for t in library.photo_tags(photo_id) if t.tag == tag] == [
        t for t in before if t.tag == tag
    ]
    window.context.undo.undo()
    qtbot.waitUntil(lambda: library.search("grandma") == [], timeout=WAIT_MS)
    assert library.photo_tags(photo_id) == before
    window.context.undo.redo()
    qtbot.waitUntil(lambda: set(library.search("grandma")) == set(ids), timeout=WAIT_MS)


def test_undo_shortcut_is_ctrl_z(window: MainWindow) -> None:
    from PySide6.QtGui import QKeySequence

    edit_menu = next(
        a.menu() for a in window.menuBar().actions() if a.menu() and "Edit" in a.text()
    )
    undo = next(a for a in edit_menu.actions() if a.shortcut().matches(QKeySequence("Ctrl+Z")))
    assert undo is not None


def test_retag_from_folder_menu_keeps_corrections(qtbot, window: MainWindow) -> None:
    library = window.context.library
    folder = next(p for _, p in library.folders())
    photo_id = window.album.model.index(0).data(PhotoIdRole)
    model_tags = [t.tag for t in library.photo_tags(photo_id) if t.source == "model"]
    library.set_user_tag([photo_id], model_tags[0], "rejected")
    library.database.execute("UPDATE photos SET tagged_model = 'old' ")
    finished = []
    window.context.work.jobFinished.connect(lambda name, report: finished.append(report))
    window.folders.retagRequested.emit(str(folder))
    qtbot.waitUntil(lambda: bool(finished), timeout=60000)
    assert finished[0].tagged == 40
    assert _state(library, photo_id, model_tags[0]) == ("user", "rejected")
    tagged = library.database.execute("SELECT DISTINCT tagged_model FROM photos").fetchall()
    assert tagged == [("tiny-1",)]
    # The view refreshes from the job's signal: the rejected tag no longer counts.
    expected = dict(library.tag_counts())
    qtbot.waitUntil(
        lambda: (
            {
                window.tags.model.index(r, 0).data(TagNameRole): window.tags.model.index(
                    r, 1
                ).data()
                for r in range(window.tags.model.rowCount())
            }
            == expected
        ),
        timeout=WAIT_MS,
    )
    assert "Retagging" in window.jobs.label.text()


def test_tag_counts_browse_matches_store(window: MainWindow) -> None:
    library = window.context.library
    counts = browse.tag_counts(library, browse.Filter())
    assert [(c.name, c.count) for c in counts] == library.tag_counts()


def test_long_sessions_do_not_exhaust_none(qtbot, window: MainWindow) -> None:
    """PySide6 6.12.0 on CPython 3.11 drops a reference to None per void call and aborts the
    process within ~5,000 calls; pyproject.toml keeps such versions out."""
    import sys

    from PySide6.QtWidgets import QApplication

    before = sys.getrefcount(None)
    for _ in range(20000):
        QApplication.processEvents()
        window.album.model.index(0).data(Qt.ItemDataRole.UserRole + 99)
    # With the bug, 20,000 calls lose ~40,000 references; ordinary caching moves a few dozen.
    assert sys.getrefcount(None) >= before - 1000


def test_first_page_then_the_rest_of_the_ids(qtbot, window: MainWindow) -> None:
    """The grid paints the first page, then the rest is appended: rows inserted, no reset."""
    model = window.album.model
    # Held in a local, so it stays attached for the whole test (a dropped tester checks nothing).
    tester = QAbstractItemModelTester(model, QAbstractItemModelTester.FailureReportingMode.Fatal)
    ids = model.ids()
    model.set_ids(ids[:10], browse.photo_rows(window.context.library, ids[:10]))
    assert model.index(9).data(Qt.ItemDataRole.DisplayRole).endswith(".jpg")
    events: list[object] = []
    model.modelReset.connect(lambda: events.append("reset"))
    model.rowsInserted.connect(lambda _parent, first, last: events.append((first, last)))
    model.set_ids(ids)
    assert events == [(10, len(ids) - 1)]
    del tester  # attached until here
    # The first page was read short: painting asks for it again, off the GUI thread, and
    # its cells repaint when it lands.
    model.dataChanged.connect(lambda first, last: events.append((first.row(), last.row())))
    model.index(len(ids) - 1).data(Qt.ItemDataRole.DisplayRole)
    # (Thumbnails landing meanwhile add their own rows to the list.)
    qtbot.waitUntil(lambda: (0, len(ids) - 1) in events, timeout=WAIT_MS)
    assert all(
        model.index(row).data(Qt.ItemDataRole.DisplayRole).endswith(".jpg")
        for row in range(len(ids))
    )


def test_date_order_puts_undated_photos_last_and_pages_agree(window: MainWindow) -> None:
    library = window.context.library
    with library.transaction() as db:
        db.execute("UPDATE photos SET taken_at = NULL")
        db.execute(
            "UPDATE photos SET taken_at = printf('2020-01-%02dT00:00:00', 1 + id % 5)"
            " WHERE id % 3 != 0"
        )
    rows = library.database.execute("SELECT id, taken_at, path FROM photos").fetchall()
    dated = sorted((r for r in rows if r[1]), key=lambda r: (r[1], r[2]))
    undated = sorted((r for r in rows if not r[1]), key=lambda r: r[2])
    expected = [r[0] for r in dated + undated]
    newest = [r[0] for r in reversed(dated)] + [r[0] for r in reversed(undated)]
    for order, want in ((browse.SortOrder.DATE_TAKEN, expected),
                        (browse.SortOrder.DATE_NEWEST, newest)):
        assert browse.photo_ids(library, browse.Filter(), order) == want
        for limit in (1, len(dated), len(dated) + 3, len(rows) + 5):
            assert browse.photo_ids(library, browse.Filter(), order, limit=limit) == want[:limit]


def test_both_sort_directions_from_the_view_menu(qtbot, window: MainWindow) -> None:
    """View → Sort by Name, Z to A (and back): the grid follows, in the order the index holds."""
    view_menu = next(a.menu() for a in window.menuBar().actions() if a.text() == "&View")
    actions = {a.text(): a for a in view_menu.actions()}

    def paths() -> list[str | None]:
        return [window.album.model.path_at(r) for r in range(window.album.model.rowCount())]

    actions["Sort by Name, &Z to A"].trigger()
    qtbot.waitUntil(lambda: paths() == sorted(paths(), reverse=True) and len(paths()) == 40,
                    timeout=WAIT_MS)
    actions["Sort by &Name, A to Z"].trigger()
    qtbot.waitUntil(lambda: paths() == sorted(paths()) and len(paths()) == 40, timeout=WAIT_MS)


def test_tag_overview_matches_separate_queries(window: MainWindow) -> None:
    library = window.context.library
    for selection in (browse.Filter(), browse.Filter("reddish")):
        counts, every = browse.tag_overview(library, selection)
        assert counts == browse.tag_counts(library, selection)
        assert every == browse.all_tags(library)


def test_folder_tree_counts_nested_folders(tmp_path: Path) -> None:
    from organizer.library.database import open_database
    from organizer.library.store import Library

    library = Library(open_database(tmp_path / "lib"), tmp_path / "lib")
    roots = [tmp_path / "a", tmp_path / "b c"]
    photos = {
        1: ["x.jpg", "s/y.jpg", "s/t/z.jpg", "s-2/q.jpg"],
        2: ["ü/1.jpg", "2.jpg"],
    }
    with library.transaction() as db:
        for folder_id, root in enumerate(roots, 1):
            db.execute("INSERT INTO folders VALUES (?, ?, 0)", (folder_id, str(root)))
            for name in photos[folder_id]:
                db.execute(
                    "INSERT INTO photos (folder_id, path, size, mtime_ns, indexed_at)"
                    " VALUES (?, ?, 1, 1, 0)",
                    (folder_id, str(root / name)),
                )

    def flat(node: browse.FolderNode) -> list[tuple[str, int]]:
        below = [pair for child in node.children for pair in flat(child)]
        return [(node.path.relative_to(tmp_path).as_posix(), node.count), *below]

    trees = [flat(root) for root in browse.folder_tree(library)]
    assert trees == [
        [("a", 4), ("a/s", 2), ("a/s/t", 1), ("a/s-2", 1)],
        [("b c", 2), ("b c/ü", 1)],
    ]
    library.close()


def _filter_and_select_first(qtbot, window: MainWindow, query: str) -> list[int]:
    expected = _paths(window.context.library, query)
    window.tags.search.set_query(query)
    qtbot.waitUntil(lambda: _grid_paths(window) == expected, timeout=WAIT_MS)
    ids = window.album.model.ids()
    window.album.view.setCurrentIndex(window.album.model.index(0))
    qtbot.waitUntil(lambda: window.details.photo_ids() == ids[:1], timeout=WAIT_MS)
    qtbot.waitUntil(lambda: query in window.details.model.tag_names(), timeout=WAIT_MS)
    return ids


def _reject_in_details(qtbot, window: MainWindow, tag: str, typed: str) -> None:
    """The user types part of a tag, then selects ``tag`` in the list and clicks Reject."""
    details = window.details
    details.new_tag.setFocus()
    qtbot.keyClicks(details.new_tag, typed)
    details.table.selectRow(details.model.tag_names().index(tag))
    qtbot.mouseClick(details.reject_button, Qt.MouseButton.LeftButton)


def test_rejecting_the_filtered_tag_moves_the_details_to_the_next_photo(
    qtbot, window: MainWindow
) -> None:
    library = window.context.library
    ids = _filter_and_select_first(qtbot, window, "reddish")
    assert len(ids) >= 2
    shown: list[list[int]] = []
    window.album.selectionChanged.connect(shown.append)
    details = window.details
    _reject_in_details(qtbot, window, "reddish", "grand")

    qtbot.waitUntil(lambda: window.album.model.ids() == ids[1:], timeout=WAIT_MS)
    qtbot.waitUntil(lambda: details.photo_ids() == [ids[1]], timeout=WAIT_MS)
    assert window.album.selected_ids() == [ids[1]]
    assert [] not in shown, "the panel never blanks on the way to the next photo"
    qtbot.waitUntil(
        lambda: os.path.basename(library.photo_paths([ids[1]])[0]) in details.info.text(),
        timeout=WAIT_MS,
    )
    qtbot.wait(200)  # a late read for the rejected photo must not come back
    assert details.photo_ids() == [ids[1]]
    assert os.path.basename(library.photo_paths([ids[0]])[0]) not in details.info.text()
    for widget in (details.confirm_button, details.reject_button, details.new_tag, details.table):
        assert widget.isEnabled()
    assert details.new_tag.text() == "grand"
    # The corrections go on: the user finishes the tag and adds it to the next photo.
    qtbot.keyClicks(details.new_tag, "ma")
    details.add_typed_tag()
    qtbot.waitUntil(lambda: library.search("grandma") == [ids[1]], timeout=WAIT_MS)
    # A new query is not a re-read: no photo is picked for the user there.
    window.tags.search.set_query("NOT reddish")
    qtbot.waitUntil(lambda: _grid_paths(window) == _paths(library, "NOT reddish"), timeout=WAIT_MS)
    qtbot.waitUntil(lambda: details.photo_ids() == [], timeout=WAIT_MS)
    assert window.album.selected_ids() == []


def test_rejecting_the_last_filtered_photo_empties_the_details(qtbot, window: MainWindow) -> None:
    library = window.context.library
    only = window.album.model.index(5).data(PhotoIdRole)
    library.set_user_tag([only], "lighthouse", "confirmed")
    assert _filter_and_select_first(qtbot, window, "lighthouse") == [only]
    details = window.details
    _reject_in_details(qtbot, window, "lighthouse", "sea")

    qtbot.waitUntil(lambda: window.album.model.rowCount() == 0, timeout=WAIT_MS)
    qtbot.waitUntil(lambda: details.photo_ids() == [], timeout=WAIT_MS)
    qtbot.wait(200)  # a late read for the rejected photo must not come back
    assert details.model.rowCount() == 0
    assert details.info.text() == ""
    assert not details.reject_button.isEnabled()
    assert details.new_tag.text() == "sea"
    # Undo brings the photo back into the filter; the typed text is still there to finish.
    window.context.undo.undo()
    qtbot.waitUntil(lambda: window.album.model.ids() == [only], timeout=WAIT_MS)
    window.album.view.setCurrentIndex(window.album.model.index(0))
    qtbot.waitUntil(lambda: details.new_tag.isEnabled(), timeout=WAIT_MS)
    assert details.new_tag.text() == "sea"


def test_minimum_score_setting_hides_low_suggestions_in_the_details(
    qtbot, window: MainWindow
) -> None:
    from organizer.ui.settings_dialog import SettingsDialog

    library = window.context.library
    details = window.details

    def suggestions(photo_id: int) -> list:
        tags = library.photo_tags(photo_id)
        return sorted((t for t in tags if t.state == "suggested"), key=lambda t: t.score)

    # A photo with a suggestion below a two-decimal threshold that another one reaches.
    row, low, high, threshold = next(
        (row, s[0].tag, s[-1].tag, int(s[-1].score * 100) / 100)
        for row in range(window.album.model.rowCount())
        if len(s := suggestions(window.album.model.index(row).data(PhotoIdRole))) >= 2
        and s[0].score < int(s[-1].score * 100) / 100
    )
    [photo_id] = _select(window, [row])
    details.apply(["grandma"], "confirmed")
    qtbot.waitUntil(
        lambda: {low, high, "grandma"} <= set(details.model.tag_names()), timeout=WAIT_MS
    )

    dialog = SettingsDialog(window.context, window)
    dialog.min_score.setValue(threshold)
    dialog.button_box.button(dialog.button_box.StandardButton.Ok).click()
    assert library.setting("min_display_score") == f"{threshold:.2f}"
    qtbot.waitUntil(lambda: low not in details.model.tag_names(), timeout=WAIT_MS)
    assert {high, "grandma"} <= set(details.model.tag_names())
    assert low not in {tag.tag for tag, _ in browse.tag_summary(library, [photo_id], threshold)}

    # Reviewed tags show whatever their score.
    for state in ("confirmed", "rejected"):
        details.apply([low], state)
        qtbot.waitUntil(
            lambda s=state: _state(library, photo_id, low) == ("user", s), timeout=WAIT_MS
        )
        qtbot.waitUntil(lambda: low in details.model.tag_names(), timeout=WAIT_MS)
    window.context.undo.undo()
    window.context.undo.undo()
    qtbot.waitUntil(lambda: low not in details.model.tag_names(), timeout=WAIT_MS)

    # Lowering the setting brings the suggestion back; a new window starts with the setting.
    dialog = SettingsDialog(window.context, window)
    assert dialog.min_score.value() == threshold
    dialog.min_score.setValue(0.0)
    dialog.button_box.button(dialog.button_box.StandardButton.Ok).click()
    qtbot.waitUntil(lambda: low in details.model.tag_names(), timeout=WAIT_MS)


def test_desktop_entry_and_window_icon(qtbot, window: MainWindow) -> None:
    import configparser

    from PySide6.QtWidgets import QApplication

    from organizer.ui.app_icon import ICON_PATH
    from organizer.ui.application import configure_application

    repo = Path(__file__).resolve().parents[1]
    entry = configparser.ConfigParser(interpolation=None)
    entry.optionxform = str  # keys are case-sensitive
    entry.read(repo / "resources" / "desktop" / "organizer.desktop", encoding="utf-8")
    desktop = entry["Desktop Entry"]
    assert desktop["Type"] == "Application"
    assert desktop["Exec"] == "organizer gui %F" and desktop["Terminal"] == "false"
    assert set(desktop["Categories"].rstrip(";").split(";")) >= {"Graphics", "Photography"}
    for key in ("Name", "GenericName", "Comment", "Name[zh_CN]", "Comment[zh_CN]"):
        assert desktop[key].strip()
    assert ICON_PATH.is_file() and ICON_PATH.name == f"{desktop['Icon']}.svg"

    application = QApplication.instance()
    before = (
        application.organizationName(),
        application.applicationName(),
        application.desktopFileName(),
        application.windowIcon(),
    )
    try:
        configure_application(application)
        assert application.desktopFileName() == "organizer"
        pixmap = window.windowIcon().pixmap(64, 64)  # windows inherit the application's
        assert not pixmap.isNull()
        image = pixmap.toImage()
        corner, middle = image.pixelColor(0, 0), image.pixelColor(32, 32)
        assert corner.alpha() == 0 and middle.alpha() == 255  # a rounded tile, drawn
    finally:
        organization, name, desktop_name, icon = before
        application.setOrganizationName(organization)
        application.setApplicationName(name)
        application.setDesktopFileName(desktop_name)
        application.setWindowIcon(icon)


def _grid_ids(main: MainWindow) -> list[int]:
    return main.album.model.ids()


def test_review_queue_confirms_and_rejects_with_the_keyboard(qtbot, window: MainWindow) -> None:
    """Tags → Review: the grid is the tag's queue (the core's, as `organizer suggest` prints
    it); Y confirms, N rejects, the next photo follows; Ctrl+Z undoes; Esc goes back."""
    from PySide6.QtTest import QTest

    from organizer.tagging.review import review_queue

    library, app = window.context.library, window.context.app
    queue = review_queue(library, app.active_bundle(), app.embeddings, "reddish", 200)
    expected = [c.photo_id for c in queue]
    assert len(expected) > 3
    window.album.view.selectAll()  # a queue starts at its first photo alone, whatever was chosen
    window.review_tag("reddish")
    qtbot.waitUntil(lambda: _grid_ids(window) == expected, timeout=WAIT_MS)
    assert window.album.ranking_bar.isVisible()
    assert "reddish" in window.album.ranking_bar.label.text()
    qtbot.waitUntil(lambda: window.album.selected_ids() == expected[:1], timeout=WAIT_MS)

    QTest.keyClick(window.album.view, Qt.Key.Key_Y)
    qtbot.waitUntil(lambda: _state(library, expected[0], "reddish") == ("user", "confirmed"),
                    timeout=WAIT_MS)
    qtbot.waitUntil(lambda: expected[0] not in _grid_ids(window), timeout=WAIT_MS)
    qtbot.waitUntil(lambda: window.album.selected_ids() == [expected[1]], timeout=WAIT_MS)

    QTest.keyClick(window.album.view, Qt.Key.Key_N)
    qtbot.waitUntil(lambda: _state(library, expected[1], "reddish") == ("user", "rejected"),
                    timeout=WAIT_MS)
    qtbot.waitUntil(lambda: window.album.selected_ids() == [expected[2]], timeout=WAIT_MS)
    window.context.undo.undo()
    qtbot.waitUntil(lambda: _state(library, expected[1], "reddish") == ("model", "suggested"),
                    timeout=WAIT_MS)
    qtbot.waitUntil(lambda: expected[1] in _grid_ids(window), timeout=WAIT_MS)

    QTest.keyClick(window.album.view, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: window.album.model.rowCount() == 40, timeout=WAIT_MS)
    assert window.album.ranking is None and not window.album.ranking_bar.isVisible()


def test_review_of_an_unknown_tag_says_why(qtbot, window: MainWindow, monkeypatch) -> None:
    from organizer.ui import main_window as main_window_module

    shown: list[str] = []
    monkeypatch.setattr(
        main_window_module, "show_error", lambda _parent, message, *_rest: shown.append(message)
    )
    window.review_tag("unicorn")
    qtbot.waitUntil(lambda: bool(shown), timeout=WAIT_MS)
    assert shown == ["no tag named 'unicorn' in this library"]
    assert window.album.ranking is None and window.album.model.rowCount() == 40


def test_find_similar_photos_matches_the_command_line(qtbot, window: MainWindow) -> None:
    import json as json_module

    from tests.helpers import run_cli

    ids = _select(window, [3])
    window.find_similar()
    qtbot.waitUntil(lambda: window.album.ranking is not None, timeout=WAIT_MS)
    qtbot.waitUntil(lambda: len(_grid_ids(window)) == 39, timeout=WAIT_MS)  # all but itself
    grid = [window.album.model.path_at(row) for row in range(20)]
    library = window.context.library
    found = run_cli("similar", library.photo_path(ids[0]), "--json",
                    library=window.context.app.library_dir)
    assert found.returncode == 0, found.stderr
    assert [p["path"] for p in json_module.loads(found.stdout)["photos"]] == grid
    assert library.photo_path(ids[0]) not in grid


def test_merge_rename_and_delete_in_the_app_are_undone_with_ctrl_z(
    qtbot, window: MainWindow, monkeypatch
) -> None:
    from PySide6.QtWidgets import QInputDialog, QMessageBox

    library = window.context.library

    def dump() -> tuple:
        db = library.connection
        return tuple(
            sorted(db.execute(f"SELECT * FROM {table}"))
            for table in ("tags", "tag_aliases", "photo_tags")
        )

    def tag_names() -> set[str]:
        model = window.tags.model
        return {model.data(model.index(row, 0), TagNameRole) for row in range(model.rowCount())}

    before = dump()
    reddish = set(library.search("reddish"))
    monkeypatch.setattr(QInputDialog, "getItem", lambda *_args: ("bluish", True))
    window.tag_manager.merge("reddish")
    qtbot.waitUntil(lambda: "reddish" not in tag_names(), timeout=WAIT_MS)
    assert set(library.search("bluish")) >= reddish
    monkeypatch.setattr(QInputDialog, "getText", lambda *_args, **_kw: ("sunny", True))
    window.tag_manager.rename("bright")
    qtbot.waitUntil(lambda: "sunny" in tag_names(), timeout=WAIT_MS)
    monkeypatch.setattr(QMessageBox, "question",
                        lambda *_args: QMessageBox.StandardButton.Yes)
    window.tag_manager.delete("greenish")
    qtbot.waitUntil(lambda: "greenish" not in tag_names(), timeout=WAIT_MS)
    assert window.context.undo.count() == 3

    for _ in range(3):  # Ctrl+Z three times: delete, rename, merge undone, newest first
        window.context.undo.undo()
    qtbot.waitUntil(lambda: dump() == before, timeout=WAIT_MS)
    qtbot.waitUntil(lambda: {"reddish", "bright", "greenish"} <= tag_names(), timeout=WAIT_MS)
    window.context.undo.redo()  # the merge again
    qtbot.waitUntil(lambda: "reddish" not in tag_names(), timeout=WAIT_MS)


def test_a_refused_rename_leaves_no_undo_step(qtbot, window: MainWindow, monkeypatch) -> None:
    from PySide6.QtWidgets import QInputDialog

    from organizer.ui import tag_manager as tag_manager_module

    shown: list[str] = []
    monkeypatch.setattr(
        tag_manager_module, "show_error", lambda _window, message, *_: shown.append(message)
    )
    monkeypatch.setattr(QInputDialog, "getText", lambda *_args, **_kw: ("bluish", True))
    window.tag_manager.rename("reddish")  # the name is taken
    qtbot.waitUntil(lambda: bool(shown), timeout=WAIT_MS)
    assert "already exists" in shown[0]
    qtbot.waitUntil(lambda: window.context.undo.count() == 0, timeout=WAIT_MS)


def test_dates_are_shown_in_the_ui_language() -> None:
    from PySide6.QtCore import QLocale

    from organizer.ui.photo_panel import local_date

    before = QLocale()
    try:
        QLocale.setDefault(QLocale("en_US"))
        # (ICU puts a narrow no-break space before PM)
        assert local_date("1999-05-25T21:00:09").replace("\u202f", " ") == "5/25/99 9:00 PM"
        QLocale.setDefault(QLocale("zh_CN"))
        assert local_date("1999-05-25T21:00:09") == "1999/5/25 21:00"
        assert local_date("not a date") == "not a date"
    finally:
        QLocale.setDefault(before)


def test_an_empty_result_says_why_as_the_command_line_does(qtbot, window: MainWindow) -> None:
    from tests.helpers import run_cli

    window.tags.search.set_query("unicorn")
    text = window.album.no_matches.text
    qtbot.waitUntil(lambda: "no tag named “unicorn”" in text(), timeout=WAIT_MS)
    assert window.album.model.rowCount() == 0
    cli = run_cli("search", "unicorn", library=window.context.app.library_dir)
    assert "no tag named 'unicorn'" in cli.stderr

    # Search limited to a folder: the message says so, and how to search everything.
    library = window.context.library
    second = next(p for _, p in library.folders()) / "second"
    window.tags.search.set_query("reddish AND NOT reddish")  # matches nothing anywhere
    window.folders.folderSelected.emit(second)
    qtbot.waitUntil(lambda: "second" in text() and "Show All Photos" in text(), timeout=WAIT_MS)


def test_tags_menu_review_offers_every_tag(qtbot, window: MainWindow, monkeypatch) -> None:
    from PySide6.QtWidgets import QInputDialog

    offered: list[list[str]] = []

    def choose(_parent, _title, _label, names, *_rest):
        offered.append(list(names))
        return "bluish", True

    monkeypatch.setattr(QInputDialog, "getItem", choose)
    window._choose_review_tag()
    assert set(offered[0]) >= {"reddish", "greenish", "bluish", "bright"}
    qtbot.waitUntil(lambda: window.album.ranking is not None, timeout=WAIT_MS)
    assert window.album.ranking.tag == "bluish"


def test_names_sort_naturally_in_the_grid(qtbot, tmp_path: Path, shared_data: Path) -> None:
    """133.jpg comes after 2.jpg and before 1328.jpg, as in a file manager (both directions)."""
    names = ["2.jpg", "10.jpg", "133.jpg", "1328.jpg", "1333.jpg", "a.jpg", "B.jpg"]
    sources = sorted((shared_data / "photos" / "coco128" / "images").glob("*.jpg"))
    (tmp_path / "photos").mkdir()
    for name, source in zip(reversed(names), sources, strict=False):
        shutil.copy2(source, tmp_path / "photos" / name)
    app = open_tiny_app(tmp_path / "library")
    assert app.pipeline().add_folders([tmp_path / "photos"]).tagged == len(names)
    context = build_context(app)
    main = MainWindow(context)
    qtbot.addWidget(main)
    main.show()

    def shown() -> list[str]:
        return [Path(main.album.model.path_at(r) or "").name
                for r in range(main.album.model.rowCount())]

    try:
        main.album.set_order(browse.SortOrder.NAME)
        qtbot.waitUntil(lambda: shown() == names, timeout=WAIT_MS)
        main.album.set_order(browse.SortOrder.NAME_DESCENDING)
        qtbot.waitUntil(lambda: shown() == names[::-1], timeout=WAIT_MS)
    finally:
        context.work.cancel_jobs()
        context.work.wait()
        main.album.loader.wait()
        app.close()
