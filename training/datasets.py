"""Labelled photo sets (``images/`` + ``labels.csv``) and a reproducible train/validation split."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

import numpy as np

# MIML near-duplicate pairs (file stems); each pair must land on one side of a split.
MIML_NEAR_DUPLICATES = [("37", "41"), ("337", "397"), ("1606", "1704"), ("1648", "1715")]


@dataclass(frozen=True)
class LabelledSet:
    name: str
    paths: list[Path]
    labels: list[set[str]]


def read_labelled_set(root: Path, limit: int | None = None) -> LabelledSet:
    """Read ``root/labels.csv`` (file,labels with ';'-joined labels) in file order."""
    paths: list[Path] = []
    labels: list[set[str]] = []
    with open(root / "labels.csv", newline="", encoding="utf-8") as f:
        for row in csv.DictReader(f):
            paths.append(root / "images" / row["file"])
            labels.append({lab.strip() for lab in row["labels"].split(";") if lab.strip()})
    if limit is not None:
        paths, labels = paths[:limit], labels[:limit]
    return LabelledSet(root.name, paths, labels)


def split_indices(
    paths: list[Path],
    validation_fraction: float,
    seed: int,
    groups: list[tuple[str, str]] = (),
) -> tuple[np.ndarray, np.ndarray]:
    """Shuffled split; files named in the same group (by stem) stay on the same side."""
    stems = [p.stem for p in paths]
    group_of = {s: i for i, s in enumerate(stems)}
    for a, b in groups:
        if a in group_of and b in group_of:
            group_of[b] = group_of[a]
    unit_ids = sorted(set(group_of.values()))
    rng = np.random.default_rng(seed)
    rng.shuffle(unit_ids)
    n_val_units = round(len(unit_ids) * validation_fraction)
    val_units = set(unit_ids[:n_val_units])
    is_val = np.array([group_of[s] in val_units for s in stems])
    return np.flatnonzero(~is_val), np.flatnonzero(is_val)
