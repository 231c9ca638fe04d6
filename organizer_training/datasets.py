"""Labelled photo sets (``images/`` + ``labels.csv``) and a reproducible train/validation split."""

from __future__ import annotations

import csv
import os
from dataclasses import dataclass
from pathlib import Path

import numpy as np

# MIML near-duplicate pairs (file stems); each pair must land on one side of a split.
MIML_NEAR_DUPLICATES = [("37", "41"), ("337", "397"), ("1606", "1704"), ("1648", "1715")]


def default_data_dir() -> Path:
    """The shared data folder (photos/, metadata/, imagenet/): ORGANIZER_SHARED_DATA, or
    ../shared/data next to the repository."""
    override = os.environ.get("ORGANIZER_SHARED_DATA")
    if override:
        return Path(override)
    return Path(__file__).resolve().parent.parent.parent / "shared" / "data"


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


def _shuffled_units(
    paths: list[Path], seed: int, groups: list[tuple[str, str]]
) -> tuple[list[int], list[int]]:
    """(unit of each file, units in shuffled order): a unit is a file, or the files a group
    names together by stem."""
    stems = [p.stem for p in paths]
    group_of = {s: i for i, s in enumerate(stems)}
    for a, b in groups:
        if a in group_of and b in group_of:
            group_of[b] = group_of[a]
    unit_ids = sorted(set(group_of.values()))
    np.random.default_rng(seed).shuffle(unit_ids)
    return [group_of[s] for s in stems], unit_ids


def split_indices(
    paths: list[Path],
    validation_fraction: float,
    seed: int,
    groups: list[tuple[str, str]] = (),
) -> tuple[np.ndarray, np.ndarray]:
    """Shuffled split; files named in the same group (by stem) stay on the same side."""
    unit_of, unit_ids = _shuffled_units(paths, seed, groups)
    val_units = set(unit_ids[: round(len(unit_ids) * validation_fraction)])
    is_val = np.array([unit in val_units for unit in unit_of])
    return np.flatnonzero(~is_val), np.flatnonzero(is_val)


def fold_indices(
    paths: list[Path], folds: int, seed: int, groups: list[tuple[str, str]] = ()
) -> np.ndarray:
    """Fold number (0..folds-1) of every file for k-fold cross-validation: units (files, or
    groups of files named together by stem) are shuffled and dealt round-robin, so folds
    differ in size by at most one unit and a group never straddles two folds."""
    unit_of, unit_ids = _shuffled_units(paths, seed, groups)
    fold_of_unit = {unit: i % folds for i, unit in enumerate(unit_ids)}
    return np.array([fold_of_unit[unit] for unit in unit_of], dtype=np.int64)
