"""Tag queries answered from in-memory bitmaps of each tag's photos.

At a million photos SQLite spends 100-250 ms merging the index rows of a broad query
(``person AND outdoor``, ``NOT person``) before Python sees one id. A bitmap per tag answers
the same query in a few milliseconds. Reading a tag's photos costs about 100 ms per 650,000
rows, once per change of that tag: the per-tag change counters of migration 6 say when a
bitmap is stale, in any process. Measured in bench/bench_search.py.
"""

from __future__ import annotations

import sqlite3
import threading
from collections import OrderedDict
from collections.abc import Iterator, Sequence
from functools import reduce
from typing import Protocol

import numpy as np

from organizer.library.query import VISIBLE, And, Constant, Not, Or, Resolved

# Bitmaps of the tags used least lately are dropped beyond this size (a tag's bitmap is
# 125 KB at a million photos, so this holds about 500 tags).
BUDGET_BYTES = 64 * 1024 * 1024
# The key of the bitmap of every photo, which a NOT needs.
ALL_PHOTOS = -1

_TAG_IDS = f"SELECT photo_id FROM photo_tags WHERE tag_id = ? AND {VISIBLE}"
_TERM_IDS = (
    "SELECT DISTINCT photo_id FROM photo_tags"
    f" WHERE tag_id IN (SELECT value FROM json_each(?)) AND {VISIBLE}"
)
# A term naming more tags than this (a tag with a big subtree) is read as one bitmap each
# time, not kept as a bitmap per tag: hundreds of them would crowd out everything else.
MAX_CACHED_TERM = 16
_PHOTO_IDS = "SELECT id FROM photos"
# A tag id, or the tag ids of one big term.
Key = int | tuple[int, ...]


class Executes(Protocol):
    """A connection, or the Database wrapping one (which words SQLite's errors)."""

    def execute(self, sql: str, params: list, /) -> sqlite3.Cursor: ...


class TagSets:
    """The bitmaps read so far, each with the change count it was read at.

    One per library in a process, shared by its connections (the app's worker threads each
    open their own): any connection inside a read transaction can check and refresh them.
    ``source`` names the database file they were read from: another file (a library
    restored under a running process) starts afresh, as its counts are not comparable.
    """

    def __init__(self, budget_bytes: int = BUDGET_BYTES) -> None:
        self._budget = budget_bytes
        self._cached: OrderedDict[int, tuple[int, np.ndarray]] = OrderedDict()
        self._source: object = None
        self._lock = threading.Lock()

    def mask(
        self, db: sqlite3.Connection, resolved: Resolved, source: object = None
    ) -> np.ndarray:
        """Whether each photo id matches ``resolved``, as booleans indexed by id (ids past
        the end do not match). ``db`` must be inside a read transaction."""
        if isinstance(resolved, Constant) and not resolved.value:
            return np.zeros(0, dtype=bool)
        if isinstance(resolved, Constant):
            keys = [ALL_PHOTOS]
        else:
            keys = sorted({i for term in _terms(resolved) if len(term) <= MAX_CACHED_TERM
                           for i in term})
            if _needs_all_photos(resolved):
                keys.append(ALL_PHOTOS)
        with self._lock:
            current = self._current(db, keys, source)
        bitmaps: dict[Key, np.ndarray] = {key: bitmap for key, bitmap in current.items()}
        if isinstance(resolved, Constant):
            result = bitmaps[ALL_PHOTOS]
        else:
            for term in _terms(resolved):
                if len(term) > MAX_CACHED_TERM:
                    bitmaps[term] = _read_bitmap(db, term)
            size = max((len(bitmap) for bitmap in bitmaps.values()), default=0)
            result = _evaluate(resolved, {key: _fit(b, size) for key, b in bitmaps.items()})
        return np.unpackbits(result, bitorder="little").view(bool)

    def counts(
        self, db: sqlite3.Connection, tag_ids: list[int], mask: np.ndarray,
        source: object = None,
    ) -> dict[int, int] | None:
        """How many of the photos ``mask`` marks carry each tag visibly (tags on none left
        out), or None when the bitmaps of that many tags would not fit the budget.
        ``db`` must be inside a read transaction."""
        if not mask.any():
            return {}
        largest_id = db.execute("SELECT coalesce(max(id), 0) FROM photos").fetchone()[0]
        if len(tag_ids) * (largest_id // 8 + 1) > self._budget:
            return None
        packed = np.packbits(mask, bitorder="little")
        with self._lock:
            bitmaps = self._current(db, tag_ids, source)
        counts = {}
        for tag_id, bitmap in bitmaps.items():
            size = min(len(bitmap), len(packed))
            count = int(np.bitwise_count(bitmap[:size] & packed[:size]).sum())
            if count:
                counts[tag_id] = count
        return counts

    def _current(
        self, db: sqlite3.Connection, keys: list[int], source: object
    ) -> dict[int, np.ndarray]:
        """The bitmaps of ``keys``, read again where stale; the cache is then trimmed to the
        budget (the bitmaps returned stay usable)."""
        if source != self._source:
            self._cached.clear()
            self._source = source
        counts = _change_counts(db, keys)
        found = {}
        for key in keys:
            cached = self._cached.get(key)
            if cached is None or cached[0] != counts[key]:
                cached = (counts[key], _read_bitmap(db, key))
                self._cached[key] = cached
            self._cached.move_to_end(key)
            found[key] = cached[1]
        self._trim()
        return found

    def _trim(self) -> None:
        total = sum(bitmap.nbytes for _count, bitmap in self._cached.values())
        while total > self._budget and self._cached:
            total -= self._cached.popitem(last=False)[1][1].nbytes


def _change_counts(db: sqlite3.Connection, keys: list[int]) -> dict[int, int]:
    """Each key's change count; a tag that never changed has none stored and counts 0."""
    counts = dict.fromkeys(keys, 0)
    rows = db.execute(
        "SELECT tag_id, count FROM tag_changes WHERE tag_id IN (SELECT value FROM json_each(?))",
        ("[" + ",".join(str(key) for key in keys if key != ALL_PHOTOS) + "]",),
    )
    counts.update(dict(rows.fetchall()))
    if ALL_PHOTOS in counts:
        # Counts every photo added or removed (and re-embedded: a harmless extra reread).
        counts[ALL_PHOTOS] = db.execute("SELECT count FROM embedding_changes").fetchone()[0]
    return counts


def _read_bitmap(db: sqlite3.Connection, key: Key) -> np.ndarray:
    """The photos of tag ``key``, of all the tags of a term, or of the library (ALL_PHOTOS)
    as bits, photo id n at bit n."""
    if key == ALL_PHOTOS:
        ids = selected_ids(db, _PHOTO_IDS)
    elif isinstance(key, tuple):
        ids = selected_ids(db, _TERM_IDS, ["[" + ",".join(map(str, key)) + "]"])
    else:
        ids = selected_ids(db, _TAG_IDS, [key])
    return np.packbits(id_mask(ids), bitorder="little")


def selected_ids(db: Executes, sql: str, params: Sequence[object] = ()) -> np.ndarray:
    """The ids a one-column SELECT gives, in its order: one string of ids made by SQLite and
    parsed by numpy, a third of the time of a Python row per id (1M ids: 0.22 s against 0.61
    s). The CTE's ORDER BY sets the order (tests/test_query.py checks it against Python)."""
    text = db.execute(
        f"WITH selected(id) AS ({sql}) SELECT group_concat(id) FROM selected", list(params)
    ).fetchone()[0]
    return np.fromstring(text, dtype=np.int64, sep=",") if text else np.zeros(0, np.int64)


def id_mask(ids: np.ndarray) -> np.ndarray:
    """Booleans indexed by photo id, true at ``ids``."""
    mask = np.zeros(int(ids.max()) + 1 if len(ids) else 0, dtype=bool)
    mask[ids] = True
    return mask


def _fit(bitmap: np.ndarray, size: int) -> np.ndarray:
    """The bitmap padded with zero bytes to ``size`` bytes (photos it has never seen)."""
    if len(bitmap) == size:
        return bitmap
    return np.concatenate([bitmap, np.zeros(size - len(bitmap), dtype=np.uint8)])


def _terms(resolved: Resolved) -> Iterator[tuple[int, ...]]:
    if isinstance(resolved, tuple):
        yield resolved
    elif isinstance(resolved, Not):
        yield from _terms(resolved.child)
    elif isinstance(resolved, And | Or):
        for child in resolved.children:
            yield from _terms(child)


def _needs_all_photos(resolved: Resolved) -> bool:
    """Whether evaluating needs the set of every photo: a NOT that no positive term of the
    same AND bounds (``a AND NOT b`` is ``a`` minus ``b``; ``NOT b`` is everything minus b)."""
    if isinstance(resolved, Not):
        return True
    if isinstance(resolved, Or):
        return any(_needs_all_photos(child) for child in resolved.children)
    if isinstance(resolved, And):
        positives = [child for child in resolved.children if not isinstance(child, Not)]
        if not positives:
            return True
        negatives = [child.child for child in resolved.children if isinstance(child, Not)]
        return any(_needs_all_photos(child) for child in positives + negatives)
    return False


def _evaluate(resolved: Resolved, bitmaps: dict[Key, np.ndarray]) -> np.ndarray:
    if isinstance(resolved, tuple):
        if len(resolved) > MAX_CACHED_TERM:
            return bitmaps[resolved]
        return reduce(np.bitwise_or, (bitmaps[tag_id] for tag_id in resolved))
    if isinstance(resolved, Not):
        return bitmaps[ALL_PHOTOS] & ~_evaluate(resolved.child, bitmaps)
    if isinstance(resolved, Or):
        return reduce(np.bitwise_or, (_evaluate(child, bitmaps) for child in resolved.children))
    assert isinstance(resolved, And), resolved
    positives = [child for child in resolved.children if not isinstance(child, Not)]
    negatives = [child.child for child in resolved.children if isinstance(child, Not)]
    if not positives:
        result = bitmaps[ALL_PHOTOS]
    else:
        result = reduce(np.bitwise_and, (_evaluate(child, bitmaps) for child in positives))
    for negative in negatives:
        result = result & ~_evaluate(negative, bitmaps)
    return result
