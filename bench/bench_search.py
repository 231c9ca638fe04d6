"""Benchmark: tag queries through Library.search on a synthetic library of N photos.

Run: ``python -m bench.bench_search [--photos 100000 1000000] [--runs 50] [--keep DIR]``

Each photo gets ~5 distinct tags drawn from 100 tags with a Zipf-like frequency (the top tag is
on about half the photos, the rarest on a few hundred per 100k), 1% of the rows rejected and 3%
confirmed by the user, and a small hierarchy (animal > dog, cat, bird, horse). Every query is
timed through ``Library.search`` (in-memory tag bitmaps; organizer/library/tag_sets.py), as the
first search of a library just opened (which reads the bitmaps of the tags it names), and, in
the same run, through baselines: the same query compiled to SQL set operations
(INTERSECT/UNION/EXCEPT, what search ran before) and to the GROUP BY shape. All of them and
Python sets built from per-tag id lists must give the same ids. The table shows p50/p95 in ms
and the ratio baseline/search.
"""

from __future__ import annotations

import argparse
import math
import sqlite3
import statistics
import tempfile
import time
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path

import numpy as np

from organizer.library import Library, browse, open_database
from organizer.library import query as query_module
from organizer.library.query import And, Node, Not, Or, Term, parse_query
from organizer.library.store import TagDefinition

# Ordered by frequency rank (most common first), so the Zipf weights land on plausible tags.
_TAG_WORDS = (
    "person outdoor indoor sky tree building car food dog text grass water plant cat night "
    "street beach sunset city mountain flower child table snow road cloud window bird sea "
    "furniture portrait vehicle boat house hill lake river bridge wall park bicycle sport "
    "horse garden chair sand forest field fence bottle cup computer phone book shop train "
    "rock statue church airplane tower bus sign clock lamp bed kitchen bathroom desk screen "
    "guitar piano cake fruit bread wine coffee pizza fish duck cow sheep insect butterfly "
    "bee leaf autumn rain fog fireworks concert stage crowd museum painting receipt "
    "document map toy ball"
)
TAG_NAMES = tuple(_TAG_WORDS.split())
CHILDREN_OF = {"animal": ("dog", "cat", "bird", "horse")}
ZIPF_EXPONENT = 1.0
TAGS_PER_PHOTO = (3, 7)  # inclusive range, mean 5
REJECTED_SHARE = 0.01
CONFIRMED_SHARE = 0.03
CHUNK = 100_000

QUERIES = (
    "dog AND beach",
    "person AND outdoor",
    "dog OR cat OR bird",
    "(dog OR cat) AND NOT indoor",
    "NOT person",
    "animal sunset",
)
TARGET_P95_MS = {100_000: 20.0, 1_000_000: 100.0}
ALBUM_PAGE = 256  # the grid's first page (organizer/ui/album_model.py PAGE_SIZE)


# -- building a library -----------------------------------------------------------------------


def tag_definitions() -> list[TagDefinition]:
    parents = {child: parent for parent, kids in CHILDREN_OF.items() for child in kids}
    tags = [TagDefinition(name, parent=parents.get(name)) for name in TAG_NAMES]
    return [TagDefinition(parent) for parent in CHILDREN_OF] + tags


def build_library(directory: Path, photos: int, seed: int = 7) -> Library:
    """A library with ``photos`` photos and their tags, written in one transaction."""
    library = Library(open_database(directory), directory)
    tag_ids = library.sync_tag_definitions(tag_definitions())
    model_tag_ids = np.array([tag_ids[name] for name in TAG_NAMES])
    weights = 1.0 / np.arange(1, len(TAG_NAMES) + 1) ** ZIPF_EXPONENT
    rng = np.random.default_rng(seed)
    db = library.connection
    index_sql = db.execute(
        "SELECT sql FROM sqlite_master WHERE name = 'photo_tags_visible'"
    ).fetchone()[0]
    with library.transaction():
        folder = db.execute(
            "INSERT INTO folders (path, added_at) VALUES ('/bench', 0) RETURNING id"
        ).fetchone()[0]
        # Building the index once after the inserts is much faster than keeping it up to date.
        db.execute("DROP INDEX photo_tags_visible")
        for start in range(1, photos + 1, CHUNK):
            count = min(CHUNK, photos + 1 - start)
            ids = range(start, start + count)
            db.executemany(
                "INSERT INTO photos (id, folder_id, path, size, mtime_ns, indexed_at)"
                " VALUES (?, ?, ?, 1000, 0, 0)",
                ((pid, folder, f"/bench/{pid:08d}.jpg") for pid in ids),
            )
            drawn = _draw_tags(rng, weights, count)
            db.executemany(
                "INSERT INTO photo_tags (photo_id, tag_id, source, state, score, updated_at)"
                " VALUES (?, ?, ?, ?, 0.9, 0)",
                _tag_rows(rng, start, model_tag_ids, drawn),
            )
        db.execute(index_sql)
    db.execute("ANALYZE")
    return library


def _draw_tags(
    rng: np.random.Generator, weights: np.ndarray, count: int
) -> tuple[np.ndarray, np.ndarray]:
    """(photo offset, tag index) pairs: distinct weighted tags per photo (Gumbel top-k)."""
    keys = np.log(weights) + rng.gumbel(size=(count, len(weights)))
    most = TAGS_PER_PHOTO[1]
    top = np.argpartition(-keys, most, axis=1)[:, :most]
    order = np.take_along_axis(keys, top, axis=1).argsort(axis=1)[:, ::-1]
    top = np.take_along_axis(top, order, axis=1)
    sizes = rng.integers(TAGS_PER_PHOTO[0], TAGS_PER_PHOTO[1] + 1, size=count)
    keep = np.arange(most)[None, :] < sizes[:, None]
    offsets = np.broadcast_to(np.arange(count)[:, None], top.shape)
    return offsets[keep], top[keep]


def _tag_rows(
    rng: np.random.Generator, start: int, tag_ids: np.ndarray, drawn: tuple[np.ndarray, np.ndarray]
) -> Iterator[tuple[int, int, str, str]]:
    offsets, indexes = drawn
    rolls = rng.random(len(offsets))
    states = np.where(
        rolls < REJECTED_SHARE,
        "rejected",
        np.where(rolls < REJECTED_SHARE + CONFIRMED_SHARE, "confirmed", "suggested"),
    )
    sources = np.where(states == "suggested", "model", "user")
    return zip(
        (offsets + start).tolist(),
        tag_ids[indexes].tolist(),
        sources.tolist(),
        states.tolist(),
        strict=True,
    )


# -- measuring ------------------------------------------------------------------------------


def python_sets(library: Library, node: Node) -> list[int]:
    """Baseline: fetch each term's visible photo ids, combine them as Python sets."""
    return sorted(_python_eval(library, node, _AllPhotos(library)))


class _AllPhotos:
    """Loaded only when a NOT needs it."""

    def __init__(self, library: Library) -> None:
        self.library = library
        self.ids: set[int] | None = None

    def get(self) -> set[int]:
        if self.ids is None:
            self.ids = {row[0] for row in self.library.connection.execute("SELECT id FROM photos")}
        return self.ids


def _python_eval(library: Library, node: Node, everything: _AllPhotos) -> set[int]:
    if isinstance(node, Term):
        ids = library.tag_with_descendants(node.name)
        rows = library.connection.execute(
            "SELECT photo_id FROM photo_tags WHERE tag_id IN (SELECT value FROM json_each(?))"
            " AND state != 'rejected'",
            (str(list(ids)),),
        )
        return {row[0] for row in rows}
    if isinstance(node, Not):
        return everything.get() - _python_eval(library, node.child, everything)
    sets = [_python_eval(library, child, everything) for child in node.children]
    if isinstance(node, And):
        return set.intersection(*sets)
    assert isinstance(node, Or)
    return set.union(*sets)


def compound_sql(library: Library, text: str) -> list[int]:
    """Baseline: the query compiled to SQL (compound SELECTs; what Library.search ran before
    the tag bitmaps, and what the app's album filter runs)."""
    sql, params = query_module.compile_query(parse_query(text), library.tag_with_descendants)
    return [row[0] for row in library.connection.execute(sql, params)]


def grouped_shape(library: Library, text: str) -> list[int]:
    """Baseline: GUIDE §2's GROUP BY ... HAVING shape (query.py's fallback for huge queries)."""
    saved = query_module.MAX_COMPOUND_ARMS
    query_module.MAX_COMPOUND_ARMS = 0
    try:
        return compound_sql(library, text)
    finally:
        query_module.MAX_COMPOUND_ARMS = saved


def percentiles(run: Callable[[], object], runs: int, warm: bool = True) -> tuple[float, float]:
    if warm:
        run()  # warm the page cache, the statement cache and the tag bitmaps
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        run()
        times.append((time.perf_counter() - start) * 1000)
    times.sort()
    return statistics.median(times), times[min(len(times) - 1, math.ceil(0.95 * len(times)) - 1)]


def first_search(directory: Path, text: str) -> None:
    """A search in a library just opened: it reads the bitmaps of the tags it names."""
    library = Library(open_database(directory), directory)
    try:
        library.search(text)
    finally:
        library.close()


def bench(library: Library, directory: Path, photos: int, runs: int) -> None:
    target = TARGET_P95_MS.get(photos)
    print(f"\n{photos:,} photos, {runs} runs each; times in ms (p50 / p95)")
    print("first search: in a library just opened, reading the named tags' bitmaps (3 runs)")
    header = (
        f"{'query':30} {'hits':>8} {'search':>13} {'first search':>13} {'compound SQL':>15}"
        f" {'ratio':>6} {'grouped SQL':>15} {'ratio':>6} {'target p95':>10}"
    )
    print(header)
    print("-" * len(header))
    for text in QUERIES:
        expected = library.search(text)
        assert compound_sql(library, text) == expected, text
        assert grouped_shape(library, text) == expected, text
        assert python_sets(library, parse_query(text)) == expected, text
        search = percentiles(lambda t=text: library.search(t), runs)
        cold = percentiles(lambda t=text: first_search(directory, t), 3, warm=False)
        compound = percentiles(lambda t=text: compound_sql(library, t), runs)
        grouped = percentiles(lambda t=text: grouped_shape(library, t), runs)
        print(
            f"{text:30} {len(expected):>8,} {_pair(search):>13} {_pair(cold):>13}"
            f" {_pair(compound):>15} {compound[1] / search[1]:>5.1f}x {_pair(grouped):>15}"
            f" {grouped[1] / search[1]:>5.1f}x {_target(target, search[1]):>10}"
        )


def album_sql(library: Library, text: str, limit: int | None) -> list[int]:
    """Baseline: the album's ids in name order with the query compiled into the SQL (what
    the app ran until 2026-12-01)."""
    sql, params = query_module.compile_query(parse_query(text), library.tag_with_descendants)
    sql = f"SELECT id FROM photos WHERE id IN ({sql}) ORDER BY sort_key, id"
    if limit is not None:
        sql += f" LIMIT {limit}"
    return [row[0] for row in library.connection.execute(sql, params)]


def bench_album(library: Library, photos: int, runs: int) -> None:
    """The app's side of a search: the album's first page and its whole id list in name
    order, and the tag panel's counts for the matches."""
    print(f"\nthe app at {photos:,} photos: album in name order, tag panel; {runs} runs, ms p95")
    header = (
        f"{'query':30} {'first page':>10} {'SQL':>8} {'all ids':>8} {'SQL':>8}"
        f" {'tag counts':>10} {'SQL':>8}"
    )
    print(header)
    print("-" * len(header))
    name = browse.SortOrder.NAME
    for text in QUERIES:
        selection = browse.Filter(query=text)
        first = browse.photo_ids(library, selection, name, limit=ALBUM_PAGE)
        assert first == album_sql(library, text, ALBUM_PAGE), text
        assert browse.tag_counts(library, selection) == browse._tag_counts_in_sql(
            library, selection
        ), text
        runs_of: list[Callable[[], object]] = [
            lambda s=selection: browse.photo_ids(library, s, name, ALBUM_PAGE),
            lambda t=text: album_sql(library, t, ALBUM_PAGE),
            lambda s=selection: browse.photo_ids(library, s, name),
            lambda t=text: album_sql(library, t, None),
            lambda s=selection: browse.tag_counts(library, s),
            lambda s=selection: browse._tag_counts_in_sql(library, s),
        ]
        figures = [percentiles(run, runs) for run in runs_of]
        widths = (10, 8, 8, 8, 10, 8)
        cells = " ".join(f"{f[1]:>{w}.1f}" for f, w in zip(figures, widths, strict=True))
        print(f"{text:30} {cells}")


def _pair(times: tuple[float, float]) -> str:
    return f"{times[0]:.1f} / {times[1]:.1f}"


def _target(target: float | None, p95: float) -> str:
    if target is None:
        return "-"
    return f"{target:.0f} {'ok' if p95 <= target else 'MISS'}"


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--photos", type=int, nargs="+", default=[100_000])
    parser.add_argument("--runs", type=int, default=50)
    parser.add_argument("--keep", type=Path, help="build (or reuse) libraries under this folder")
    args = parser.parse_args(argv)
    print(f"SQLite {sqlite3.sqlite_version}")
    with tempfile.TemporaryDirectory() as scratch:
        root = args.keep or Path(scratch)
        for photos in args.photos:
            directory = root / f"bench-{photos}"
            reuse = (directory / "library.sqlite").exists()
            start = time.perf_counter()
            if reuse:
                library = Library(open_database(directory), directory)
            else:
                library = build_library(directory, photos)
            verb = "opened" if reuse else "built"
            print(f"{verb} {directory} in {time.perf_counter() - start:.1f} s")
            try:
                bench(library, directory, photos, args.runs)
                bench_album(library, photos, max(3, args.runs // 4))
            finally:
                library.close()


if __name__ == "__main__":
    main()
