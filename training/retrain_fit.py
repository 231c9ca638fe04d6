"""Fitting a bundle head to the user's corrections, from stored embeddings (no image decoding).

The head is one independent logistic model per tag (``training/head.py``), so a tag nobody
corrected has nothing new to learn: its soft targets would be its own predictions, whose
optimum is its current parameters. Only tags with corrections are refitted; every other tag
keeps its parameters bit for bit. That is what keeps untouched tags from degrading, and it is
also what makes retraining cost depend on the number of corrected tags, not the vocabulary.

For a refitted tag the targets are:
- the user's corrections: confirmed = 1, rejected = 0;
- every other photo: the current model's probability (a soft target), so the tag only moves
  where the corrections pull it; for a brand-new tag, 0 (most photos don't show it).
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
import torch

from organizer.tagging.evaluation import average_precision
from training.head_params import EPS, HeadParameters
from training.retrain_results import (
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
# A new tag learns from a few photos in ~1700 dimensions: strong shrinkage of the embedding
# weights (towards a centroid-like direction) plus lightly-shrunk weights on the existing
# trained tags' logits (a new "sandscape" may lean on "desert"). Measured on real photos with
# the former measure_new_tag_examples.py: mean AP over 9 concepts at 10 examples 0.70 with the
# embedding alone, 0.77 with both.
NEW_TAG_L2 = 30.0
NEW_TAG_LOGIT_L2 = 1.0
ITERATIONS_PER_EPOCH = 8
NEW_TAG_DEFAULT_THRESHOLD = 0.5
THRESHOLD_RANGE = (0.05, 0.95)


@dataclass
class _Problem:
    """Everything the optimiser needs, as tensors over rows x (fold, tag) columns."""

    x: torch.Tensor  # [N, D] standardized embeddings
    mean: np.ndarray
    std: np.ndarray
    prior: torch.Tensor  # [N, C] ImageNet prior logits (0 for new tags)
    has_prior: torch.Tensor  # [C]
    targets: torch.Tensor  # [N, C]
    corrected: np.ndarray  # [N, C] bool
    old_probability: np.ndarray  # [N, C] (0 for new tags)
    old_threshold: np.ndarray  # [C] (1 for new tags: never suggested)
    folds: np.ndarray  # [N]
    n_folds: int
    weights: torch.Tensor  # [N, J]; J = (n_folds + 1) * C, fold-major; last block = final
    init: tuple[torch.Tensor, torch.Tensor, torch.Tensor]  # a, w, b per column
    logits: torch.Tensor  # [N, G] standardized linear logits of the old trained tags
    logit_weight: np.ndarray  # [D, G] their raw embedding weights
    logit_bias: np.ndarray  # [G]
    logit_mean: np.ndarray
    logit_std: np.ndarray
    is_new: torch.Tensor  # [J] 1.0 for columns of new tags

    @property
    def n_tags(self) -> int:
        return self.targets.shape[1]


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
    return 1.0 / (1.0 + np.exp(-z))


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
    existing = [t.index for t in tasks if t.index is not None]
    prior_existing = imagenet_prior(x, head, existing)
    n, c = len(x), len(tasks)
    prior = np.zeros((n, c), dtype=np.float32)
    old_p = np.zeros((n, c), dtype=np.float32)
    old_thr = np.ones(c, dtype=np.float32)
    has_prior = np.zeros(c, dtype=np.float32)
    a0 = np.zeros(c, dtype=np.float32)
    w0 = np.zeros((x.shape[1], c), dtype=np.float32)
    b0 = np.zeros(c, dtype=np.float32)
    k = 0
    for j, task in enumerate(tasks):
        if task.index is None:
            continue
        t = task.index
        prior[:, j] = prior_existing[:, k]
        k += 1
        has_prior[j] = float(head.class_map[:, t].sum() > 0)
        a0[j], w0[:, j], b0[j] = head.prior_scale[t], head.weight[:, t], head.bias[t]
        old_p[:, j] = _sigmoid(a0[j] * prior[:, j] + x @ w0[:, j] + b0[j])
        old_thr[j] = thresholds[t]
    targets = old_p.copy()
    corrected = np.zeros((n, c), dtype=bool)
    for j, task in enumerate(tasks):
        targets[task.rows, j] = task.labels
        corrected[task.rows, j] = True
    folds = assign_folds(n, np.concatenate([t.rows for t in tasks]), n_folds, seed)
    mean = x.mean(0)
    std = x.std(0) + 1e-6
    xs = ((x - mean) / std).astype(np.float32)
    trained = np.flatnonzero(np.abs(head.weight).sum(0) > 0)
    logits = x @ head.weight[:, trained] + head.bias[trained]
    logit_mean, logit_std = logits.mean(0), logits.std(0) + 1e-6
    is_new = np.array([t.index is None for t in tasks], np.float32)
    # The old parameters expressed in standardized space, as the starting point and anchor.
    ws0 = w0 * std[:, None]
    bs0 = b0 + mean @ w0
    reps = n_folds + 1
    return _Problem(
        x=torch.from_numpy(xs),
        mean=mean,
        std=std,
        prior=torch.from_numpy(prior),
        has_prior=torch.from_numpy(has_prior),
        targets=torch.from_numpy(targets.astype(np.float32)),
        corrected=corrected,
        old_probability=old_p,
        old_threshold=old_thr,
        folds=folds,
        n_folds=n_folds,
        weights=torch.from_numpy(_column_weights(corrected, folds, n_folds)),
        init=(
            torch.from_numpy(np.tile(a0, reps)),
            torch.from_numpy(np.tile(ws0, (1, reps)).astype(np.float32)),
            torch.from_numpy(np.tile(bs0, reps).astype(np.float32)),
        ),
        logits=torch.from_numpy(((logits - logit_mean) / logit_std).astype(np.float32)),
        logit_weight=head.weight[:, trained].astype(np.float64),
        logit_bias=head.bias[trained].astype(np.float64),
        logit_mean=logit_mean,
        logit_std=logit_std,
        is_new=torch.from_numpy(np.tile(is_new, reps)),
    )


# -- optimisation -----------------------------------------------------------------------------


def _logits(
    problem: _Problem, a: torch.Tensor, w: torch.Tensor, b: torch.Tensor, beta: torch.Tensor
) -> torch.Tensor:
    reps = problem.n_folds + 1
    prior = problem.prior.repeat(1, reps) * problem.has_prior.repeat(reps)
    return a * prior + problem.x @ w + problem.logits @ (beta * problem.is_new) + b


def _held_out(problem: _Problem, z: torch.Tensor) -> np.ndarray:
    """[N, C] probabilities of each row from the fold model that did not see it."""
    c = problem.n_tags
    z = z.detach().numpy()
    rows = np.arange(len(problem.folds))
    out = np.empty((len(rows), c), dtype=np.float32)
    for j in range(c):
        out[:, j] = z[rows, problem.folds * c + j]
    return _sigmoid(out)


def _epoch_metrics(problem: _Problem, epoch: int, loss: float, z: torch.Tensor) -> EpochMetrics:
    held_out = _held_out(problem, z)
    y = problem.targets.numpy()
    mask = problem.corrected
    p = np.clip(held_out[mask], 1e-7, 1 - 1e-7)
    truth = y[mask]
    val_loss = float(-(truth * np.log(p) + (1 - truth) * np.log(1 - p)).mean())
    threshold = np.where(problem.old_threshold < 1, problem.old_threshold,
                         NEW_TAG_DEFAULT_THRESHOLD)
    decisions = held_out >= threshold
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
    a0, w0, b0 = problem.init
    a, w, b = (t.clone().requires_grad_(True) for t in problem.init)
    beta = torch.zeros(problem.logits.shape[1], w.shape[1], requires_grad=True)
    new = problem.is_new
    l2_w = l2 * (1 - new) + NEW_TAG_L2 * new
    c = problem.n_tags
    reps = problem.n_folds + 1
    hp = problem.has_prior.repeat(reps)
    y = problem.targets.repeat(1, reps)
    optimizer = torch.optim.LBFGS(
        [a, w, b, beta], max_iter=iterations, history_size=20, line_search_fn="strong_wolfe",
        tolerance_grad=1e-7, tolerance_change=1e-10,
    )
    last = {"loss": float("nan")}

    def closure() -> torch.Tensor:
        optimizer.zero_grad()
        z = _logits(problem, a, w, b, beta)
        bce = torch.nn.functional.binary_cross_entropy_with_logits(z, y, reduction="none")
        loss = (bce * problem.weights).sum()
        loss = loss + (l2_w * (w - w0) ** 2).sum() + l2 * (((a - a0) * hp) ** 2).sum()
        loss = loss + NEW_TAG_LOGIT_L2 * ((beta * new) ** 2).sum()
        loss.backward()
        last["loss"] = float(loss.detach())
        return loss

    history: list[EpochMetrics] = []
    previous = float("inf")
    for epoch in range(1, epochs + 1):
        if cancelled is not None and cancelled():
            raise Cancelled
        optimizer.step(closure)
        with torch.no_grad():
            z = _logits(problem, a, w, b, beta)
        # Reported per model (the sum over K+1 column groups, divided back).
        metrics = _epoch_metrics(problem, epoch, last["loss"] / reps, z)
        history.append(metrics)
        if on_epoch is not None:
            on_epoch(metrics)
        if abs(previous - last["loss"]) < 1e-6 * max(1.0, abs(previous)):
            break
        previous = last["loss"]
    final = slice(problem.n_folds * c, reps * c)
    with torch.no_grad():
        ws = w[:, final].numpy().astype(np.float64)
        bs = b[final].numpy().astype(np.float64)
        scale = (a[final] * problem.has_prior).numpy()
        betas = (beta[:, final] * problem.is_new[final]).numpy().astype(np.float64)
    # Back to raw embedding space; the old tags' logits are linear in the embedding too.
    scaled = betas / problem.logit_std[:, None]
    weight = ws / problem.std[:, None] + problem.logit_weight @ scaled
    bias = bs - (problem.mean / problem.std) @ ws
    bias = bias + (problem.logit_bias - problem.logit_mean) @ scaled
    return scale, weight, bias, _held_out(problem, z), history


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


NEW_TAG_RECALL = 0.8


def recall_threshold(
    scores: np.ndarray, truth: np.ndarray, weights: np.ndarray, fallback: float
) -> float:
    """For a new tag, where unlabelled photos are no evidence of absence (F1 against them
    either over- or under-shoots): the cut that finds NEW_TAG_RECALL of the held-out
    confirmed photos (an unbiased recall estimate when confirmed photos are a fair sample)."""
    positives = scores[truth > 0.5]
    if len(positives) == 0:
        return fallback
    return float(np.clip(np.quantile(positives, 1 - NEW_TAG_RECALL), *THRESHOLD_RANGE))


def _threshold_inputs(problem: _Problem, j: int) -> tuple[np.ndarray, np.ndarray]:
    """Truth and weights for tag j: corrections as given, other photos by the old decision
    (corrections weigh as much as all other photos together, as in the loss)."""
    corrected = problem.corrected[:, j]
    truth = np.where(
        corrected,
        problem.targets[:, j].numpy() > 0.5,
        problem.old_probability[:, j] >= problem.old_threshold[j],
    ).astype(np.float64)
    weights = np.where(
        corrected,
        CORRECTION_WEIGHT / max(int(corrected.sum()), 1),
        1.0 / max(int((~corrected).sum()), 1),
    )
    return truth, weights


def tag_report(
    problem: _Problem, task: TagTask, j: int, held_out: np.ndarray, final: np.ndarray
) -> tuple[TagReport, float]:
    """Per-tag verdict on the held-out corrections, and the tag's new threshold.

    Each fold's decisions use a threshold calibrated on the other folds only, so the error
    count is an honest held-out estimate; the shipped threshold uses all held-out scores."""
    truth, weights = _threshold_inputs(problem, j)
    fallback = (
        float(problem.old_threshold[j]) if task.index is not None else NEW_TAG_DEFAULT_THRESHOLD
    )
    scores = held_out[:, j]
    choose = recall_threshold if task.index is None else best_threshold
    threshold = choose(scores, truth, weights, fallback)
    rows, labels = task.rows, task.labels > 0.5
    fold_threshold = {
        f: choose(*(v[problem.folds != f] for v in (scores, truth, weights)), fallback)
        for f in np.unique(problem.folds[rows])
    }
    decided = np.array([scores[r] >= fold_threshold[problem.folds[r]] for r in rows])
    old_decided = problem.old_probability[rows, j] >= problem.old_threshold[j]
    untouched = ~problem.corrected[:, j]
    # AP needs held-out negatives: only rejections are known ones (unlabelled photos may show
    # a new tag), so it is reported where a tag has both confirmed and rejected photos.
    ap = average_precision(scores[rows], labels) if 0 < labels.sum() < len(labels) else None
    report = TagReport(
        tag=task.name,
        new=task.index is None,
        confirmed=int(labels.sum()),
        rejected=int((~labels).sum()),
        errors_before=int((old_decided != labels).sum()),
        errors_after=int((decided != labels).sum()),
        threshold_before=_finite(problem.old_threshold[j]) if task.index is not None else None,
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
    on_epoch: Callable[[EpochMetrics], None] | None = None,
    cancelled: Callable[[], bool] | None = None,
) -> FitResult:
    """The new head (old columns refitted, new tags appended), thresholds and verdicts."""
    problem = build_problem(x, head, thresholds, tasks, n_folds, seed)
    scale, weight, bias, held_out, history = optimise(
        problem, l2, epochs, on_epoch=on_epoch, cancelled=cancelled
    )
    final = _sigmoid(problem.prior.numpy() * scale + x @ weight + bias)
    new_head = _extend_head(head, tasks, scale, weight, bias)
    new_thresholds = np.concatenate(
        [thresholds, np.zeros(sum(t.index is None for t in tasks))]
    ).astype(np.float64)
    reports = []
    appended = len(thresholds)
    for j, task in enumerate(tasks):
        report, threshold = tag_report(problem, task, j, held_out, final)
        reports.append(report)
        column = task.index if task.index is not None else appended
        appended += task.index is None
        new_thresholds[column] = threshold
    return FitResult(new_head, new_thresholds, reports, history)


def _extend_head(
    head: HeadParameters,
    tasks: list[TagTask],
    scale: np.ndarray,
    weight: np.ndarray,
    bias: np.ndarray,
) -> HeadParameters:
    """Refitted columns replaced, new tags appended as columns with no ImageNet classes."""
    n_new = sum(t.index is None for t in tasks)
    out = head.with_new_columns(np.zeros((head.weight.shape[0], n_new)), np.zeros(n_new))
    column = head.n_tags
    for j, task in enumerate(tasks):
        t = task.index if task.index is not None else column
        column += task.index is None
        out.prior_scale[t] = scale[j]
        out.weight[:, t] = weight[:, j]
        out.bias[t] = bias[j]
    return out
