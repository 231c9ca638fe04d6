"""A library tagged by an older default model (default-2: a 1280-column embedding) meets the
current one (1704 columns): nothing may read the old embeddings with the new head."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from organizer.app import open_app
from organizer.tagging.rescore import rescore_library
from tests.helpers import coco_labels, copy_photos

OLD_VERSION = "default-2"
OLD_DIM = 1280  # default-2 stored only the mean of the last feature map


@pytest.fixture
def upgraded_library(shared_data: Path, tmp_path: Path):
    """Three real photos tagged by the current model, two of them turned back into what
    default-2 left in the index: its version and the first 1280 columns of the embedding."""
    names = sorted(coco_labels(shared_data))[:3]
    photos = copy_photos(shared_data / "photos" / "coco128" / "images", tmp_path / "photos", names)
    app = open_app(tmp_path / "library")
    report = app.pipeline().add_folders([tmp_path / "photos"])
    assert report.tagged == 3
    ids = [app.library.photo_by_path(p).id for p in photos]
    with app.library.transaction() as db:
        for photo_id in ids[:2]:
            old = app.library.embedding(photo_id)[:OLD_DIM].astype(np.float16)
            db.execute("UPDATE photos SET embedding = ?, tagged_model = ? WHERE id = ?",
                       (old.tobytes(), OLD_VERSION, photo_id))
        db.execute("UPDATE photos SET tagged_model = ? WHERE id = ?", (OLD_VERSION, ids[2]))
    yield app, photos, ids
    app.close()


def test_rescore_sends_old_embeddings_to_a_retag_from_the_files(upgraded_library) -> None:
    app, photos, ids = upgraded_library
    bundle = app.active_bundle()
    assert rescore_library(app.library, bundle) == 1  # only the photo with a current embedding
    rows = {photo_id: app.library.photo_by_path(p) for photo_id, p in zip(ids, photos,
                                                                           strict=True)}
    assert rows[ids[2]].tagged_model == bundle.version
    assert rows[ids[0]].tagged_model is None and rows[ids[1]].tagged_model is None
    # The next scan re-tags them from the image files, with full-size embeddings.
    report = app.pipeline().add_folders([photos[0].parent])
    assert report.tagged == 2 and not report.failed
    for photo_id in ids:
        assert app.library.embedding(photo_id).shape == (1704,)
        assert app.library.photo_by_path(rows[photo_id].path).tagged_model == bundle.version


def test_retraining_ignores_corrections_on_old_embeddings(upgraded_library) -> None:
    pytest.importorskip("torch", reason="training needs organizer[train]")
    from organizer_training.retrain import NothingToLearn, read_library

    app, _, ids = upgraded_library
    app.library.set_user_tag(ids[:2], "grandma", "confirmed")
    with pytest.raises(NothingToLearn, match="re-tagged"):
        read_library(app.library, 100, 0, 1704)
    app.library.set_user_tag(ids[2:], "grandma", "confirmed")
    data = read_library(app.library, 100, 0, 1704)
    assert data.embeddings.shape == (1, 1704)
    assert data.photo_ids.tolist() == [ids[2]]


def test_an_upgraded_model_with_the_same_embedding_rescores_without_decoding(
    shared_data: Path, tmp_path: Path,
) -> None:
    """A new shipped model (default-3 -> default-4 kept the embedding): the next scan updates
    the suggestions from the stored embeddings; no photo is decoded again."""
    names = sorted(coco_labels(shared_data))[:3]
    photos = copy_photos(shared_data / "photos" / "coco128" / "images", tmp_path / "photos", names)
    app = open_app(tmp_path / "library")
    try:
        assert app.pipeline().add_folders([tmp_path / "photos"]).tagged == 3
        with app.library.transaction() as db:
            db.execute("UPDATE photos SET tagged_model = 'an-older-release'")
        stages: list[str] = []
        report = app.pipeline().add_folders([tmp_path / "photos"],
                                            progress=lambda stage, *_: stages.append(stage))
        assert report.tagged == 0 and not report.failed
        assert "updating suggestions" in stages and "tagging" not in stages
        version = app.active_bundle().version
        assert all(app.library.photo_by_path(p).tagged_model == version for p in photos)
    finally:
        app.close()
