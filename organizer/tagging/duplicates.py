"""Duplicates the index already knows: exact copies (files with the same content hash) and near
duplicates (photos whose stored embeddings are almost the same picture: a burst, a re-saved
or retouched copy, the same scene shot twice).

Near duplicates are found without comparing every pair: each embedding, standardised with the
model's reference statistics (``embedding_stats.npz``: its training photos; else the library's,
which a small library estimates poorly) and normalised, gets ``BANDS`` signatures of ``BITS``
random-hyperplane signs (SimHash); photos that share a signature in any band are compared
exactly, and pairs with a cosine similarity of at least ``NEAR_SIMILARITY`` join one group. A
pair at the threshold shares a band with probability 0.96, one at 0.97 with 0.995, so few pairs
are missed while the work stays near-linear.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from organizer.errors import Cancelled
from organizer.library.store import Library
from organizer.tagging.embedding_index import EmbeddingIndex, StoredEmbeddings
from organizer.tagging.few_shot import EmbeddingStats

# Measured on the labelled photos (default-4 embeddings, docs/retraining.md): the same photo
# brightened 15% scores 0.98 in the median, the known MIML near-duplicate pairs 0.96-0.996;
# among 7,127 distinct photos 99% have no other photo at or above 0.97, 99.9% none above 0.99.
NEAR_SIMILARITY = 0.95
BITS = 16
BANDS = 16
MAX_NEIGHBOURS = 32
# A pair at the threshold differs in 10% of its 256 signs (26, standard deviation 4.8): a
# candidate differing in more than this is left out unseen (0.2% of such pairs).
MAX_DIFFERING_SIGNS = 40
_POPCOUNT = np.array([bin(i).count("1") for i in range(256)], dtype=np.uint8)
_SEED = 20240601
_BLOCK = 4096


# How far a search is: (stage, done, total), as the pipeline reports; here in percent.
Progress = Callable[[str, int, int], None]
STAGE = "finding duplicates"


class _Steps:
    """Reports the percentage done and stops the search when it is cancelled."""

    def __init__(self, progress: Progress | None, cancelled: threading.Event | None) -> None:
        self._progress = progress
        self._cancelled = cancelled

    def at(self, percent: float) -> None:
        if self._cancelled is not None and self._cancelled.is_set():
            raise Cancelled()
        if self._progress is not None:
            self._progress(STAGE, int(percent), 100)


@dataclass(frozen=True)
class DuplicateGroup:
    """Photos that are copies of one another (``exact``) or nearly the same picture.
    ``similarity``: the lowest of the pairs that joined the group (1.0 for exact copies)."""

    photo_ids: tuple[int, ...]
    exact: bool
    similarity: float


def find_duplicates(
    library: Library, index: EmbeddingIndex, embedding_dim: int | None,
    reference: EmbeddingStats | None = None, near: bool = True,
    progress: Progress | None = None, cancelled: threading.Event | None = None,
) -> list[DuplicateGroup]:
    """Exact copies first, then near duplicates among the embeddings of ``embedding_dim``
    columns, most alike first; a photo is in one group at most. The near search sees the first
    photo of each set of exact copies; a near group it is in takes the copies along (and is not
    exact). ``reference``: the model's embedding statistics. ``progress`` hears the percentage
    done; setting ``cancelled`` stops the search with Cancelled."""
    steps = _Steps(progress, cancelled)
    steps.at(0)
    exact = {ids[0]: tuple(ids) for ids in library.exact_duplicates()}
    if not near or embedding_dim is None:
        steps.at(100)
        return [DuplicateGroup(ids, True, 1.0) for ids in exact.values()]
    copies = {photo_id for ids in exact.values() for photo_id in ids[1:]}
    stored = index.current(library, embedding_dim)
    if reference is None or len(reference.mean) != embedding_dim:
        reference = stored.stats
    near_groups = []
    for group in near_duplicates(index, stored, reference, copies, steps):
        members = [pid for first in group.photo_ids for pid in exact.pop(first, (first,))]
        near_groups.append(DuplicateGroup(tuple(sorted(members)), False, group.similarity))
    steps.at(100)
    return [DuplicateGroup(ids, True, 1.0) for ids in exact.values()] + near_groups


def near_duplicates(
    index: EmbeddingIndex, stored: StoredEmbeddings, stats: EmbeddingStats, leave_out: set[int],
    steps: _Steps | None = None,
) -> list[DuplicateGroup]:
    """The near-duplicate groups; ``steps`` hears 10-20% for the signatures, 20-80% for the
    candidate pairs, 80-100% for their exact similarities (0-10%: reading the copies and
    embeddings before)."""
    steps = steps or _Steps(None, None)
    keep = np.flatnonzero(~np.isin(stored.ids, list(leave_out)))
    if len(keep) < 2:
        return []
    planes = np.random.default_rng(_SEED).standard_normal(
        (stored.matrix.shape[1], BITS * BANDS)).astype(np.float32)
    weights = 1 << np.arange(BITS, dtype=np.int64)
    unit = np.empty((len(keep), stored.matrix.shape[1]), dtype=np.float16)  # as stored: 2 B
    keys = np.empty((len(keep), BANDS), dtype=np.int64)  # one signature per band
    packed = np.empty((len(keep), BITS * BANDS // 8), dtype=np.uint8)  # every sign, 1 bit
    for start in range(0, len(keep), _BLOCK):
        steps.at(10 + 10 * start / len(keep))
        block = _unit(stored, stats, keep[start:start + _BLOCK])
        signs = block @ planes > 0
        unit[start:start + _BLOCK] = block
        keys[start:start + _BLOCK] = signs.reshape(-1, BANDS, BITS) @ weights
        packed[start:start + _BLOCK] = np.packbits(signs, axis=1)
    a, b = _candidates(keys, packed, steps)
    products = []
    for s in range(0, len(a), _BLOCK):
        steps.at(80 + 20 * s / len(a))
        products.append(index.row_products(unit[a[s:s + _BLOCK]], unit[b[s:s + _BLOCK]]))
    similarity = np.concatenate(products) if products else np.zeros(0)
    close = similarity >= NEAR_SIMILARITY
    return _groups(stored.ids[keep], a[close], b[close], similarity[close])


def _candidates(
    keys: np.ndarray, packed: np.ndarray, steps: _Steps
) -> tuple[np.ndarray, np.ndarray]:
    """Pairs of rows (low, high; each once) that share a signature in some band and differ
    in at most ``MAX_DIFFERING_SIGNS`` signs (the share of differing signs estimates the
    angle, so pairs far below the threshold go before their embeddings are compared). Within
    a bucket each row meets its next ``MAX_NEIGHBOURS`` in key order, so a bucket of thousands
    of look-alikes (blank frames) costs linear, not quadratic, work; they still chain into one
    group."""
    n = len(keys)
    found = []
    bands = keys.shape[1]
    for band in range(bands):
        steps.at(20 + 60 * band / bands)
        # Within a bucket, rows are ordered by the next bands' signatures (not by row number,
        # the same in every band): look-alikes far apart in one band meet in another.
        order = np.lexsort(tuple(keys[:, (band + k) % bands] for k in (2, 1, 0)))
        sorted_keys = keys[order, band]
        for step in range(1, MAX_NEIGHBOURS + 1):
            same = np.flatnonzero(sorted_keys[:-step] == sorted_keys[step:])
            if not len(same):
                break
            first, second = order[same], order[same + step]
            differing = _POPCOUNT[packed[first] ^ packed[second]].sum(axis=1, dtype=np.int64)
            close = differing <= MAX_DIFFERING_SIGNS
            first, second = first[close], second[close]
            found.append(np.minimum(first, second) * n + np.maximum(first, second))
    if not found:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
    pairs = np.unique(np.concatenate(found))
    return pairs // n, pairs % n


def _unit(stored: StoredEmbeddings, stats: EmbeddingStats, rows: np.ndarray) -> np.ndarray:
    """Standardised, normalised float32 rows."""
    z = ((stored.matrix[rows].astype(np.float32) - stats.mean.astype(np.float32))
         / stats.scale.astype(np.float32))
    return z / np.maximum(np.linalg.norm(z, axis=1, keepdims=True), 1e-12)


def _groups(ids: np.ndarray, a: np.ndarray, b: np.ndarray, similarity: np.ndarray
            ) -> list[DuplicateGroup]:
    """Connected groups of the pairs (rows ``a``-``b`` of ``ids``), most alike first."""
    label = np.arange(len(ids))
    while True:  # hook: each linked pair's roots take the lower of the two, then compress
        root_a, root_b = label[a], label[b]
        if np.array_equal(root_a, root_b):
            break
        low = np.minimum(root_a, root_b)
        np.minimum.at(label, root_a, low)
        np.minimum.at(label, root_b, low)
        while not np.array_equal(label, label[label]):
            label = label[label]
    linked = np.unique(np.concatenate([a, b]))
    lowest: dict[int, float] = {}
    for group, value in zip(label[a].tolist(), similarity.tolist(), strict=True):
        lowest[group] = min(lowest.get(group, 1.0), value)
    members: dict[int, list[int]] = {}
    for row in linked.tolist():
        members.setdefault(int(label[row]), []).append(int(ids[row]))
    groups = [DuplicateGroup(tuple(sorted(photo_ids)), False, lowest[group])
              for group, photo_ids in members.items()]
    return sorted(groups, key=lambda g: (-g.similarity, g.photo_ids))
