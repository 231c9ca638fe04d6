"""A user's rename or merge of a model tag survives retags and model upgrades, and rename,
merge and delete are undone exactly (issue #13)."""

from __future__ import annotations

from pathlib import Path

import pytest

from organizer.library.tag_edits import (
    TagEditError,
    delete_tag,
    merge_tags,
    rename_tag,
    restore_tags,
    snapshot_tags,
)
from tests.ui_helpers import copy_coco, open_tiny_app


def _names(app) -> set[str]:
    return {row[0] for row in app.library.connection.execute("SELECT name FROM tags")}


def _model_tag_photos(app, tag: str) -> set[int]:
    tag_id = app.library.tag_id(tag)
    rows = app.library.connection.execute(
        "SELECT photo_id FROM photo_tags WHERE tag_id = ? AND source = 'model'", (tag_id,)
    )
    return {row[0] for row in rows}


def test_a_renamed_model_tag_does_not_come_back_after_a_retag(shared_data, tmp_path: Path):
    app = open_tiny_app(tmp_path / "library")
    folder = copy_coco(shared_data, tmp_path / "photos", 24)
    app.pipeline().add_folders([folder])
    bright = _model_tag_photos(app, "bright")
    assert bright, "the tiny model should find bright photos among these"

    rename_tag(app.library, "bright", "sunny")
    merge_tags(app.library, "bluish", "sunny")
    merged = bright | _model_tag_photos(app, "sunny")
    app.pipeline().retag([folder])

    assert "bright" not in _names(app) and "bluish" not in _names(app)
    assert "sunny" in _names(app)
    assert _model_tag_photos(app, "sunny") >= bright  # the model's suggestions land on it
    assert _model_tag_photos(app, "sunny") <= merged | bright
    # The old names still find the tag (aliases).
    assert app.library.tag_id("bright") == app.library.tag_id("sunny")
    assert set(app.library.search("bright")) == set(app.library.search("sunny"))
    app.close()


def _dump(app) -> dict:
    """Every row a tag edit can touch, as the database holds it."""
    db = app.library.connection
    return {
        "tags": sorted(db.execute("SELECT * FROM tags")),
        "aliases": sorted(db.execute("SELECT * FROM tag_aliases")),
        "photo_tags": sorted(db.execute("SELECT * FROM photo_tags")),
    }


@pytest.fixture
def tagged(shared_data, tmp_path: Path):
    app = open_tiny_app(tmp_path / "library")
    folder = copy_coco(shared_data, tmp_path / "photos", 24)
    app.pipeline().add_folders([folder])
    # A user's corrections and a hierarchy, so the undo has everything to put back.
    photos = app.library.search("reddish")[:3]
    app.library.set_user_tag(photos[:2], "reddish", "rejected")
    app.library.set_user_tag(photos, "holiday", "confirmed")
    with app.library.transaction() as db:
        db.execute("UPDATE tags SET parent_id = (SELECT id FROM tags WHERE name = 'reddish')"
                   " WHERE name = 'holiday'")
    yield app
    app.close()


@pytest.mark.parametrize(
    ("names", "edit", "edited"),
    [
        (["bright"], lambda lib: rename_tag(lib, "bright", "sunny"), ["sunny"]),
        (["reddish", "bluish"], lambda lib: merge_tags(lib, "reddish", "bluish"), ["bluish"]),
        (["reddish"], lambda lib: delete_tag(lib, "reddish"), []),
    ],
    ids=["rename", "merge", "delete"],
)
def test_rename_merge_and_delete_are_undone_exactly(tagged, names, edit, edited) -> None:
    before = _dump(tagged)
    snapshot = snapshot_tags(tagged.library, names)
    edit(tagged.library)
    assert _dump(tagged) != before
    restore_tags(tagged.library, snapshot, edited)
    assert _dump(tagged) == before
    # And the edit can be done again after its undo (redo).
    edit(tagged.library)
    assert _dump(tagged) != before


def test_undo_of_a_delete_leaves_a_newer_tag_with_the_same_id_alone(tagged) -> None:
    with tagged.library.transaction() as db:
        newest = db.execute("SELECT name FROM tags ORDER BY id DESC LIMIT 1").fetchone()[0]
    snapshot = snapshot_tags(tagged.library, [newest])
    delete_tag(tagged.library, newest)
    photo = tagged.library.search("bright")[:1]
    # SQLite gives a new row the highest id + 1: the deleted newest tag's id, here.
    tagged.library.set_user_tag(photo, "newcomer", "confirmed")
    assert tagged.library.tag_id("newcomer") in snapshot.tag_ids
    before = _dump(tagged)
    with pytest.raises(TagEditError, match="newer tag"):
        restore_tags(tagged.library, snapshot)
    assert _dump(tagged) == before  # the newer tag and its photo are untouched


def test_undo_keeps_what_happened_to_the_tags_since(tagged) -> None:
    """Undo puts back what the edit changed, not the whole tag: rows made after it on other
    photos (a correction, a scan's suggestions) survive."""
    library = tagged.library
    others = [p for p in library.search("NOT bright") if p not in library.search("bright")][:2]
    snapshot = snapshot_tags(library, ["bright"])
    rename_tag(library, "bright", "sunny")
    library.set_user_tag(others, "sunny", "confirmed")
    restore_tags(library, snapshot, ["sunny"])
    assert set(others) <= set(library.search("bright"))

    reddish = set(library.search("reddish"))
    snapshot = snapshot_tags(library, ["reddish", "bluish"])
    merge_tags(library, "reddish", "bluish")
    newcomer = [p for p in library.search("NOT bluish")][:1]
    library.set_user_tag(newcomer, "bluish", "confirmed")
    restore_tags(library, snapshot, ["bluish"])
    assert set(library.search("reddish")) == reddish
    assert set(newcomer) <= set(library.search("bluish"))
