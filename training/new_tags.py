"""The user's new tags in a retrained head: nearest-centroid columns (organizer.tagging.few_shot)
instead of a classifier fitted on a handful of examples. No torch."""

from __future__ import annotations

import numpy as np

from organizer.tagging import few_shot
from training.retrain_results import FitResult, TagReport, TagTask


def add_new_tags(fit: FitResult, embeddings: np.ndarray, tasks: list[TagTask]) -> FitResult:
    """``fit`` with one column appended per new tag; ``embeddings`` are the training photos
    (the corrected ones and a sample of the library, as ``organizer train`` reads them)."""
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
        reports.append(
            TagReport(
                tag=task.name,
                new=True,
                confirmed=len(positives),
                rejected=len(negatives),
                errors_before=len(positives),  # the old model has no such tag
                errors_after=int((loo < tag.threshold).sum()) if len(loo) else 0,
                threshold_before=None,
                threshold_after=0.5 if tag.coherent else None,
                held_out_ap=None,
                suggested_before=0.0,
                suggested_after=float(shown[~corrected].mean()),
            )
        )
    weights = np.stack([w for w, _ in columns], axis=1).astype(np.float32)
    biases = np.array([b for _, b in columns], dtype=np.float32)
    extended = head.with_new_columns(weights, biases)
    return FitResult(extended, np.concatenate([fit.thresholds, thresholds]), reports,
                     fit.history)
