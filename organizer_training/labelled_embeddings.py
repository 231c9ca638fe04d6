"""Embeddings of every labelled photo set in ../shared/data/photos, as the active model stores
them in a library: the common input of the few-shot measurements. Cached in one .npz file."""

from __future__ import annotations

import argparse
import csv
import json
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from organizer.tagging.bundle import ModelBundle
from organizer.tagging.engine import TaggingEngine
from organizer_training.datasets import default_data_dir

REPO = Path(__file__).resolve().parent.parent


def add_data_arguments(parser: argparse.ArgumentParser) -> None:
    """--photos (the labelled sets) and --cache (their embeddings), for the measurements."""
    parser.add_argument("--photos", type=Path, default=default_data_dir() / "photos")
    parser.add_argument("--cache", type=Path, default=REPO / ".cache" / "labelled-embeddings.npz")


@dataclass
class LabelledEmbeddings:
    sets: np.ndarray  # [N] set name of each photo
    files: np.ndarray  # [N] file name inside the set
    labels: list[frozenset[str]]  # [N] the set's labels of each photo (lower case)
    embeddings: np.ndarray  # [N, D] float32

    def positives(self, label: str, in_set: str | None = None) -> np.ndarray:
        """Rows carrying ``label`` (in ``in_set`` only, when given)."""
        has = np.array([label in row for row in self.labels])
        if in_set is not None:
            has &= self.sets == in_set
        return np.flatnonzero(has)


def read_sets(photos_dir: Path) -> list[tuple[str, Path, frozenset[str]]]:
    """(set name, image path, labels) for every labelled photo; sets sorted by name."""
    found = []
    for labels_file in sorted(photos_dir.glob("*/labels.csv")):
        folder = labels_file.parent
        with open(labels_file, newline="", encoding="utf-8") as handle:
            for row in csv.DictReader(handle):
                labels = frozenset(x.strip().lower() for x in row["labels"].split(";") if x)
                found.append((folder.name, folder / "images" / row["file"], labels))
    return found


def labelled_embeddings(photos_dir: Path, bundle: ModelBundle, cache: Path) -> LabelledEmbeddings:
    """Embed every labelled photo with ``bundle`` (or read the cache made by the same bundle)."""
    entries = read_sets(photos_dir)
    if cache.is_file():
        with np.load(cache, allow_pickle=False) as data:
            if str(data["version"]) == bundle.version and len(data["files"]) == len(entries):
                return LabelledEmbeddings(
                    data["sets"],
                    data["files"],
                    [frozenset(json.loads(x)) for x in data["labels"]],
                    data["embeddings"],
                )
    engine = TaggingEngine(bundle, use_gpu=False)
    embeddings, keep = [], []
    for index, result in enumerate(engine.tag_files(path for _, path, _ in entries)):
        if result.error is None:
            embeddings.append(result.embedding.astype(np.float32))
            keep.append(index)
    sets = np.array([entries[i][0] for i in keep])
    files = np.array([entries[i][1].name for i in keep])
    labels = [entries[i][2] for i in keep]
    stacked = np.stack(embeddings)
    cache.parent.mkdir(parents=True, exist_ok=True)
    np.savez(
        cache,
        version=bundle.version,
        sets=sets,
        files=files,
        labels=np.array([json.dumps(sorted(x)) for x in labels]),
        embeddings=stacked,
    )
    return LabelledEmbeddings(sets, files, labels, stacked)
