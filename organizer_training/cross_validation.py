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
import torch

from organizer.tagging.evaluation import TagLookup, average_precision, evaluate
from organizer_training.head import fit_logistic_heads
from organizer_training.thresholds import ThresholdChoice


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
class TagFit:
    """Heads for the trained tags ``cols``: out-of-fold logits at the chosen L2 strengths and
    the final fit on every image."""

    cols: list[int]
    l2: np.ndarray  # [len(cols)] chosen strength per column
    cv_mean_ap: dict[str, dict[str, float]]  # per group of tags, per L2 candidate
    group_l2: dict[str, float]
    oof_logits: np.ndarray  # [N, len(cols)]; rows a column does not know are meaningless
    scale: np.ndarray
    weight: np.ndarray
    bias: np.ndarray


def _sources(data: LabelledImages, col: int) -> list[int]:
    """The sets with labelled positives of tag ``col``."""
    return sorted(set(data.set_of[(data.known[:, col] > 0) & (data.labels[:, col] > 0)].tolist()))


def tag_groups(
    trained: Sequence[int], data: LabelledImages, tag_names: list[str]
) -> dict[str, list[int]]:
    """Trained tags grouped by the photo sets that label them, named by those sets and tags:
    one L2 strength is chosen per group (a tag's own few positives would make a noisy
    choice)."""
    groups: dict[tuple[int, ...], list[int]] = {}
    for t in trained:
        groups.setdefault(tuple(_sources(data, int(t))), []).append(int(t))
    named: dict[str, list[int]] = {}
    for owners, cols in groups.items():
        sets = "+".join(data.set_names[i] for i in owners)
        shown = ", ".join(tag_names[c] for c in cols[:3]) + (", ..." if len(cols) > 3 else "")
        named[f"{sets}: {shown}"] = cols
    return named


def _fit(data: LabelledImages, rows: np.ndarray, cols: list[int], hp: np.ndarray,
         l2: float | np.ndarray, max_iter: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    return fit_logistic_heads(data.x[rows], data.prior[rows][:, cols], data.labels[rows][:, cols],
                              data.known[rows][:, cols], hp, l2, max_iter=max_iter,
                              dtype=torch.float32)


def _logits(data: LabelledImages, rows: np.ndarray, cols: list[int],
            fit: tuple[np.ndarray, np.ndarray, np.ndarray]) -> np.ndarray:
    scale, weight, bias = fit
    return scale * data.prior[rows][:, cols] + data.x[rows] @ weight + bias


def fit_tags(
    data: LabelledImages, groups: dict[str, list[int]], has_prior: np.ndarray,
    l2_grid: Sequence[float], max_iter: int, log: Callable[[str], None] = lambda _: None,
) -> TagFit:
    """All trained tags at once (the loss is separate per tag and masked to the photos whose
    set knows it, so one joint fit equals one fit per tag): out-of-fold logits for each L2
    candidate, per group the candidate with the best mean AP, then the final fit on every
    image with each column at its group's strength."""
    cols = [c for group in groups.values() for c in group]
    hp = has_prior[cols].astype(np.float32)
    oof_by_l2 = {}
    for l2 in l2_grid:
        oof = np.zeros((len(data.x), len(cols)))
        for k in range(data.folds):
            held_out = data.fold_of == k
            oof[held_out] = _logits(data, held_out, cols,
                                    _fit(data, ~held_out, cols, hp, l2, max_iter))
        oof_by_l2[l2] = oof
        log(f"L2 {l2}: {data.folds} folds fitted")
    position = {c: j for j, c in enumerate(cols)}
    chosen = np.zeros(len(cols))
    chosen_oof = np.zeros((len(data.x), len(cols)))
    scores: dict[str, dict[str, float]] = {}
    group_l2: dict[str, float] = {}
    for name, group in groups.items():
        scores[name] = {}
        for l2, oof in oof_by_l2.items():
            aps = [average_precision(oof[data.known[:, c] > 0, position[c]],
                                     data.labels[data.known[:, c] > 0, c] > 0) for c in group]
            scores[name][str(l2)] = (float(np.nanmean(aps)) if not np.all(np.isnan(aps))
                                     else float("nan"))
        best = max(oof_by_l2, key=lambda l2: np.nan_to_num(scores[name][str(l2)], nan=-1))
        group_l2[name] = best
        for c in group:
            chosen[position[c]] = best
            chosen_oof[:, position[c]] = oof_by_l2[best][:, position[c]]
    everything = np.ones(len(data.x), dtype=bool)
    scale, weight, bias = _fit(data, everything, cols, hp, chosen, max_iter)
    return TagFit(cols, chosen, scores, group_l2, chosen_oof, scale, weight, bias)


def choose_thresholds(
    scores: np.ndarray, data: LabelledImages, rows: np.ndarray,
    choose: Callable[[np.ndarray, np.ndarray], ThresholdChoice],
) -> list[ThresholdChoice]:
    """Per tag, the threshold chosen on the scores of the given rows that know the tag."""
    choices = []
    for t in range(scores.shape[1]):
        known = rows & (data.known[:, t] > 0)
        choices.append(choose(scores[known, t], data.labels[known, t] > 0))
    return choices


def as_thresholds(choices: Sequence[ThresholdChoice]) -> np.ndarray:
    """Thresholds [T] with ``inf`` for tags not suggested."""
    return np.array([np.inf if c.threshold is None else c.threshold for c in choices])


def leave_one_source_out_scores(
    data: LabelledImages, fit: TagFit, has_prior: np.ndarray, max_iter: int,
    log: Callable[[str], None] = lambda _: None,
) -> np.ndarray:
    """[N, T] probabilities for tags that two or more sets label, each photo scored by heads
    fitted without its own set (a source the heads never saw, as a user's photos are); NaN
    for other tags and for sets without positives of the tag."""
    cols = fit.cols
    hp = has_prior[cols].astype(np.float32)
    shared = {c: sets for c in cols if len(sets := _sources(data, c)) >= 2}
    scores = np.full(data.labels.shape, np.nan)
    for s in sorted({s for sets in shared.values() for s in sets}):
        in_set = data.set_of == s
        logits = _logits(data, in_set, cols, _fit(data, ~in_set, cols, hp, fit.l2, max_iter))
        for j, c in enumerate(cols):
            if s in shared.get(c, ()):
                scores[in_set, c] = 1.0 / (1.0 + np.exp(-logits[:, j]))
        log(f"left out {data.set_names[s]}")
    return scores


def leave_one_source_out(
    data: LabelledImages, scores: np.ndarray, thresholds: np.ndarray, tag_names: list[str],
) -> dict:
    """Per tag and left-out set (``leave_one_source_out_scores``): the set's positives, the
    recall at the shipped threshold and, where the set also labels photos without the tag, AP
    and precision among its own photos."""
    result: dict[str, dict[str, dict]] = {}
    for c in range(scores.shape[1]):
        for s in _sources(data, c):
            rows = (data.set_of == s) & (data.known[:, c] > 0) & ~np.isnan(scores[:, c])
            if not rows.any():
                continue
            truth = data.labels[rows, c] > 0
            predicted = scores[rows, c] >= thresholds[c]
            entry = {"photos": int(rows.sum()), "positives": int(truth.sum()),
                     "recall": round(float(predicted[truth].mean()), 4)}
            if not truth.all():
                entry["AP"] = round(average_precision(scores[rows, c], truth), 4)
                entry["precision"] = (round(float(truth[predicted].mean()), 4)
                                      if predicted.any() else None)
            result.setdefault(tag_names[c], {})[data.set_names[s]] = entry
    return dict(sorted(result.items()))


def merged_sets_metrics(
    data: LabelledImages, set_indices: Sequence[int], oof: np.ndarray, tag_names: list[str],
    min_positives: int = 1,
) -> dict:
    """The photos of several sets as one set: a tag's positives are the photos labelled with
    it, and every other photo of these sets counts as a negative (the other sources' photos
    give each label negatives it was never trained on as such). AP per tag from out-of-fold
    scores."""
    rows = np.isin(data.set_of, list(set_indices))
    truth = (data.labels[rows] > 0) & (data.known[rows] > 0)
    per_tag = {}
    for t in np.flatnonzero(truth.sum(0) >= min_positives):
        per_tag[tag_names[t]] = {"positives": int(truth[:, t].sum()),
                                 "AP": round(average_precision(oof[rows, t], truth[:, t]), 4)}
    aps = [v["AP"] for v in per_tag.values()]
    return {"sets": [data.set_names[i] for i in set_indices], "photos": int(rows.sum()),
            "labels": len(per_tag), "mAP": round(float(np.mean(aps)), 4) if aps else None,
            "per_tag": dict(sorted(per_tag.items(), key=lambda kv: -kv[1]["AP"]))}


def set_metrics(
    data: LabelledImages, in_set: np.ndarray, oof: np.ndarray, imagenet_only: np.ndarray,
    held_out_thresholds: np.ndarray, image_labels: list[set[str]], tag_names: list[str],
    lookup: TagLookup,
) -> dict:
    """The cross-validated report on the images ``in_set`` (row indices; one photo set, or
    several with the same vocabulary): mAP per fold (mean, min, max), per-label AP
    averaged over the folds that hold positives, F1 and accuracy from the pooled decisions, each
    image at the thresholds calibrated without its fold (``held_out_thresholds`` [N, T]). Every
    label of the set counts in every fold: a fold without positives of a label still contributes
    its false positives."""
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
                            "positives": v["positives"], "precision": round(v["precision"], 4),
                            "recall": round(v["recall"], 4), "f1": round(v["f1"], 4),
                            "accuracy": round(v["accuracy"], 4)}
    evaluated = [v for v in per_label.values() if v["positives"] > 0]
    tp = sum(v["tp"] for v in pooled.per_label.values() if v["positives"])
    fp = sum(v["fp"] for v in pooled.per_label.values() if v["positives"])
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
        "micro_precision": round(tp / (tp + fp), 4) if tp + fp else None,
        "suggestions_per_image": round((tp + fp) / len(in_set), 4),
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
