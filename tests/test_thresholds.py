"""Precision-first thresholds and the masked loss, on real photos: daisies among other flowers
(flowers-tf labels one kind per photo) and cats and dogs (a set that says nothing of daisies)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

pytest.importorskip("torch", reason="the build needs organizer[train]")

from organizer.tagging.evaluation import average_precision  # noqa: E402
from organizer_training.datasets import read_labelled_set  # noqa: E402
from organizer_training.head import fit_logistic_heads  # noqa: E402
from organizer_training.thresholds import precision_threshold  # noqa: E402

FLOWERS, PETS = 90, 30


@pytest.fixture(scope="module")
def photos(shared_data: Path):
    """Embeddings, daisy labels and the known mask: flowers know daisy, pets do not."""
    from organizer_training.backbone import embed_files, load_backbone

    flowers = read_labelled_set(shared_data / "photos" / "flowers-tf")
    pets = read_labelled_set(shared_data / "photos" / "cats-dogs-kaggle")
    rng = np.random.default_rng(7)
    chosen = rng.choice(len(flowers.paths), FLOWERS, replace=False)
    paths = [flowers.paths[i] for i in chosen] + pets.paths[:PETS]
    x = embed_files(load_backbone(), paths)
    daisy = np.array([float("daisy" in flowers.labels[i]) for i in chosen] + [0.0] * PETS)
    known = np.r_[np.ones(FLOWERS), np.zeros(PETS)]
    return x, daisy[:, None], known[:, None]


@pytest.fixture(scope="module")
def daisy_oof(photos):
    """Two-fold out-of-fold daisy scores of the flowers, as the build chooses thresholds on,
    and their truth."""
    x, daisy, known = photos
    fold = np.arange(len(x)) % 2
    oof = np.zeros(len(x))
    for k in (0, 1):
        oof[fold == k] = _scores(x, _fit(x, daisy, known, fold != k))[fold == k]
    rows = known[:, 0] > 0
    return oof[rows], daisy[rows, 0] > 0


def _fit(x, labels, known, rows):
    return fit_logistic_heads(x[rows], np.zeros((rows.sum(), 1)), labels[rows], known[rows],
                              np.zeros(1), 0.1, max_iter=100)


def _scores(x, fit):
    scale, weight, bias = fit
    return 1 / (1 + np.exp(-(x @ weight + bias)))[:, 0]


def test_unknown_labels_do_not_enter_the_loss(photos) -> None:
    x, daisy, known = photos
    everything = np.ones(len(x), dtype=bool)
    as_given = _fit(x, daisy, known, everything)
    # Call every pet a daisy: the pets' labels are unknown, so the fit must not move.
    claimed = daisy.copy()
    claimed[FLOWERS:] = 1.0
    for a, b in zip(as_given, _fit(x, claimed, known, everything), strict=True):
        np.testing.assert_array_equal(a, b)
    # Made known, the same wrong labels do change it.
    changed = _fit(x, claimed, np.ones_like(known), everything)
    assert not np.allclose(as_given[1], changed[1])


def test_a_head_learnt_from_a_partly_labelled_set_finds_daisies_it_did_not_see(photos) -> None:
    x, daisy, known = photos
    train = np.zeros(len(x), dtype=bool)
    train[: FLOWERS * 2 // 3] = True
    train[FLOWERS:] = True  # the pets come along, unknown
    held_out = np.flatnonzero(~train)
    scores = _scores(x, _fit(x, daisy, known, train))[held_out]
    truth = daisy[held_out, 0] > 0
    assert 3 <= truth.sum() < len(truth)
    assert average_precision(scores, truth) >= max(0.6, 2 * truth.mean())


def test_threshold_is_the_lowest_cut_that_keeps_the_precision(daisy_oof) -> None:
    scores, truth = daisy_oof
    choice = precision_threshold(scores, truth, target=0.85, min_recall=0.2, min_positives=5,
                                 min_negatives=50, min_probability=0.0)
    assert choice.suggested and choice.positives == truth.sum()
    shown = scores >= choice.threshold
    precision, recall = truth[shown].mean(), truth[shown].sum() / truth.sum()
    assert precision >= 0.85
    assert choice.precision == pytest.approx(precision) and choice.recall == pytest.approx(recall)
    # A lower threshold that finds one more daisy drops below the target precision.
    missed = scores[truth & ~shown]
    assert len(missed)
    for lower in missed:
        kept = scores >= lower
        assert truth[kept].mean() < 0.85, f"threshold {lower} finds more at precision 0.85"


def test_no_tag_is_shown_below_even_odds(daisy_oof) -> None:
    """On the daisies' out-of-fold scores, the precision-first cut with no floor lies below
    0.5; the shipped rule keeps the cut at 0.5, shows exactly the photos scored 0.5 or more,
    and reports their precision and recall."""
    scores, truth = daisy_oof
    unfloored = precision_threshold(scores, truth, min_negatives=50, min_probability=0.0)
    choice = precision_threshold(scores, truth, min_negatives=50)
    assert unfloored.suggested and choice.suggested
    assert unfloored.threshold < 0.5  # the floor is what this test exercises
    assert choice.threshold >= 0.5 and choice.threshold >= unfloored.threshold
    shown = scores >= choice.threshold
    assert choice.recall == pytest.approx(truth[shown].sum() / truth.sum())
    assert choice.precision == pytest.approx(truth[shown].mean())
    assert choice.precision >= 0.85


def test_a_tag_whose_positives_the_model_doubts_is_not_suggested() -> None:
    """Positives at 0.1-0.4, negatives below 0.05: precision 1 at a cut of 0.07, but the model
    gives every positive less than even odds, so the tag is not suggested."""
    rng = np.random.default_rng(11)
    truth = np.r_[np.ones(50, dtype=bool), np.zeros(300, dtype=bool)]
    scores = np.where(truth, 0.1 + 0.3 * rng.random(350), 0.05 * rng.random(350))
    assert precision_threshold(scores, truth, min_probability=0.0).threshold < 0.1
    choice = precision_threshold(scores, truth)
    assert not choice.suggested and "probability of 0.50 or more" in choice.reason
    # Half the positives at even odds or more: suggested there, with the recall that costs.
    scores[:25] += 0.5
    choice = precision_threshold(scores, truth)
    assert 0.5 <= choice.threshold <= 0.6 and choice.recall == pytest.approx(0.5)


def test_the_cut_stops_at_even_odds_and_a_tie_there_counts() -> None:
    """The midpoint below the lowest positive kept is clamped to 0.5; a positive scored exactly
    0.5 is shown; a floor that leaves too little recall says so."""
    truth = np.r_[np.ones(10, dtype=bool), np.zeros(200, dtype=bool)]
    scores = np.r_[np.linspace(0.9, 0.52, 10), np.full(200, 0.2)]
    choice = precision_threshold(scores, truth)
    assert choice.threshold == 0.5 and choice.recall == 1.0
    scores[9] = 0.5
    tied = precision_threshold(scores, truth)
    assert tied.threshold == 0.5 and tied.recall == 1.0
    assert (scores >= tied.threshold)[:10].all()
    # Only one positive at even odds or more, the others below: not suggested, and the reason
    # names the floor (below it, every positive would be found at full precision).
    scores[1:10] = 0.45
    doubted = precision_threshold(scores, truth)
    assert not doubted.suggested
    assert "probability 0.50 or more" in doubted.reason and doubted.recall == 0.1


def test_sources_left_out_get_the_same_floor() -> None:
    from organizer_training.thresholds import on_unseen_sources

    truth = np.r_[np.ones(60, dtype=bool), np.zeros(340, dtype=bool)]
    within = np.where(truth, 0.9, 0.1)
    choice = precision_threshold(within, truth)
    everywhere = np.ones(400, dtype=bool)
    # On the left-out sources the positives separate perfectly, but only at 0.2-0.4.
    rng = np.random.default_rng(2)
    unseen = np.where(truth, 0.2 + 0.2 * rng.random(400), 0.1 * rng.random(400))
    assert precision_threshold(unseen, truth, min_probability=0.0).suggested
    hidden = on_unseen_sources(choice, unseen, truth, everywhere)
    assert not hidden.suggested and "probability of 0.50 or more" in hidden.reason


def test_tags_without_evidence_or_precision_are_not_suggested() -> None:
    scores = np.linspace(0, 1, 400)
    few = np.zeros(400, dtype=bool)
    few[[397, 399]] = True
    choice = precision_threshold(scores, few)
    assert not choice.suggested and "2 labelled positives" in choice.reason
    # Only positives (a set that labels nothing else): precision cannot be measured.
    choice = precision_threshold(scores, np.ones(400, dtype=bool))
    assert not choice.suggested and "0 labelled negatives" in choice.reason
    # Positives spread evenly among negatives: no threshold reaches precision 0.85.
    spread = np.zeros(400, dtype=bool)
    spread[::4] = True
    choice = precision_threshold(scores, spread)
    assert not choice.suggested and "not reached" in choice.reason
    # Precision reached only by the top few of many positives: too little recall.
    rare = np.zeros(400, dtype=bool)
    rare[[399, 398]] = True
    rare[:160:8] = True
    choice = precision_threshold(scores, rare)
    assert not choice.suggested and choice.recall == pytest.approx(2 / 22)


def test_a_common_tag_does_not_pass_on_its_prevalence_alone() -> None:
    """Scores that know nothing, on a tag nine photos in ten have: raw precision is 0.9 at any
    threshold, but weighed as if the tag were on half the photos it is a coin toss."""
    rng = np.random.default_rng(3)
    scores = rng.random(2000)
    truth = np.r_[np.ones(1800, dtype=bool), np.zeros(200, dtype=bool)]
    assert truth[scores >= 0.1].mean() > 0.85
    assert not precision_threshold(scores, truth).suggested
    # The same tag with scores that do separate it is suggested.
    separating = np.where(truth, 0.5 + scores / 2, scores / 2)
    assert precision_threshold(separating, truth).suggested


def test_a_threshold_rises_to_hold_on_sources_the_heads_never_saw() -> None:
    from organizer_training.thresholds import on_unseen_sources

    rng = np.random.default_rng(5)
    truth = np.r_[np.ones(60, dtype=bool), np.zeros(340, dtype=bool)]
    within = np.where(truth, 0.6 + 0.4 * rng.random(400), 0.55 * rng.random(400))
    choice = precision_threshold(within, truth)
    assert choice.suggested
    everywhere = np.ones(400, dtype=bool)
    # Left-out sources: negatives score higher, so the threshold must rise to keep precision.
    unseen = np.where(truth, 0.6 + 0.4 * rng.random(400), 0.8 * rng.random(400))
    raised = on_unseen_sources(choice, unseen, truth, everywhere)
    assert raised.suggested and raised.threshold > choice.threshold
    assert truth[unseen >= raised.threshold].mean() >= 0.85
    # Where the unseen sources mix the tag up entirely, it is not suggested.
    hopeless = on_unseen_sources(choice, rng.random(400), truth, everywhere)
    assert not hopeless.suggested and "sources left out" in hopeless.reason
    # No left-out scores: unchanged.
    assert on_unseen_sources(choice, unseen, truth, np.zeros(400, dtype=bool)) == choice
