"""A user's rename or merge of a model tag survives retags and model upgrades (issue #13)."""

from __future__ import annotations

from pathlib import Path

from organizer.library.tag_edits import merge_tags, rename_tag
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
