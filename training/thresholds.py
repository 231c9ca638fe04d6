"""Precision-first thresholds: each tag is shown where it is right far more often than not.

A tag's threshold is the lowest score at which its held-out predictions still reach
TARGET_PRECISION (so it keeps as much recall as that precision allows), measured on labelled
photos its heads did not train on. A tag is suggested automatically only when that threshold
rests on enough evidence (MIN_POSITIVES labelled positives) and still finds MIN_RECALL of them;
otherwise it is not suggested (threshold ``None``): it stays in the vocabulary for the user to
assign, and retraining can learn it from their corrections.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

TARGET_PRECISION = 0.85
MIN_RECALL = 0.2
MIN_POSITIVES = 5


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


def precision_threshold(
    scores: np.ndarray, truth: np.ndarray, target: float = TARGET_PRECISION,
    min_recall: float = MIN_RECALL, min_positives: int = MIN_POSITIVES,
) -> ThresholdChoice:
    """The lowest cut between distinct scores whose precision is at least ``target``
    (midway between the last score kept and the next lower one)."""
    truth = np.asarray(truth, dtype=bool)
    positives = int(truth.sum())
    if positives < min_positives:
        return ThresholdChoice(None, None, None, positives,
                               f"{positives} labelled positives (fewer than {min_positives})")
    order = np.argsort(-scores, kind="stable")
    sorted_scores, hits = scores[order], truth[order]
    tp = np.cumsum(hits)
    precision = tp / np.arange(1, len(hits) + 1)
    cut_after = np.r_[sorted_scores[1:] != sorted_scores[:-1], True]
    good = np.flatnonzero(cut_after & (precision >= target) & hits)
    if len(good) == 0:
        return ThresholdChoice(None, None, None, positives,
                               f"precision {target:.2f} is not reached at any threshold")
    k = int(good[-1])
    recall = float(tp[k] / positives)
    lower = float(sorted_scores[k + 1]) if k + 1 < len(sorted_scores) else 0.0
    threshold = float((sorted_scores[k] + lower) / 2)
    if recall < min_recall:
        return ThresholdChoice(None, float(precision[k]), recall, positives,
                               f"recall {recall:.2f} at precision {target:.2f} "
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
