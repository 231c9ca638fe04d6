"""K-fold cross-validation of the bundle's heads: the L2 strength, out-of-fold scores, per-tag
thresholds, and metrics in which no image is scored by a head that saw its labels.

Every labelled image is in exactly one fold. For each fold, heads are fitted on the other folds
and score the held-out one; the shipped heads are then fitted on all images. Thresholds for the
shipped bundle are calibrated on all out-of-fold scores; the F1 and accuracy reported for fold k
use thresholds calibrated on the other folds' out-of-fold scores only. So fold k's labels never
set its own thresholds, though the heads behind the other folds' scores did train on fold k, and
one L2 strength among a handful is chosen on the same folds: close to held-out, not strictly.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from organizer.tagging.evaluation import TagLookup, average_precision, evaluate
from training.head import fit_logistic_heads


@dataclass
class LabelledImages:
    """All labelled images of all photo sets, stacked."""

    x: np.ndarray  # [N, D] embeddings
    prior: np.ndarray  # [N, T] ImageNet prior logits
    labels: np.ndarray  # [N, T] 0/1
    known: np.ndarray  # [N, T] 1 where the image's set says anything about the tag
    set_of: np.ndarray  # [N] index into set_names
    fold_of: np.ndarray  # [N]
    set_names: list[str]

    @property
    def folds(self) -> int:
        return int(self.fold_of.max()) + 1


@dataclass
class GroupFit:
    cols: list[int]
    l2: float
    cv_mean_ap: dict[str, float]  # per L2 candidate
    oof_logits: np.ndarray  # [N, len(cols)], rows outside the group are 0
    scale: np.ndarray
    weight: np.ndarray
    bias: np.ndarray


def tag_groups(
    trained: np.ndarray, data: LabelledImages, tag_names: list[str]
) -> dict[str, list[int]]:
    """Trained tags grouped by which images know them, named by their photo sets and tags.

    The loss is separate per tag and only known images count, so each group is fitted on its
    own rows, which is much cheaper than one fit over every image."""
    groups: dict[bytes, list[int]] = {}
    for t in trained:
        groups.setdefault(data.known[:, t].tobytes(), []).append(int(t))
    named: dict[str, list[int]] = {}
    for cols in groups.values():
        rows = data.known[:, cols[0]] > 0
        owners = "+".join(data.set_names[i] for i in sorted(set(data.set_of[rows].tolist())))
        shown = ", ".join(tag_names[c] for c in cols[:3]) + (", ..." if len(cols) > 3 else "")
        named[f"{owners}: {shown}"] = cols
    return named


def fit_group(
    data: LabelledImages, cols: list[int], has_prior: np.ndarray, l2_grid: Sequence[float],
    max_iter: int,
) -> GroupFit:
    """Out-of-fold logits for each L2 candidate, the best by mean AP, then the final fit on
    every image of the group."""
    rows = data.known[:, cols[0]] > 0
    hp = has_prior[cols].astype(np.float32)

    def fit(mask: np.ndarray, l2: float) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        return fit_logistic_heads(data.x[mask], data.prior[mask][:, cols],
                                  data.labels[mask][:, cols], data.known[mask][:, cols], hp, l2,
                                  max_iter=max_iter)

    best: tuple[float, float, np.ndarray] | None = None
    scores: dict[str, float] = {}
    for l2 in l2_grid:
        oof = np.zeros((len(data.x), len(cols)))
        for k in range(data.folds):
            train, held_out = rows & (data.fold_of != k), rows & (data.fold_of == k)
            scale, weight, bias = fit(train, l2)
            oof[held_out] = (scale * data.prior[held_out][:, cols] + data.x[held_out] @ weight
                             + bias)
        aps = [average_precision(oof[rows, j], data.labels[rows, c] > 0)
               for j, c in enumerate(cols)]
        scores[str(l2)] = float(np.nanmean(aps)) if not np.all(np.isnan(aps)) else float("nan")
        if best is None or scores[str(l2)] > best[0]:
            best = (scores[str(l2)], l2, oof)
    assert best is not None
    scale, weight, bias = fit(rows, best[1])
    return GroupFit(cols, best[1], scores, best[2], scale, weight, bias)


def calibrated_thresholds(
    scores: np.ndarray, data: LabelledImages, rows: np.ndarray, defaults: np.ndarray,
    calibrate: Callable[[np.ndarray, np.ndarray, float], float],
) -> np.ndarray:
    """Per-tag thresholds from the scores of the given rows (images that know the tag)."""
    thresholds = defaults.astype(np.float64).copy()
    for t in range(scores.shape[1]):
        known = rows & (data.known[:, t] > 0)
        if known.any():
            thresholds[t] = calibrate(scores[known, t], data.labels[known, t] > 0, defaults[t])
    return thresholds


def set_metrics(
    data: LabelledImages, set_index: int, oof: np.ndarray, imagenet_only: np.ndarray,
    held_out_thresholds: np.ndarray, image_labels: list[set[str]], tag_names: list[str],
    lookup: TagLookup,
) -> dict:
    """One photo set's cross-validated report: mAP per fold (mean, min, max), per-label AP
    averaged over the folds that hold positives, F1 and accuracy from the pooled decisions, each
    image at the thresholds calibrated without its fold (``held_out_thresholds`` [N, T]). Every
    label of the set counts in every fold: a fold without positives of a label still contributes
    its false positives."""
    in_set = np.flatnonzero(data.set_of == set_index)
    fold = data.fold_of[in_set]
    pooled = evaluate(oof[in_set], tag_names, held_out_thresholds[in_set], image_labels, lookup)

    def per_fold(scores: np.ndarray, k: int):
        rows = np.flatnonzero(fold == k)
        return evaluate(scores[in_set[rows]], tag_names, held_out_thresholds[in_set[rows]],
                        [image_labels[i] for i in rows], lookup)

    reports = [per_fold(oof, k) for k in range(data.folds)]
    baselines = [per_fold(imagenet_only, k) for k in range(data.folds)]
    per_label = {}
    for label, v in sorted(pooled.per_label.items()):
        aps = [r.per_label[label]["AP"] for r in reports if label in r.per_label]
        aps = [a for a in aps if not np.isnan(a)]
        per_label[label] = {"tag": v["tag"], "AP": round(float(np.mean(aps)), 4) if aps else None,
                            "positives": v["positives"], "f1": round(v["f1"], 4),
                            "accuracy": round(v["accuracy"], 4)}
    evaluated = [v for v in per_label.values() if v["positives"] > 0]
    fold_maps = [r.mean_average_precision for r in reports]
    return {
        "images": len(in_set),
        "folds": data.folds,
        "mAP": round(float(np.nanmean(fold_maps)), 4),
        "mAP_per_fold": [round(m, 4) for m in fold_maps],
        "mAP_imagenet_only": round(float(np.nanmean(
            [r.mean_average_precision for r in baselines])), 4),
        "labels_evaluated": len(evaluated),
        "micro_f1": round(pooled.micro_f1, 4),
        "macro_f1": round(pooled.macro_f1, 4),
        "mean_binary_accuracy": round(float(np.mean([v["accuracy"] for v in evaluated])), 4)
        if evaluated else None,
        "per_label": per_label,
        "unmatched": pooled.unmatched,
    }


def derived_tag_metrics(
    data: LabelledImages, oof: np.ndarray, held_out_thresholds: np.ndarray, cols: list[int],
    tag_names: list[str],
) -> dict:
    """Tags whose labels are known on some images of a set only (derived, not in the set's
    labels): per set with both outcomes among its known images, AP over those images (pooled
    out-of-fold scores) and accuracy at thresholds calibrated without the scored fold."""
    result: dict = {}
    for t in cols:
        per_set = {}
        for i, name in enumerate(data.set_names):
            rows = (data.set_of == i) & (data.known[:, t] > 0)
            truth = data.labels[rows, t] > 0
            if truth.all() or not truth.any():
                continue
            predicted = oof[rows, t] >= held_out_thresholds[rows, t]
            per_set[name] = {
                "images": int(rows.sum()),
                "positives": int(truth.sum()),
                "AP": round(average_precision(oof[rows, t], truth), 4),
                "accuracy": round(float((predicted == truth).mean()), 4),
            }
        result[tag_names[t]] = per_set
    return result


def absent_tag_suggestions(
    data: LabelledImages, set_index: int, oof: np.ndarray, held_out_thresholds: np.ndarray,
    cols: list[int], tag_names: list[str],
) -> dict:
    """How often held-out photos get a tag their set says they cannot have (a COCO object on
    a MIML landscape), counted where the photo is a known negative for it: out-of-fold scores
    at thresholds calibrated without the scored fold."""
    rows = np.flatnonzero(data.set_of == set_index)
    negative = (data.known[rows][:, cols] > 0) & (data.labels[rows][:, cols] == 0)
    suggested = (oof[rows] >= held_out_thresholds[rows])[:, cols] & negative
    counts = {tag_names[c]: int(n) for c, n in zip(cols, suggested.sum(0), strict=True) if n}
    return {"photos": len(rows), "tags_checked": len(cols),
            "photos_with_any": int(suggested.any(1).sum()),
            "by_tag": dict(sorted(counts.items(), key=lambda kv: -kv[1]))}
