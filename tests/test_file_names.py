"""File names that are not UTF-8 (POSIX names are bytes): indexed under their real bytes,
found again by folder, shown with U+FFFD, and the same in the app as on the command line."""

from __future__ import annotations

import os
import shutil
from pathlib import Path
from urllib.parse import unquote_to_bytes

import pytest

from organizer.ingest.files import walk_photos
from organizer.library import browse
from organizer.library.paths import NOT_INDEXABLE, indexable, on_disk, stored
from organizer.text import printable
from tests.ui_helpers import open_tiny_app

LATIN1_FOLDER = b"d\xe9j\xe0"  # "déjà" in Latin-1: not UTF-8
LATIN1_NAME = b"caf\xe9.jpg"


def _bytes_path(folder: Path, *parts: bytes) -> str:
    return os.fsdecode(os.path.join(os.fsencode(folder), *parts))


def test_every_byte_that_is_not_utf8_survives_the_index_and_valid_names_are_unchanged() -> None:
    every_bad_byte = os.fsdecode(b"/photos/" + bytes(range(0x80, 0x100)) + b".jpg")
    assert not every_bad_byte.isascii()
    text = stored(every_bad_byte)
    text.encode("utf-8")  # SQLite text can hold it
    assert on_disk(text) == every_bad_byte
    assert len(text) == len(every_bad_byte)  # char for char: prefixes and ranges still work
    for name in ("/photos/plain.jpg", "/照片/猫.jpg", "/photos/naïve café.jpg"):
        assert stored(name) == name == on_disk(name)
        assert indexable(name)
    assert indexable(every_bad_byte)
    assert not indexable("/photos/\U0010ff90.jpg")  # would read back as byte 0x90


@pytest.fixture
def odd_library(shared_data: Path, tmp_path: Path):
    """Photos in a folder and under a file name that are not UTF-8, indexed and tagged."""
    source = sorted((shared_data / "photos" / "coco128" / "images").glob("*.jpg"))
    root = tmp_path / "photos"
    odd_folder = _bytes_path(root, LATIN1_FOLDER)
    os.makedirs(odd_folder)
    shutil.copyfile(source[0], _bytes_path(root, LATIN1_FOLDER, LATIN1_NAME))
    shutil.copyfile(source[1], root / "plain.jpg")
    shutil.copyfile(source[2], root / "reserved-\U0010ff90.jpg")
    app = open_tiny_app(tmp_path / "library")
    report = app.pipeline().add_folders([root])
    yield app, root, odd_folder, report
    app.close()


def test_a_scan_indexes_names_that_are_not_utf8(odd_library) -> None:
    app, root, odd_folder, report = odd_library
    odd_photo = _bytes_path(root, LATIN1_FOLDER, LATIN1_NAME)
    assert report.tagged == 2
    assert report.failed == [(printable(root / "reserved-\U0010ff90.jpg"), NOT_INDEXABLE)]
    library = app.library
    row = library.photo_by_path(odd_photo)
    assert row is not None and row.path == odd_photo and row.tagged_model == "tiny-1"
    assert set(library.known_files_under(Path(odd_folder))) == {odd_photo}
    assert library.photo_paths(library.search("NOT bright OR bright")) == sorted(
        [odd_photo, str(root / "plain.jpg")]
    )
    (tree,) = browse.folder_tree(library)
    assert [(str(child.path), child.count) for child in tree.children] == [(odd_folder, 1)]
    in_folder = browse.photo_ids(
        library, browse.Filter(folder=Path(odd_folder)), browse.SortOrder.NAME
    )
    assert library.photo_paths(in_folder) == [odd_photo]
    # Nothing changed on disk: a second scan finds every file unchanged.
    again = app.pipeline().scan()
    assert (again.new, again.changed, again.deleted, again.unchanged) == (0, 0, 0, 2)


def test_walk_reports_only_names_the_index_cannot_hold(tmp_path: Path) -> None:
    (tmp_path / "reserved-\U0010ffff.jpg").write_bytes(b"x")
    Path(_bytes_path(tmp_path, LATIN1_NAME)).write_bytes(b"x")
    failed: list[tuple[str, str]] = []
    found = [stat.path for stat in walk_photos(tmp_path, failed=failed)]
    assert found == [_bytes_path(tmp_path, LATIN1_NAME)]
    assert [reason for _, reason in failed] == [NOT_INDEXABLE]


def test_the_app_shows_and_opens_them(qtbot, odd_library, monkeypatch) -> None:
    pytest.importorskip("PySide6")
    from PySide6.QtCore import Qt

    from organizer.ui.application import build_context
    from organizer.ui.folder_panel import folder_path
    from organizer.ui.main_window import MainWindow

    app, root, odd_folder, _ = odd_library
    odd_photo = _bytes_path(root, LATIN1_FOLDER, LATIN1_NAME)
    context = build_context(app)
    main = MainWindow(context)
    qtbot.addWidget(main)
    main.show()
    try:
        model = main.album.model
        qtbot.waitUntil(lambda: model.rowCount() == 2, timeout=20000)
        paths = {model.path_at(row) for row in range(2)}
        assert paths == {odd_photo, str(root / "plain.jpg")}
        row = next(r for r in range(2) if model.path_at(r) == odd_photo)
        qtbot.waitUntil(lambda: model.data(model.index(row)) is not None, timeout=20000)
        assert model.data(model.index(row)) == "caf\ufffd.jpg"
        assert "d\ufffdj\ufffd" in model.data(model.index(row), Qt.ItemDataRole.ToolTipRole)

        # The folder tree: the odd folder is listed, and choosing it shows its photo.
        folders = main.folders.model
        qtbot.waitUntil(lambda: folders.rowCount(folders.index(1, 0)) == 1, timeout=20000)
        top = folders.index(1, 0)
        child = folders.index(0, 0, top)
        assert folder_path(child) == odd_folder
        assert child.data().startswith("d\ufffdj\ufffd")
        with qtbot.waitSignal(main.folders.folderSelected) as selected:
            main.folders.view.clicked.emit(child)
        assert selected.args == [Path(odd_folder)]
        qtbot.waitUntil(lambda: model.rowCount() == 1, timeout=20000)
        assert model.path_at(0) == odd_photo

        # Opening it decodes the real file (the viewer gets the exact name, not a Qt string).
        main.album.view.setCurrentIndex(model.index(0))
        with qtbot.waitSignal(main.album.openRequested) as opened:
            main.album.view.activated.emit(model.index(0))
        assert opened.args == [odd_photo]
        qtbot.waitUntil(lambda: main.viewer._image is not None, timeout=20000)

        # Show in File Manager names the folder's exact bytes.
        from PySide6.QtGui import QDesktopServices

        asked = []
        monkeypatch.setattr(QDesktopServices, "openUrl", lambda url: asked.append(url) or True)
        main.open_in_file_manager(odd_folder)
        encoded = bytes(asked[0].toEncoded().data())
        assert encoded.startswith(b"file://")
        assert unquote_to_bytes(encoded[len(b"file://"):]) == os.fsencode(odd_folder)
    finally:
        context.work.cancel_jobs()
        context.work.wait()
        main.album.loader.wait()


def test_json_output_carries_such_a_name_back_exactly(odd_library) -> None:
    """--json is valid UTF-8 (the bytes travel as \\udcXX escapes) and json.loads gives the
    very name back, for show, similar and search alike."""
    import json

    from tests.helpers import run_cli

    app, root, _, _ = odd_library
    odd_photo = _bytes_path(root, LATIN1_FOLDER, LATIN1_NAME)
    library = app.library_dir
    shown = run_cli("show", odd_photo, "--json", library=library)
    assert shown.returncode == 0, shown.stderr
    assert json.loads(shown.stdout)["path"] == odd_photo
    similar = run_cli("similar", root / "plain.jpg", "--json", library=library)
    assert similar.returncode == 0, similar.stderr
    assert [p["path"] for p in json.loads(similar.stdout)["photos"]] == [odd_photo]
    found = run_cli("search", "NOT bright OR bright", "--json", library=library)
    assert odd_photo in json.loads(found.stdout)["paths"]
