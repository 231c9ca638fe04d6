"""``organizer eval DATASET_DIR`` as a user runs it, on real photos in JPEG, PNG and BMP."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest
from PIL import Image

from tests.helpers import coco_labels, run_cli

PHOTOS = 24


def _dataset(shared_data: Path, root: Path) -> tuple[Path, dict[str, set[str]]]:
    """A labelled folder as users make them: mixed formats, labels in plural, another case,
    and one label no tag knows."""
    labels = coco_labels(shared_data)
    names = sorted(labels)[:PHOTOS]
    (root / "images").mkdir(parents=True)
    rows, written = [], {}
    for i, name in enumerate(names):
        source = shared_data / "photos" / "coco128" / "images" / name
        suffix = (".jpg", ".png", ".bmp")[i % 3]
        target = root / "images" / (Path(name).stem + suffix)
        with Image.open(source) as image:
            image.convert("RGB").save(target)
        photo_labels = {"People" if label == "person" else label for label in labels[name]}
        if "dog" in photo_labels:
            photo_labels = (photo_labels - {"dog"}) | {"dogs"}
        if i == 0:
            photo_labels |= {"unicorn"}
        rows.append(f"{target.name},{';'.join(sorted(photo_labels))}")
        written[target.name] = photo_labels
    (root / "labels.csv").write_text("file,labels\n" + "\n".join(rows) + "\n", encoding="utf-8")
    return root, written


@pytest.fixture(scope="module")
def evaluated(shared_data: Path, tmp_path_factory) -> tuple[subprocess.CompletedProcess, dict,
                                                                 Path]:
    root = tmp_path_factory.mktemp("eval")
    dataset, labels = _dataset(shared_data, root / "my-photos")
    result = run_cli("eval", dataset, "--json", library=root / "library")
    assert result.returncode == 0, result.stderr
    return result, labels, dataset


def test_json_report_matches_labels_to_tags(evaluated) -> None:
    result, labels, _ = evaluated
    report = json.loads(result.stdout)
    assert report["images"] == PHOTOS and report["skipped"] == 0
    assert report["model"].startswith("default-")
    assert report["unmatched"] == ["unicorn"]
    # "People" is the person tag, "dogs" the dog tag: labels match by alias, case and number.
    assert report["per_tag"]["People"]["tag"] == "person"
    people = sum("People" in photo for photo in labels.values())
    assert report["per_tag"]["People"]["positives"] == people > 0
    assert 0.5 < report["per_tag"]["People"]["AP"] <= 1.0
    assert 0.0 < report["mAP"] <= 1.0 and 0.0 <= report["micro_f1"] <= 1.0
    assert 0.0 <= report["micro_precision"] <= 1.0 and 0.0 <= report["micro_recall"] <= 1.0
    for row in report["per_tag"].values():
        assert row["tp"] + row["fp"] + row["fn"] + row["tn"] == PHOTOS
    assert report["model_trained_on_a_set_of_this_name"] is False
    assert "note:" not in result.stderr


def test_table_output_and_progress(evaluated, tmp_path) -> None:
    _, _, dataset = evaluated
    result = run_cli("eval", dataset, library=tmp_path / "library")
    assert result.returncode == 0, result.stderr
    lines = result.stdout.strip().splitlines()
    assert lines[0].split() == ["label", "tag", "AP", "prec.", "recall", "F1", "positives"]
    people = next(line.split() for line in lines if line.startswith("People "))
    assert people[1] == "person" and all(0.0 <= float(v) <= 1.0 for v in people[2:6])
    summary = next(line for line in lines if line.startswith("mAP "))
    assert f"{PHOTOS} images" in summary and "micro-precision" in summary
    assert lines[-1] == "labels matching no tag: unicorn"


def test_a_set_the_model_was_trained_on_is_flagged(shared_data: Path, tmp_path: Path) -> None:
    dataset, _ = _dataset(shared_data, tmp_path / "coco128")
    result = run_cli("eval", dataset, "--json", library=tmp_path / "library")
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["model_trained_on_a_set_of_this_name"] is True
    assert "optimistic" in result.stderr


def test_folder_without_labels_is_a_one_line_error(tmp_path: Path) -> None:
    (tmp_path / "photos" / "images").mkdir(parents=True)
    result = run_cli("eval", tmp_path / "photos", library=tmp_path / "library")
    assert result.returncode == 1
    assert result.stderr.strip().splitlines() == [
        f"organizer: error: {tmp_path / 'photos'} must contain images/ and labels.csv"]
