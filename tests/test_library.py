"""The SQLite index: schema, migrations, environment errors and the provenance rules."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import numpy as np
import pytest

from organizer.errors import DatabaseLockedError, LibraryError
from organizer.library import Library, open_database
from organizer.library import database as database_module
from organizer.library.store import PhotoRecord, TagDefinition


@pytest.fixture
def library(tmp_path: Path) -> Library:
    lib = Library(open_database(tmp_path / "lib"), tmp_path / "lib")
    yield lib
    lib.close()


def _photo(library: Library, tmp_path: Path, name: str = "a.jpg") -> int:
    folder_id = library.add_folder(tmp_path)
    with library.transaction() as db:
        return library.insert_photo(
            db, PhotoRecord(str(tmp_path / name), folder_id, 10, 1, "hash-" + name)
        )


def test_new_library_uses_wal_and_records_migrations(library: Library) -> None:
    assert library.database.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    versions = library.database.execute("SELECT version FROM migrations").fetchall()
    assert versions == [(v,) for v, _, _ in database_module.MIGRATIONS]


def test_pending_migration_backs_up_first(tmp_path: Path, monkeypatch) -> None:
    open_database(tmp_path).close()
    latest = database_module.MIGRATIONS[-1][0]
    extra = (latest + 1, "add a column", "ALTER TABLE photos ADD COLUMN rating INTEGER")
    monkeypatch.setattr(database_module, "MIGRATIONS", [*database_module.MIGRATIONS, extra])
    database = open_database(tmp_path)
    backup = tmp_path / f"library.sqlite.before-v{latest + 1}.bak"
    assert backup.exists()
    assert sqlite3.connect(backup).execute("PRAGMA user_version").fetchone()[0] == latest
    assert database.execute("PRAGMA user_version").fetchone()[0] == latest + 1
    database.close()


def test_unwritable_library_folder_is_a_clear_error(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    with pytest.raises(LibraryError, match="cannot create library folder"):
        open_database(blocker / "library")


def test_a_file_that_is_not_a_database_is_refused(tmp_path: Path) -> None:
    (tmp_path / "library.sqlite").write_bytes(b"this is not sqlite" * 100)
    with pytest.raises(LibraryError, match="not a valid Organizer library"):
        open_database(tmp_path)


def test_locked_database_gives_a_clear_error(library: Library, monkeypatch) -> None:
    other = sqlite3.connect(library.database.path, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")
    library.connection.execute("PRAGMA busy_timeout = 100")
    try:
        with pytest.raises(DatabaseLockedError, match="locked by another program"):
            library.set_setting("x", "1")
    finally:
        other.execute("ROLLBACK")
        other.close()


def test_retag_keeps_confirmed_and_never_revives_rejected(library: Library, tmp_path) -> None:
    ids = library.sync_tag_definitions([TagDefinition("dog"), TagDefinition("cat")])
    photo = _photo(library, tmp_path)
    embedding = np.ones(4, np.float32)
    with library.transaction() as db:
        library.apply_model_tags(db, photo, [(ids["dog"], 0.9), (ids["cat"], 0.6)], "v1", embedding)
    library.set_user_tag([photo], "cat", "rejected")
    library.set_user_tag([photo], "dog", "confirmed")
    library.set_user_tag([photo], "grandma", "confirmed")
    with library.transaction() as db:
        # The new model no longer sees a dog but is sure about the cat.
        library.apply_model_tags(db, photo, [(ids["cat"], 0.95)], "v2", embedding)
    tags = {t.tag: t for t in library.photo_tags(photo)}
    assert tags["cat"].state == "rejected"
    assert tags["dog"].state == "confirmed"
    assert tags["grandma"].state == "confirmed" and tags["grandma"].source == "user"
    assert library.search("cat") == []
    assert library.search("dog AND grandma") == [photo]
    assert np.allclose(library.embedding(photo), embedding)


def test_retag_drops_suggestions_the_model_no_longer_makes(library: Library, tmp_path) -> None:
    ids = library.sync_tag_definitions([TagDefinition("dog"), TagDefinition("cat")])
    photo = _photo(library, tmp_path)
    with library.transaction() as db:
        library.apply_model_tags(db, photo, [(ids["dog"], 0.9)], "v1", None)
        library.apply_model_tags(db, photo, [(ids["cat"], 0.8)], "v2", None)
    assert [(t.tag, t.source, t.state) for t in library.photo_tags(photo)] == [
        ("cat", "model", "suggested")
    ]


def test_file_keywords_are_confirmed_with_file_source(library: Library, tmp_path) -> None:
    ids = library.sync_tag_definitions([TagDefinition("dog")])
    photo = _photo(library, tmp_path)
    with library.transaction() as db:
        library.apply_model_tags(db, photo, [(ids["dog"], 0.7)], "v1", None)
        library.apply_file_keywords(db, photo, ["Dog", "Holiday 2019"])
    tags = {t.tag: t for t in library.photo_tags(photo)}
    assert tags["dog"].source == "file" and tags["dog"].state == "confirmed"
    assert tags["dog"].score == pytest.approx(0.7)
    assert tags["Holiday 2019"].source == "file"


def test_aliases_and_parents_resolve_in_search(library: Library, tmp_path) -> None:
    library.sync_tag_definitions(
        [
            TagDefinition("animal"),
            TagDefinition("dog", aliases=("dogs", "puppy"), parent="animal"),
        ]
    )
    photo = _photo(library, tmp_path)
    library.set_user_tag([photo], "dog", "confirmed")
    assert library.search("puppy") == [photo]
    assert library.search("animal") == [photo]
    assert library.search("NOT animal") == []


NATURAL = ["2.jpg", "10.jpg", "133.jpg", "1328.jpg", "1333.jpg", "a.jpg", "B.jpg", "img007.jpg",
           "img8.jpg"]


def _names(library: Library, order) -> list[str]:
    from organizer.library import browse

    ids = browse.photo_ids(library, browse.Filter(), order)
    return [Path(p).name for p in (library.photo_path(i) for i in ids)]


def test_names_sort_naturally_in_both_directions_and_after_a_move(library, tmp_path) -> None:
    from organizer.library.browse import SortOrder

    for name in reversed(NATURAL):
        _photo(library, tmp_path, name)
    assert _names(library, SortOrder.NAME) == NATURAL
    assert _names(library, SortOrder.NAME_DESCENDING) == NATURAL[::-1]
    # None of them has a date: the date orders list them by name too.
    assert _names(library, SortOrder.DATE_TAKEN) == NATURAL
    assert _names(library, SortOrder.DATE_NEWEST) == NATURAL[::-1]
    moved = library.known_files_under(tmp_path)[str(tmp_path / "2.jpg")].id
    folder = library.add_folder(tmp_path)
    with library.transaction() as db:
        library.move_photo(db, moved, str(tmp_path / "1330.jpg"), folder, 2)
    assert _names(library, SortOrder.NAME) == [*NATURAL[1:4], "1330.jpg", *NATURAL[4:]]


def test_upgrading_a_library_gives_its_photos_their_name_order(tmp_path, monkeypatch) -> None:
    from organizer.library.browse import SortOrder

    every = database_module.MIGRATIONS
    monkeypatch.setattr(database_module, "MIGRATIONS", [m for m in every if m[0] < 5])
    old = Library(open_database(tmp_path / "lib"), tmp_path / "lib")
    for name in reversed(NATURAL):
        _photo(old, tmp_path, name)
    old.close()
    monkeypatch.setattr(database_module, "MIGRATIONS", every)
    upgraded = Library(open_database(tmp_path / "lib"), tmp_path / "lib")
    try:
        assert _names(upgraded, SortOrder.NAME) == NATURAL
    finally:
        upgraded.close()


def test_a_library_from_a_newer_version_is_refused_clearly(tmp_path: Path) -> None:
    open_database(tmp_path).close()
    newest = database_module.MIGRATIONS[-1][0]
    connection = sqlite3.connect(tmp_path / "library.sqlite")
    connection.execute(f"PRAGMA user_version = {newest + 1}")
    connection.close()
    with pytest.raises(LibraryError, match="made by a newer version of Organizer"):
        open_database(tmp_path)
