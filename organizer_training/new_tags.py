"""The user's own tags in a retrained head: nearest-centroid columns (organizer.tagging.few_shot)
instead of a classifier fitted on a handful of examples. No torch.

A new tag gets a column appended; a user tag an earlier retraining added gets its column
recomputed from all its confirmed photos, the same way (refitting it as a classifier moved
"wc" from threshold 0.5 to 0.10 and from 5% to 13% of a library on its second retraining)."""

from __future__ import annotations

import numpy as np

from organizer.tagging import few_shot
from organizer_training.retrain_results import FitResult, TagReport, TagTask


def add_new_tags(fit: FitResult, embeddings: np.ndarray, tasks: list[TagTask]) -> FitResult:
    """``fit`` with a centroid column per task: appended for a new tag (``index`` None), in
    place for a user tag the head has; ``embeddings`` are the training photos (the corrected
    ones and a sample of the library, as ``organizer train`` reads them)."""
    if not tasks:
        return fit
    # The library as the user's photos are: the training sample holds every corrected photo.
    corrected_any = np.zeros(len(embeddings), bool)
    for task in tasks:
        corrected_any[task.rows] = True
    library = embeddings[~corrected_any] if (~corrected_any).any() else embeddings
    stats = few_shot.EmbeddingStats.of(library)
    head = fit.head
    columns: list[tuple[np.ndarray, float]] = []
    thresholds: list[float] = []  # NaN: never suggested on its own
    reports = list(fit.reports)
    for task in tasks:
        positives = embeddings[task.rows[task.labels == 1]]
        negatives = embeddings[task.rows[task.labels == 0]]
        tag = few_shot.centroid_tag(stats, positives, library, negatives)
        columns.append(tag.head_column())
        loo = few_shot.leave_one_out_scores(stats, positives, negatives)
        shown = tag.shown(embeddings)
        thresholds.append(0.5 if tag.coherent else np.nan)
        corrected = np.zeros(len(embeddings), bool)
        corrected[task.rows] = True
        before = _shown_before(fit, embeddings, task)
        reports.append(
            TagReport(
                tag=task.name,
                new=task.index is None,
                confirmed=len(positives),
                rejected=len(negatives),
                errors_before=int((before[task.rows] != (task.labels == 1)).sum()),
                errors_after=int((loo < tag.threshold).sum()) if len(loo) else 0,
                threshold_before=(None if task.index is None
                                  or not np.isfinite(fit.thresholds[task.index])
                                  else float(fit.thresholds[task.index])),
                threshold_after=0.5 if tag.coherent else None,
                held_out_ap=None,
                suggested_before=float(before[~corrected].mean()),
                suggested_after=float(shown[~corrected].mean()),
            )
        )
    appended = [i for i, task in enumerate(tasks) if task.index is None]
    head = head.with_new_columns(
        np.stack([columns[i][0] for i in appended], axis=1) if appended
        else np.zeros((head.weight.shape[0], 0), np.float32),
        np.array([columns[i][1] for i in appended], dtype=np.float32))
    all_thresholds = np.concatenate([fit.thresholds, [thresholds[i] for i in appended]])
    for i, task in enumerate(tasks):
        if task.index is not None:
            head.weight[:, task.index] = columns[i][0]
            head.bias[task.index] = columns[i][1]
            all_thresholds[task.index] = thresholds[i]
    return FitResult(head, all_thresholds, reports, fit.history)


def _shown_before(fit: FitResult, embeddings: np.ndarray, task: TagTask) -> np.ndarray:
    """Where the head before this step shows the task's tag (nowhere, for a new tag). A user
    tag's column reads the embedding alone (no ImageNet prior: with_new_columns)."""
    if task.index is None or not np.isfinite(fit.thresholds[task.index]):
        return np.zeros(len(embeddings), bool)
    z = embeddings.astype(np.float64) @ fit.head.weight[:, task.index] + fit.head.bias[task.index]
    return z >= np.log(fit.thresholds[task.index] / (1 - fit.thresholds[task.index]))
