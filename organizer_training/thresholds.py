"""Precision-first thresholds: each tag is shown where it is right far more often than not.

A tag's threshold is the lowest score at which its held-out predictions still reach
TARGET_PRECISION (so it keeps as much recall as that precision allows), measured on labelled
photos its heads did not train on. Precision depends on how common a tag is among the photos it
is measured on: outdoor is on two thirds of the labelled photos, where any threshold reaches
0.85. So negatives weigh as if the tag were on at most half of the photos (each weighs
max(1, positives / negatives)). A tag is suggested automatically only when that threshold rests
on enough evidence (MIN_POSITIVES labelled positives, MIN_NEGATIVES labelled negatives) and
still finds MIN_RECALL of the positives; otherwise it is not suggested (threshold ``None``): it
stays in the vocabulary for the user to assign, and retraining can learn it from their
corrections.

A threshold is never below MIN_PROBABILITY: a tag is shown only where the model gives it at
least even odds. The labelled photos' negatives are easier than a user's (a flower head learnt
from one flower set scores parks, leaves and lamps at 0.05-0.5 and the labelled non-flowers
below 0.05), so the lowest cut that keeps the precision on them reached down to 0.03-0.05 for
flower, food, forest and cat, and on camera photos no build saw those low-score suggestions were
mostly wrong (docs/model-experiments.md, default-5).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

TARGET_PRECISION = 0.85
MIN_RECALL = 0.2
MIN_POSITIVES = 5
MIN_NEGATIVES = 100
MIN_PROBABILITY = 0.5


@dataclass(frozen=True)
class ThresholdChoice:
    threshold: float | None  # None: not suggested automatically
    precision: float | None  # at the threshold, on the scores it was chosen on
    recall: float | None
    positives: int
    reason: str  # why the tag is or is not suggested

    @property
    def suggested(self) -> bool:
        return self.threshold is not None


def negative_weight(truth: np.ndarray) -> float:
    """How much each negative counts: as if the tag were on at most half the photos."""
    positives = int(np.sum(truth))
    return max(1.0, positives / max(len(truth) - positives, 1))


def precision_threshold(
    scores: np.ndarray, truth: np.ndarray, target: float = TARGET_PRECISION,
    min_recall: float = MIN_RECALL, min_positives: int = MIN_POSITIVES,
    min_negatives: int = MIN_NEGATIVES, min_probability: float = MIN_PROBABILITY,
) -> ThresholdChoice:
    """The lowest cut between distinct scores whose precision (negatives weighted, see the
    module) is at least ``target``, midway between the last score kept and the next lower
    one, and never below ``min_probability``."""
    truth = np.asarray(truth, dtype=bool)
    positives, negatives = int(truth.sum()), int((~truth).sum())
    if positives < min_positives:
        return ThresholdChoice(None, None, None, positives,
                               f"{positives} labelled positives (fewer than {min_positives})")
    if negatives < min_negatives:
        return ThresholdChoice(None, None, None, positives,
                               f"{negatives} labelled negatives (fewer than {min_negatives})")
    order = np.argsort(-scores, kind="stable")
    sorted_scores, hits = scores[order], truth[order]
    tp = np.cumsum(hits)
    fp = np.cumsum(~hits) * negative_weight(truth)
    precision = tp / (tp + fp)
    cut_after = np.r_[sorted_scores[1:] != sorted_scores[:-1], True]
    reaches = cut_after & (precision >= target) & hits
    good = np.flatnonzero(reaches & (sorted_scores >= min_probability))
    if len(good) == 0:
        where = (f"at a probability of {min_probability:.2f} or more" if reaches.any()
                 else "at any threshold")
        return ThresholdChoice(None, None, None, positives,
                               f"precision {target:.2f} is not reached {where}")
    k = int(good[-1])
    recall = float(tp[k] / positives)
    lower = float(sorted_scores[k + 1]) if k + 1 < len(sorted_scores) else 0.0
    threshold = max(float((sorted_scores[k] + lower) / 2), min_probability)
    if recall < min_recall:
        floored = f" and probability {min_probability:.2f} or more" if good[-1] < \
            np.flatnonzero(reaches)[-1] else ""
        return ThresholdChoice(None, float(precision[k]), recall, positives,
                               f"recall {recall:.2f} at precision {target:.2f}{floored} "
                               f"(below {min_recall:.2f})")
    return ThresholdChoice(threshold, float(precision[k]), recall, positives,
                           f"precision {precision[k]:.2f}, recall {recall:.2f}")


def held_out_counts(
    scores: np.ndarray, truth: np.ndarray, thresholds: np.ndarray
) -> tuple[int, int, int]:
    """(true positives, false positives, false negatives) with a threshold per photo
    (``inf`` where the tag is not suggested)."""
    predicted = scores >= thresholds
    truth = np.asarray(truth, dtype=bool)
    return (int((predicted & truth).sum()), int((predicted & ~truth).sum()),
            int((~predicted & truth).sum()))


HELD_OUT_MIN_PRECISION = 0.75


def confirmed_on_held_out(
    choice: ThresholdChoice, scores: np.ndarray, truth: np.ndarray, thresholds: np.ndarray,
    minimum: float = HELD_OUT_MIN_PRECISION,
) -> ThresholdChoice:
    """The choice, unless the rule behind it fails on photos it was not chosen on: with each
    photo at the threshold chosen without its fold (``thresholds``, ``inf`` where that fold's
    choice was not to suggest), the weighted precision must reach ``minimum`` and at least one
    positive must be found. A tag with a few positives can pass on all of them and fail on
    every fold."""
    if not choice.suggested:
        return choice
    tp, fp, _ = held_out_counts(scores, truth, thresholds)
    precision = tp / (tp + fp * negative_weight(truth)) if tp else 0.0
    if precision >= minimum:
        return choice
    return ThresholdChoice(None, choice.precision, choice.recall, choice.positives,
                           f"held-out precision {precision:.2f} (below {minimum:.2f}) at "
                           "thresholds chosen without each fold")


def on_unseen_sources(
    choice: ThresholdChoice, scores: np.ndarray, truth: np.ndarray, rows: np.ndarray,
) -> ThresholdChoice:
    """The choice, checked on photos scored by heads that never saw their source
    (leave-one-source-out ``scores`` on ``rows``): the threshold rises to what reaches the
    target precision there, and a tag that cannot reach it there is not suggested. A user's
    photos are such a source; within-source scores overstate precision on them (person: 0.85
    within the sets, 0.68 on coco128 left out)."""
    if not choice.suggested or not rows.any() or truth[rows].all():
        return choice
    unseen = precision_threshold(scores[rows], truth[rows], min_negatives=1)
    if not unseen.suggested:
        return ThresholdChoice(None, choice.precision, choice.recall, choice.positives,
                               f"on sources left out: {unseen.reason}")
    if unseen.threshold <= choice.threshold:
        return choice
    return ThresholdChoice(unseen.threshold, unseen.precision, unseen.recall, choice.positives,
                           f"precision {unseen.precision:.2f}, recall {unseen.recall:.2f} on "
                           "sources left out")
