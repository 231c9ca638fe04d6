"""What a retraining run produces, without torch: the tags to learn and the verdict per tag."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from organizer.errors import OrganizerError
from organizer_training.head_params import HeadParameters

# On (w - w_old) in standardized embedding space. A handful of rejections in ~1700 dimensions
# is easy to memorise: at 3e-3 the refit zeroed the 4 rejected photos yet raised the mistake's
# mean score on held-out photos without the scene (0.053 -> 0.059); at 3.0 the refit moves
# mostly bias and prior scale and the held-out mistakes drop (tests/test_retrain.py).
L2 = 3.0
FOLDS = 5
EPOCHS = 12


@dataclass(frozen=True)
class TagTask:
    """One tag to refit: its column in the old head (None = new tag) and its corrections."""

    name: str
    index: int | None
    rows: np.ndarray  # rows (photos) with a correction of this tag
    labels: np.ndarray  # 1.0 confirmed, 0.0 rejected
    user: bool = False  # the user's own tag: a nearest-centroid column, at every retraining

    @property
    def centroid(self) -> bool:
        """Learnt from its examples (new_tags.py), not refitted as a classifier."""
        return self.index is None or self.user


@dataclass
class EpochMetrics:
    epoch: int
    train_loss: float
    val_loss: float  # mean log-loss of the held-out predictions on corrections
    val_accuracy: float  # share of corrections the held-out predictions agree with


@dataclass
class TagReport:
    tag: str
    new: bool
    confirmed: int
    rejected: int
    errors_before: int  # corrections the old model gets wrong at its threshold
    errors_after: int  # corrections the held-out new model gets wrong at its threshold
    threshold_before: float | None  # None: a new tag, or one the model did not suggest
    threshold_after: float | None  # None: not suggested
    held_out_ap: float | None  # on held-out corrections, where both kinds exist
    suggested_before: float  # share of uncorrected photos where the tag is suggested
    suggested_after: float

    @property
    def not_worse(self) -> bool:
        return self.errors_after <= self.errors_before


@dataclass
class FitResult:
    head: HeadParameters
    thresholds: np.ndarray  # for every column of ``head``
    reports: list[TagReport]
    history: list[EpochMetrics] = field(default_factory=list)

    @property
    def not_worse(self) -> bool:
        return all(report.not_worse for report in self.reports)


class Cancelled(OrganizerError):
    """Raised between epochs when the caller asks to stop."""

    def __init__(self) -> None:
        super().__init__("training cancelled; the active model is unchanged")
