"""The by-eye check of what users see (organizer_training/camera_photos.py): camera photos no
build trained on, the shipped model's suggestions scored against tags a person judged right."""

from __future__ import annotations

from pathlib import Path

from organizer.tagging.bundle import default_bundle_dir, load_bundle
from organizer_training.camera_photos import judge, read_judged, shown_tags


def test_shown_tags_are_scored_against_the_judged_lists() -> None:
    judged = {"a.jpg": ["dog", "grass"], "b.jpg": [], "c.jpg": ["car"]}
    shown = {"a.jpg": {"dog", "outdoor", "cat"}, "b.jpg": {"indoor"}}
    result = judge(shown, judged)
    # indoor/outdoor are not content tags; a tag nobody listed is wrong; no entry shows nothing.
    assert (result.photos, result.right, result.wrong, result.with_content_tag) == (3, 1, 1, 1)
    assert result.wrong_by_photo == {"a.jpg": ["cat"]}
    assert result.precision == 0.5


def test_the_shipped_model_on_the_judged_camera_photos(shared_data: Path) -> None:
    judged = read_judged()
    metadata = shared_data / "metadata"
    assert all((metadata / photo).is_file() for photo in judged)
    shown = shown_tags(default_bundle_dir(), metadata, list(judged))
    result = judge(shown, judged)
    assert result.photos == len(judged) == 83
    # What the shipped model does (docs/model-experiments.md, default-6): most shown content
    # tags right, on most photos. default-4 scored 0.54 here.
    assert result.precision >= 0.7, result.summary()
    assert result.with_content_tag >= 0.6 * result.photos, result.summary()


def test_no_shipped_threshold_is_below_even_odds() -> None:
    from organizer_training.thresholds import MIN_PROBABILITY

    bundle = load_bundle(default_bundle_dir())
    thresholds = [tag.threshold for tag in bundle.tags if tag.threshold is not None]
    assert thresholds and min(thresholds) >= MIN_PROBABILITY
