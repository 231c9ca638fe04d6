"""organizer.tagging.evaluation: AP by hand, label matching, the eval report."""

from __future__ import annotations

import json
import math

import numpy as np
import pytest

from organizer.tagging.evaluation import (
    TagLookup,
    average_precision,
    evaluate,
    f1_counts,
    match_labels,
)

TAGS = [
    ("person", ["people", "human"]),
    ("mountain", ["mountains", "hill"]),
    ("bus", ["buses"]),
    ("tree", ["trees"]),
    ("table", ["dining table"]),
    ("building", ["house"]),
    ("knife", []),
    ("orange", []),
    ("fruit", ["orange"]),  # an alias must not steal another tag's own name
]


@pytest.fixture
def lookup() -> TagLookup:
    return TagLookup.from_tags(TAGS)


@pytest.mark.parametrize(
    ("scores", "truth", "expected"),
    [
        ([0.9, 0.8, 0.7, 0.6], [1, 0, 1, 0], (1 / 1 + 2 / 3) / 2),
        ([0.9, 0.8, 0.7], [1, 1, 0], 1.0),
        ([0.9, 0.8, 0.1], [0, 0, 1], 1 / 3),
        ([0.1, 0.9, 0.5, 0.3], [1, 0, 0, 1], (1 / 3 + 2 / 4) / 2),
        # Ties are ranked pessimistically: a constant score earns only the base rate.
        ([0.5, 0.5, 0.5, 0.5], [1, 0, 0, 0], 1 / 4),
        ([0.9, 0.5, 0.5, 0.1], [0, 1, 0, 0], 1 / 3),
    ],
)
def test_average_precision_by_hand(scores, truth, expected) -> None:
    assert average_precision(np.array(scores), np.array(truth)) == pytest.approx(expected)


def test_average_precision_without_positives_is_nan() -> None:
    assert math.isnan(average_precision(np.array([0.3, 0.7]), np.array([0, 0])))


def test_f1_counts() -> None:
    assert f1_counts(tp=2, fp=1, fn=1) == pytest.approx(2 / 3)
    assert f1_counts(0, 0, 0) == 0.0


@pytest.mark.parametrize(
    ("label", "tag"),
    [
        ("mountains", "mountain"),
        ("Mountain", "mountain"),
        ("hills", "mountain"),
        ("buses", "bus"),
        ("people", "person"),
        ("Persons", "person"),
        ("TREES", "tree"),
        ("dining_table", "table"),
        ("Dining Tables", "table"),
        ("houses", "building"),
        ("knives", "knife"),
        ("orange", "orange"),
        ("oranges", "orange"),
    ],
)
def test_labels_match_tags_by_name_alias_and_number(lookup, label, tag) -> None:
    assert lookup.match(label) == tag


def test_match_labels_reports_unmatched(lookup) -> None:
    matched, unmatched = match_labels(["trees", "toothbrush", "sea", "people"], lookup)
    assert matched == {"people": "person", "trees": "tree"}
    assert unmatched == ["sea", "toothbrush"]


def test_lookup_from_bundle_tags() -> None:
    lookup = TagLookup.from_bundle_tags([{"name": "dog", "aliases": ["puppy"]}])
    assert lookup.match("puppies") == "dog"
    assert lookup.match("dogs") == "dog"
    assert lookup.match("cat") is None


def test_evaluate_report(lookup) -> None:
    tag_names = [name for name, _ in TAGS]
    probabilities = np.zeros((4, len(tag_names)))
    col = {name: i for i, name in enumerate(tag_names)}
    probabilities[:, col["mountain"]] = [0.9, 0.8, 0.7, 0.6]
    probabilities[:, col["tree"]] = [0.2, 0.9, 0.1, 0.8]
    thresholds = np.full(len(tag_names), 0.75)
    labels = [{"mountains"}, {"trees"}, {"mountains", "toothbrush"}, {"trees"}]

    report = evaluate(probabilities, tag_names, thresholds, labels, lookup)

    assert report.per_label["mountains"]["AP"] == pytest.approx((1 + 2 / 3) / 2)
    assert report.per_label["trees"]["AP"] == pytest.approx(1.0)
    assert report.mean_average_precision == pytest.approx(((1 + 2 / 3) / 2 + 1) / 2)
    assert report.unmatched == ["toothbrush"]
    # mountains at 0.75: predicted {0, 1}, truth {0, 2} -> tp 1, fp 1, fn 1 -> F1 0.5
    # trees at 0.75: predicted {1, 3}, truth {1, 3} -> F1 1.0
    assert report.per_label["mountains"]["f1"] == pytest.approx(0.5)
    assert report.macro_f1 == pytest.approx(0.75)
    assert report.micro_f1 == pytest.approx(2 * 3 / (2 * 3 + 1 + 1))

    data = json.loads(report.to_json())
    assert set(data) >= {"mAP", "per_tag", "unmatched", "micro_f1", "macro_f1"}
    assert data["per_tag"]["trees"] == {**data["per_tag"]["trees"], "AP": 1.0, "positives": 2,
                                        "tag": "tree"}


def test_thresholds_per_image(lookup) -> None:
    tag_names = [name for name, _ in TAGS]
    col = {name: i for i, name in enumerate(tag_names)}
    probabilities = np.zeros((4, len(tag_names)))
    probabilities[:, col["mountain"]] = [0.9, 0.8, 0.7, 0.6]
    labels = [{"mountains"}, set(), {"mountains"}, set()]
    # Images 0-1 are judged at 0.85, images 2-3 at 0.65: predicted {0, 2}, exactly the truth.
    thresholds = np.repeat([[0.85], [0.85], [0.65], [0.65]], len(tag_names), axis=1)
    row = evaluate(probabilities, tag_names, thresholds, labels, lookup).per_label["mountains"]
    assert (row["tp"], row["fp"], row["fn"], row["tn"]) == (2, 0, 0, 2)
    assert row["f1"] == 1.0 and row["accuracy"] == 1.0


def test_label_without_positives_is_reported_but_not_averaged(lookup) -> None:
    tag_names = [name for name, _ in TAGS]
    probabilities = np.full((2, len(tag_names)), 0.5)
    report = evaluate(probabilities, tag_names, np.full(len(tag_names), 0.5), [set(), set()],
                      lookup)
    assert math.isnan(report.mean_average_precision)
    assert json.loads(report.to_json())["mAP"] is None


def test_evaluate_rejects_mismatched_shapes(lookup) -> None:
    with pytest.raises(ValueError, match="shape"):
        evaluate(np.zeros((3, 2)), ["person", "tree"], [0.5, 0.5], [set()], lookup)


def test_of_two_exclusive_tags_only_the_likelier_is_suggested() -> None:
    from organizer.tagging.bundle import suggested_mask

    probabilities = np.array([[0.9, 0.6, 0.7], [0.2, 0.3, 0.9], [0.6, 0.9, 0.1]])
    thresholds = np.array([0.5, 0.5, 0.5])
    mask = suggested_mask(probabilities, thresholds, ((0, 1),))
    assert mask.tolist() == [[True, False, True], [False, False, True], [False, True, False]]
    assert suggested_mask(probabilities, thresholds).sum() == 6
