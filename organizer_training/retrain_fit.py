"""Refitting the model's own tags to the user's corrections, from stored embeddings (no image
decoding, no torch: numpy and an L-BFGS of our own (organizer_training/lbfgs.py), so Model → Retrain
works in any install).

The head is one independent logistic model per tag (``organizer_training/head.py``), so a tag nobody
corrected has nothing new to learn: its soft targets would be its own predictions, whose
optimum is its current parameters. Only tags with corrections are refitted; every other tag
keeps its parameters bit for bit. That is what keeps untouched tags from degrading, and it is
also what makes retraining cost depend on the number of corrected tags, not the vocabulary.
New tags of the user's own are not fitted here: ``organizer_training/new_tags.py`` gives them
nearest-centroid columns.

For a refitted tag the targets are:
- the user's corrections: confirmed = 1, rejected = 0;
- every other photo: the current model's probability (a soft target), so the tag only moves
  where the corrections pull it.
The two groups weigh the same (``CORRECTION_WEIGHT``): a handful of corrections must be able to
move a tag against thousands of photos that still carry the old belief.

Validation is K-fold over photos: K fold models (each without one fold's photos) are trained
together with the final model in one batched optimisation, so every correction gets a held-out
prediction and per-epoch validation metrics come for free.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from organizer.tagging.evaluation import average_precision
from organizer_training import lbfgs
from organizer_training.head_params import EPS, HeadParameters
from organizer_training.retrain_results import (
    EPOCHS,
    FOLDS,
    L2,
    Cancelled,
    EpochMetrics,
    FitResult,
    TagReport,
    TagTask,
)

CORRECTION_WEIGHT = 1.0
ITERATIONS_PER_EPOCH = 8
# Unlike the shipped model's (organizer_training/thresholds.py: never below 0.5), a retrained
# tag's threshold may go low: it is chosen on the user's own library, to keep the old model's
# decisions on every photo nobody corrected, not on labelled sets whose negatives are easier than
# a user's. With 0.5 as the lower end, 3 rejected photos cost snow 48 points of recall on its
# untouched positives instead of 4 (measure_rejections, docs/model-experiments.md, default-5).
THRESHOLD_RANGE = (0.05, 0.95)


@dataclass
class _Problem:
    """Everything the optimiser needs, as arrays over rows x (fold, tag) columns."""

    x: np.ndarray  # [N, D] standardized embeddings, float32
    mean: np.ndarray
    std: np.ndarray
    prior: np.ndarray  # [N, C] ImageNet prior logits, 0 where a tag has no ImageNet classes
    has_prior: np.ndarray  # [C]
    targets: np.ndarray  # [N, C]
    corrected: np.ndarray  # [N, C] bool
    old_probability: np.ndarray  # [N, C]
    old_threshold: np.ndarray  # [C] (inf: the tag was not suggested)
    folds: np.ndarray  # [N]
    n_folds: int
    weights: np.ndarray  # [N, J]; J = (n_folds + 1) * C, fold-major; last block = final
    init: tuple[np.ndarray, np.ndarray, np.ndarray]  # a [J], w [D, J], b [J], float64

    @property
    def n_tags(self) -> int:
        return self.targets.shape[1]

    @property
    def reps(self) -> int:
        return self.n_folds + 1


# -- the numbers the old head gives ----------------------------------------------------------


def imagenet_prior(x: np.ndarray, head: HeadParameters, columns: list[int]) -> np.ndarray:
    """Prior logits of the given head columns, float32 and chunked: the 1000-way softmax
    is the single largest cost of a retrain, so it is computed once, only for what is needed."""
    out = np.zeros((len(x), len(columns)), dtype=np.float32)
    if not columns:
        return out
    fc_t = head.fc_weight.T.astype(np.float32)
    class_map = head.class_map[:, columns].astype(np.float32)
    for start in range(0, len(x), 8192):
        logits = x[start : start + 8192, : fc_t.shape[0]] @ fc_t + head.fc_bias
        logits -= logits.max(axis=1, keepdims=True)
        np.exp(logits, out=logits)
        logits /= logits.sum(axis=1, keepdims=True)
        p = np.clip(logits @ class_map, EPS, 1 - EPS)
        out[start : start + 8192] = np.log(p) - np.log1p(-p)
    return out


def _sigmoid(z: np.ndarray) -> np.ndarray:
    return 0.5 * (1.0 + np.tanh(0.5 * z))  # no overflow warnings for large |z|


# -- building the problem -------------------------------------------------------------------


def assign_folds(n_rows: int, corrected_rows: np.ndarray, n_folds: int, seed: int) -> np.ndarray:
    """Corrected photos are dealt round-robin after a shuffle so every fold holds some of
    them (with 10 examples and 5 folds, 2 per fold); the other photos are spread at random."""
    rng = np.random.default_rng(seed)
    folds = rng.integers(0, n_folds, n_rows)
    corrected = rng.permutation(np.unique(corrected_rows))
    folds[corrected] = np.arange(len(corrected)) % n_folds
    return folds


def _column_weights(corrected: np.ndarray, folds: np.ndarray, n_folds: int) -> np.ndarray:
    """Per (row, fold column): anchors sum to 1 and corrections to CORRECTION_WEIGHT in every
    column's training part; held-out rows weigh 0."""
    n, c = corrected.shape
    blocks = []
    for fold in range(n_folds + 1):
        train = (folds != fold)[:, None] if fold < n_folds else np.ones((n, 1), bool)
        anchors = ~corrected & train
        corrections = corrected & train
        w = anchors / np.maximum(anchors.sum(0), 1)
        w = w + CORRECTION_WEIGHT * corrections / np.maximum(corrections.sum(0), 1)
        blocks.append(w.astype(np.float32))
    return np.concatenate(blocks, axis=1)


def build_problem(
    x: np.ndarray,
    head: HeadParameters,
    thresholds: np.ndarray,
    tasks: list[TagTask],
    n_folds: int = FOLDS,
    seed: int = 0,
) -> _Problem:
    if any(task.index is None for task in tasks):
        raise ValueError("new tags are learnt by organizer_training/new_tags.py, not refitted")
    columns = [int(task.index) for task in tasks]  # type: ignore[arg-type]
    has_prior = (head.class_map[:, columns].sum(0) > 0).astype(np.float32)
    prior = imagenet_prior(x, head, columns) * has_prior
    a0 = head.prior_scale[columns].astype(np.float64)
    w0 = head.weight[:, columns].astype(np.float64)
    b0 = head.bias[columns].astype(np.float64)
    old_p = _sigmoid(prior * a0 + x @ w0 + b0).astype(np.float32)
    targets = old_p.copy()
    corrected = np.zeros(old_p.shape, dtype=bool)
    for j, task in enumerate(tasks):
        targets[task.rows, j] = task.labels
        corrected[task.rows, j] = True
    folds = assign_folds(len(x), np.concatenate([t.rows for t in tasks]), n_folds, seed)
    mean = x.mean(0)
    std = x.std(0) + 1e-6
    # The old parameters expressed in standardized space, as the starting point and anchor.
    ws0 = w0 * std[:, None]
    bs0 = b0 + mean @ w0
    reps = n_folds + 1
    return _Problem(
        x=((x - mean) / std).astype(np.float32),
        mean=mean,
        std=std,
        prior=prior.astype(np.float32),
        has_prior=has_prior,
        targets=targets,
        corrected=corrected,
        old_probability=old_p,
        old_threshold=thresholds[columns].astype(np.float64),
        folds=folds,
        n_folds=n_folds,
        weights=_column_weights(corrected, folds, n_folds),
        init=(np.tile(a0, reps), np.tile(ws0, (1, reps)), np.tile(bs0, reps)),
    )


# -- optimisation -----------------------------------------------------------------------------


class _Objective:
    """The summed weighted log-loss of all K+1 models plus the L2 pull towards the old
    parameters, and its gradient, over one flat float64 vector (a [J], w [D, J], b [J]).

    The embeddings are the bulk of the memory read: loss and gradient are computed together,
    ``ROWS_PER_PASS`` rows at a time, so each block of rows is read from memory once and used
    twice from cache (40% faster than two whole-matrix products on this 2-core machine)."""

    ROWS_PER_PASS = 512

    def __init__(self, problem: _Problem, l2: float) -> None:
        self.problem, self.l2 = problem, l2
        a0, w0, b0 = problem.init
        self.d, self.j = w0.shape
        self.start = np.concatenate([a0, w0.ravel(), b0])
        self.prior = np.tile(problem.prior, (1, problem.reps))
        self.has_prior = np.tile(problem.has_prior, problem.reps).astype(np.float64)
        self.y = np.tile(problem.targets, (1, problem.reps))
        self.loss = float("nan")

    def unpack(self, theta: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        j, d = self.j, self.d
        return theta[:j], theta[j : j + d * j].reshape(d, j), theta[j + d * j :]

    def logits(self, theta: np.ndarray) -> np.ndarray:
        a, w, b = self.unpack(theta)
        x = self.problem.x
        return self.prior * a.astype(np.float32) + x @ w.astype(np.float32) + b.astype(np.float32)

    def __call__(self, theta: np.ndarray) -> tuple[float, np.ndarray]:
        a, w, b = self.unpack(theta)
        a0, w0, _ = self.unpack(self.start)
        a32, w32, b32 = (v.astype(np.float32) for v in (a, w, b))
        x, weights = self.problem.x, self.problem.weights
        loss = 0.0
        grad_a = np.zeros(self.j)
        grad_w = np.zeros((self.d, self.j), np.float32)
        grad_b = np.zeros(self.j)
        for start in range(0, len(x), self.ROWS_PER_PASS):
            rows = slice(start, start + self.ROWS_PER_PASS)
            x_rows, prior, y, weight = x[rows], self.prior[rows], self.y[rows], weights[rows]
            z = prior * a32 + x_rows @ w32 + b32
            # Stable log-loss with logits: max(z, 0) - z y + log(1 + e^-|z|).
            bce = np.maximum(z, 0) - z * y + np.log1p(np.exp(-np.abs(z)))
            loss += float((bce * weight).sum(dtype=np.float64))
            residual = weight * (_sigmoid(z) - y)
            grad_a += (residual * prior).sum(0, dtype=np.float64)
            grad_b += residual.sum(0, dtype=np.float64)
            grad_w += x_rows.T @ residual
        # The prior scale only exists where a tag has ImageNet classes.
        da, dw = (a - a0) * self.has_prior, w - w0
        loss += self.l2 * (float((dw**2).sum()) + float((da**2).sum()))
        grad_a += 2 * self.l2 * da
        grad = grad_w.astype(np.float64) + 2 * self.l2 * dw
        self.loss = loss
        return loss, np.concatenate([grad_a, grad.ravel(), grad_b])


def _held_out(problem: _Problem, z: np.ndarray) -> np.ndarray:
    """[N, C] probabilities of each row from the fold model that did not see it."""
    c = problem.n_tags
    rows = np.arange(len(problem.folds))
    columns = problem.folds[:, None] * c + np.arange(c)
    return _sigmoid(z[rows[:, None], columns])


def _epoch_metrics(problem: _Problem, epoch: int, loss: float, z: np.ndarray) -> EpochMetrics:
    held_out = _held_out(problem, z)
    mask = problem.corrected
    p = np.clip(held_out[mask], 1e-7, 1 - 1e-7)
    truth = problem.targets[mask]
    val_loss = float(-(truth * np.log(p) + (1 - truth) * np.log(1 - p)).mean())
    # Tags the model did not suggest (threshold inf) are judged at 0.5 for this progress line.
    decisions = held_out >= np.where(problem.old_threshold < 1, problem.old_threshold, 0.5)
    accuracy = float((decisions[mask] == (truth > 0.5)).mean())
    return EpochMetrics(epoch, loss, val_loss, accuracy)


def optimise(
    problem: _Problem,
    l2: float = L2,
    epochs: int = EPOCHS,
    iterations: int = ITERATIONS_PER_EPOCH,
    on_epoch: Callable[[EpochMetrics], None] | None = None,
    cancelled: Callable[[], bool] | None = None,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, list[EpochMetrics]]:
    """Full-batch L-BFGS, reported every ``iterations`` steps (an "epoch" for the progress
    plot). Returns final-column (a, w, b) in raw embedding space, held-out probabilities and
    the per-epoch history."""
    objective = _Objective(problem, l2)
    history: list[EpochMetrics] = []
    steps = {"done": 0}

    def report(theta: np.ndarray) -> None:
        # Reported per model (the sum over K+1 column groups, divided back).
        metrics = _epoch_metrics(
            problem, len(history) + 1, objective.loss / problem.reps, objective.logits(theta)
        )
        history.append(metrics)
        if on_epoch is not None:
            on_epoch(metrics)

    def each_step(theta: np.ndarray) -> None:
        steps["done"] += 1
        if cancelled is not None and cancelled():
            raise Cancelled
        if steps["done"] % iterations == 0:
            report(theta)

    if cancelled is not None and cancelled():
        raise Cancelled
    # The loss is summed in float32 products: a tighter rtol (1e-9) took 79 evaluations
    # instead of 46 on 20,000 photos for a loss 1.4e-6 lower.
    result = lbfgs.minimize(
        objective, objective.start, epochs * iterations, rtol=1e-7, callback=each_step
    )
    objective.loss = result.loss  # the last evaluation may have been a rejected trial step
    if not history or steps["done"] % iterations:
        report(result.x)  # the last, partial epoch (or a fit that converged at once)
    c = problem.n_tags
    a, w, b = objective.unpack(result.x)
    final = slice(problem.n_folds * c, problem.reps * c)
    ws, bs = w[:, final], b[final]
    scale = a[final] * problem.has_prior
    # Back to raw embedding space.
    weight = ws / problem.std[:, None]
    bias = bs - (problem.mean / problem.std) @ ws
    return scale, weight, bias, _held_out(problem, objective.logits(result.x)), history


# -- thresholds and the verdict -------------------------------------------------------------


def best_threshold(
    scores: np.ndarray, truth: np.ndarray, weights: np.ndarray, fallback: float
) -> float:
    """The cut maximising weighted F1 (corrections weigh as much as all other photos, as in
    the loss), at the midpoint between the chosen score and the next lower one."""
    positives = float((weights * truth).sum())
    if positives <= 0:
        return fallback
    order = np.argsort(-scores, kind="stable")
    s, t, w = scores[order], truth[order], weights[order]
    tp = np.cumsum(w * t)
    fp = np.cumsum(w * (1 - t))
    f1 = 2 * tp / (tp + fp + positives)
    valid = np.r_[s[1:] != s[:-1], True]
    best = int(np.argmax(np.where(valid, f1, -1)))
    lower = s[best + 1] if best + 1 < len(s) else 0.0
    return float(np.clip((s[best] + lower) / 2, *THRESHOLD_RANGE))


def _unchanged_threshold(
    _scores: np.ndarray, _truth: np.ndarray, _weights: np.ndarray, fallback: float
) -> float:
    return fallback


def _threshold_inputs(problem: _Problem, j: int) -> tuple[np.ndarray, np.ndarray]:
    """Truth and weights for tag j: corrections as given, other photos by the old decision
    (corrections weigh as much as all other photos together, as in the loss)."""
    corrected = problem.corrected[:, j]
    truth = np.where(
        corrected,
        problem.targets[:, j] > 0.5,
        problem.old_probability[:, j] >= problem.old_threshold[j],
    ).astype(np.float64)
    weights = np.where(
        corrected,
        CORRECTION_WEIGHT / max(int(corrected.sum()), 1),
        1.0 / max(int((~corrected).sum()), 1),
    )
    return truth, weights


def tag_report(
    problem: _Problem,
    task: TagTask,
    j: int,
    held_out: np.ndarray,
    final: np.ndarray,
    min_confirmed: int,
) -> tuple[TagReport, float]:
    """Per-tag verdict on the held-out corrections, and the tag's new threshold.

    Each fold's decisions use a threshold calibrated on the other folds only, so the error
    count is an honest held-out estimate; the shipped threshold uses all held-out scores.
    A tag the model does not suggest (no threshold) stays so until ``min_confirmed`` photos
    confirm it, the rule for a new tag of the user's own: one confirmed photo once put such a
    tag on the 0.05 floor, on 10 photos nobody had corrected."""
    truth, weights = _threshold_inputs(problem, j)
    fallback = float(problem.old_threshold[j])
    scores = held_out[:, j]
    rows, labels = task.rows, task.labels > 0.5
    learns = np.isfinite(fallback) or labels.sum() >= min_confirmed
    choose = best_threshold if learns else _unchanged_threshold
    threshold = choose(scores, truth, weights, fallback)
    fold_threshold: dict[int, float] = {}
    for f in np.unique(problem.folds[rows]):
        others = problem.folds != f
        fold_threshold[f] = choose(scores[others], truth[others], weights[others], fallback)
    decided = np.array([scores[r] >= fold_threshold[problem.folds[r]] for r in rows])
    old_decided = problem.old_probability[rows, j] >= problem.old_threshold[j]
    untouched = ~problem.corrected[:, j]
    # AP needs held-out negatives: only rejections are known ones (unlabelled photos may show
    # a new tag), so it is reported where a tag has both confirmed and rejected photos.
    ap = average_precision(scores[rows], labels) if 0 < labels.sum() < len(labels) else None
    report = TagReport(
        tag=task.name,
        new=False,
        confirmed=int(labels.sum()),
        rejected=int((~labels).sum()),
        errors_before=int((old_decided != labels).sum()),
        errors_after=int((decided != labels).sum()),
        threshold_before=_finite(problem.old_threshold[j]),
        threshold_after=_finite(threshold),
        held_out_ap=None if ap is None or np.isnan(ap) else float(ap),
        suggested_before=float(
            (problem.old_probability[untouched, j] >= problem.old_threshold[j]).mean()
        ),
        suggested_after=float((final[untouched, j] >= threshold).mean()),
    )
    return report, threshold


def _finite(threshold: float) -> float | None:
    """A threshold for reports: None where the tag is not suggested (``inf``)."""
    return float(threshold) if np.isfinite(threshold) else None


def fit_corrections(
    x: np.ndarray,
    head: HeadParameters,
    thresholds: np.ndarray,
    tasks: list[TagTask],
    *,
    n_folds: int = FOLDS,
    l2: float = L2,
    epochs: int = EPOCHS,
    seed: int = 0,
    min_confirmed: int = 5,
    on_epoch: Callable[[EpochMetrics], None] | None = None,
    cancelled: Callable[[], bool] | None = None,
) -> FitResult:
    """The new head (the corrected model tags refitted, every other column as it was), its
    thresholds and the verdict per tag (``min_confirmed``: see ``tag_report``)."""
    problem = build_problem(x, head, thresholds, tasks, n_folds, seed)
    scale, weight, bias, held_out, history = optimise(
        problem, l2, epochs, on_epoch=on_epoch, cancelled=cancelled
    )
    final = _sigmoid(problem.prior * scale + x @ weight + bias)
    new_head = head.copy()
    new_thresholds = thresholds.astype(np.float64)
    reports = []
    for j, task in enumerate(tasks):
        report, new_thresholds[task.index] = tag_report(
            problem, task, j, held_out, final, min_confirmed
        )
        reports.append(report)
        new_head.prior_scale[task.index] = scale[j]
        new_head.weight[:, task.index] = weight[:, j]
        new_head.bias[task.index] = bias[j]
    return FitResult(new_head, new_thresholds, reports, history)
