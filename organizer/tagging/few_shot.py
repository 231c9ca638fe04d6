"""New tags from a few confirmed photos: a nearest-centroid score on standardised embeddings.

The model's own heads know nothing of a concept the user invents ("grandma", "signpost"), and a
classifier fitted on 5 examples against everything else learns little (held-out AP 0.13 where
the centroid gets 0.89, issue #12). SimpleShot's recipe works on such concepts: standardise each
embedding column over the library, average the confirmed photos (minus, Rocchio-style, part of
the rejected ones), and rank photos by their dot product with that direction. The score is
linear in the embedding, so it is one more column of the bundle's linear head.

The threshold is chosen for precision, from what a user's library offers: the confirmed photos'
leave-one-out scores say where true photos of the concept fall, the library's score
distribution says how many photos each threshold would show the tag on, and a new tag is never
suggested on more than ``MAX_LIBRARY_SHARE`` of the library. Confirmed photos that have nothing
in common (an invented "camera test" on 5 unrelated photos) make no concept: a typical one scores
no higher than much of the library, and such a tag is not suggested at all (rules and numbers
measured by ``python -m organizer_training.measure_few_shot``, docs/retraining.md).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

# Rejected photos pull the centroid away from what they show by this much (Rocchio's beta).
REJECTED_WEIGHT = 0.5
# The threshold sits at this quantile of the confirmed photos' leave-one-out scores: high, for
# precision (measured, k = 10: precision 0.80 at recall 0.28; at 0.2 it was 0.59 at 0.62).
POSITIVE_QUANTILE = 0.7
# A user's new tag is not shown on more than this share of the library.
MAX_LIBRARY_SHARE = 0.25
# A new tag is suggested only if its confirmed photos have something in common: a typical one
# (the median leave-one-out score) outscores all but this share of the library. Measured on the
# labelled sets (k = 10): for 59 real concepts that share is 1.4% in the median, 5.4% at most;
# for 60 draws of 10 random photos it is 21% at least.
COHERENT_SHARE = 0.2
# Probability slope: the logit grows by this much per standard deviation of the positives'
# scores above the threshold (probability 0.5 at the threshold).
LOGIT_PER_SPREAD = 3.0
_MIN_SCALE = 1e-3
_BLOCK = 8192


@dataclass(frozen=True)
class EmbeddingStats:
    """Per-column mean and spread of the library's stored embeddings."""

    mean: np.ndarray  # [D]
    scale: np.ndarray  # [D]

    @classmethod
    def of(cls, embeddings: np.ndarray) -> EmbeddingStats:
        """Column means and spreads, accumulated in float64 one block of rows at a time (a
        float64 copy of 100,000 embeddings would be 1.4 GB)."""
        values = np.asarray(embeddings)
        total = np.zeros(values.shape[1])
        squares = np.zeros(values.shape[1])
        for start in range(0, len(values), _BLOCK):
            block = values[start : start + _BLOCK].astype(np.float64)
            total += block.sum(axis=0)
            squares += (block * block).sum(axis=0)
        count = max(len(values), 1)
        mean = total / count
        variance = np.maximum(squares / count - mean * mean, 0.0)
        return cls(mean, np.maximum(np.sqrt(variance), _MIN_SCALE))

    def save(self, path: Path) -> None:
        np.savez(path, mean=self.mean, scale=self.scale)

    @classmethod
    def load(cls, path: Path) -> EmbeddingStats:
        with np.load(path, allow_pickle=False) as data:
            return cls(data["mean"], data["scale"])

    def standardise(self, embeddings: np.ndarray) -> np.ndarray:
        return (np.asarray(embeddings, dtype=np.float64) - self.mean) / self.scale


@dataclass(frozen=True)
class CentroidTag:
    """``score(x) = x @ weight + offset``; shown where the score is at least ``threshold``,
    if ``coherent`` (otherwise never shown on its own)."""

    weight: np.ndarray  # [D]
    offset: float
    threshold: float
    spread: float  # standard deviation of the confirmed photos' leave-one-out scores
    coherent: bool  # the confirmed photos stand out from the library together

    def shown(self, embeddings: np.ndarray) -> np.ndarray:
        scores = self.scores(embeddings)
        return (scores >= self.threshold) & self.coherent

    def scores(self, embeddings: np.ndarray) -> np.ndarray:
        return score(embeddings, self.weight, self.offset)

    def head_column(self) -> tuple[np.ndarray, float]:
        """(weight, bias) of a linear-head column whose sigmoid is 0.5 at the threshold."""
        slope = LOGIT_PER_SPREAD / max(self.spread, 1e-6)
        return self.weight * slope, (self.offset - self.threshold) * slope


def score(embeddings: np.ndarray, weight: np.ndarray, offset: float) -> np.ndarray:
    """``embeddings @ weight + offset`` in float32 (a million photos: one fast matrix-vector
    product, no float64 copy)."""
    x = np.asarray(embeddings, dtype=np.float32)
    return (x @ weight.astype(np.float32)).astype(np.float64) + offset


def direction(
    stats: EmbeddingStats, positives: np.ndarray, negatives: np.ndarray | None = None
) -> tuple[np.ndarray, float]:
    """(weight, offset) of the unit centroid score for these confirmed (and rejected) photos."""
    centroid = stats.standardise(positives).mean(axis=0)
    if negatives is not None and len(negatives):
        centroid = centroid - REJECTED_WEIGHT * stats.standardise(negatives).mean(axis=0)
    centroid /= max(float(np.linalg.norm(centroid)), 1e-12)
    weight = centroid / stats.scale
    return weight, float(-stats.mean @ weight)


def leave_one_out_scores(
    stats: EmbeddingStats, positives: np.ndarray, negatives: np.ndarray | None = None
) -> np.ndarray:
    """Each confirmed photo's score under the centroid of the others: how a photo of the
    concept the user has not confirmed yet would score."""
    if len(positives) < 2:
        return np.empty(0)
    scores = []
    for i in range(len(positives)):
        others = np.delete(positives, i, axis=0)
        weight, offset = direction(stats, others, negatives)
        scores.append(float(positives[i] @ weight + offset))
    return np.array(scores)


def centroid_tag(
    stats: EmbeddingStats,
    positives: np.ndarray,
    library: np.ndarray,
    negatives: np.ndarray | None = None,
) -> CentroidTag:
    """The tag for ``positives`` (confirmed photos' embeddings) in a library of ``library``
    embeddings (the photos the tag would be shown on); ``negatives``: rejected photos."""
    weight, offset = direction(stats, positives, negatives)
    library_scores = score(library, weight, offset)
    loo = leave_one_out_scores(stats, positives, negatives)
    share_floor = float(np.quantile(library_scores, 1.0 - MAX_LIBRARY_SHARE))
    if len(loo):
        threshold = max(float(np.quantile(loo, POSITIVE_QUANTILE)), share_floor)
        spread = float(loo.std()) or 1.0
        coherent = float((library_scores >= np.median(loo)).mean()) <= COHERENT_SHARE
    else:
        threshold, spread = share_floor, float(library_scores.std()) or 1.0
        coherent = False
    if negatives is not None and len(negatives):
        # Never shown again where the user said no.
        rejected = score(negatives, weight, offset)
        threshold = max(threshold, float(rejected.max()) + 1e-6)
    return CentroidTag(weight, offset, threshold, spread, coherent)
