"""Read-only queries the desktop app needs: sorted id lists, faceted tag counts, photo details.

Kept apart from ``store`` because these serve browsing (many rows, sorted, filtered by query and
folder) while ``store`` serves ingest and corrections. No Qt here: the UI calls these from worker
threads, each with its own connection.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass, field
from enum import Enum
from pathlib import Path

import numpy as np

from organizer.errors import QuerySyntaxError
from organizer.library.paths import on_disk, stored
from organizer.library.query import compile_query, parse_query, query_terms
from organizer.library.store import Library, PhotoTag, _json_ids
from organizer.library.tag_sets import id_mask, selected_ids


class SortOrder(Enum):
    DATE_TAKEN = "date"  # oldest first
    DATE_NEWEST = "date-newest"
    NAME = "name"  # A to Z
    NAME_DESCENDING = "name-descending"


# Each sort is one or more (condition, ORDER BY) parts read one after the other. Photos without a
# date go last: ``ORDER BY taken_at IS NULL, ...`` would say that in one statement, but no index
# serves it and SQLite sorts every matching row before returning the first; two parts each walk
# an index (photos_taken_at, the path index) and can stop after the first page.
_ORDER_PARTS: dict[SortOrder, tuple[tuple[str, str], ...]] = {
    # Undated photos (scans, screenshots) come last, in name order.
    SortOrder.DATE_TAKEN: (
        ("taken_at IS NOT NULL", "taken_at, path"),
        ("taken_at IS NULL", "sort_key, id"),
    ),
    SortOrder.DATE_NEWEST: (  # undated photos still last; both parts walk the indexes backwards
        ("taken_at IS NOT NULL", "taken_at DESC, path DESC"),
        ("taken_at IS NULL", "sort_key DESC, id DESC"),
    ),
    # sort_key: natural order (organizer/library/paths.py); the index holds (sort_key, id).
    SortOrder.NAME: (("1", "sort_key, id"),),
    SortOrder.NAME_DESCENDING: (("1", "sort_key DESC, id DESC"),),
}


@dataclass(frozen=True)
class Filter:
    """What the album grid shows: a tag query (None = everything) within a folder (None = all)."""

    query: str | None = None
    folder: Path | None = None

    def is_empty(self) -> bool:
        return not (self.query and self.query.strip()) and self.folder is None


@dataclass(frozen=True)
class PhotoRow:
    """The little the grid needs to draw one cell."""

    id: int
    path: str
    content_hash: str | None
    orientation: int | None
    taken_at: str | None

    @property
    def name(self) -> str:
        return os.path.basename(self.path)


@dataclass(frozen=True)
class TagCount:
    name: str
    display_en: str | None
    display_zh: str | None
    origin: str
    count: int


@dataclass(frozen=True)
class PhotoDetails:
    id: int
    path: str
    size: int
    width: int | None
    height: int | None
    taken_at: str | None
    orientation: int | None
    content_hash: str | None
    tagged_model: str | None
    error: str | None
    tags: list[PhotoTag] = field(default_factory=list)


@dataclass(frozen=True)
class FolderNode:
    """A folder holding photos, with the number of photos at or below it."""

    path: Path
    count: int
    folder_id: int | None = None
    children: list[FolderNode] = field(default_factory=list)


@dataclass(frozen=True)
class TagStateRow:
    """One photo-tag row exactly as stored, so an edit can be undone to the very same state."""

    photo_id: int
    tag: str
    source: str
    state: str
    score: float | None
    model_version: str | None
    updated_at: float


def _folder_clause(folder: Path | None, column: str = "path") -> tuple[str, list]:
    if folder is None:
        return "", []
    prefix = stored(str(Path(folder).resolve()))
    return (
        f" AND ({column} >= ? AND {column} < ?)",
        [prefix + os.sep, prefix + chr(ord(os.sep) + 1)],
    )


def _matching_sql(library: Library, selection: Filter) -> tuple[str, list]:
    """SQL selecting matching photo ids (unordered) and its parameters.

    Raises QuerySyntaxError for a bad query: callers show it instead of crashing.
    """
    folder_sql, folder_params = _folder_clause(selection.folder)
    if selection.query and selection.query.strip():
        query_sql, query_params = compile_query(
            parse_query(selection.query), library.tag_with_descendants
        )
        return (
            f"SELECT id FROM photos WHERE id IN ({query_sql}){folder_sql}",
            [*query_params, *folder_params],
        )
    return f"SELECT id FROM photos WHERE 1{folder_sql}", folder_params


# How the album orders a query's matches: SQLite sorts them (about 2.2 µs a match at a million
# photos), or the display order is walked and the matches kept (about 0.4 µs a photo walked;
# a first page stops early). The cheaper one by this ratio is taken (bench/README.md).
SORT_TO_WALK_COST = 5.5
# Rows read at a time while walking the display order for a first page.
_WALK_CHUNK = 2_000


def photo_ids(
    library: Library, selection: Filter, order: SortOrder, limit: int | None = None
) -> list[int]:
    """Matching photo ids in display order: all of them (100k ids is a few MB; rows come
    lazily), or the first ``limit`` (what the grid paints before the rest is read).

    The query is answered by the tag bitmaps (Library.query_mask); SQL gives the order.
    Raises QuerySyntaxError for a bad query.
    """
    folder_sql, params = _folder_clause(selection.folder)
    mask = None
    if selection.query and selection.query.strip():
        mask = library.query_mask(selection.query)
        matches = np.flatnonzero(mask)
        if _sorting_is_cheaper(library, len(matches), limit):
            folder_sql = " AND id IN (SELECT value FROM json_each(?))" + folder_sql
            params = [_json_ids(matches.tolist()), *params]
            mask = None
    ids: list[int] = []
    for condition, order_sql in _ORDER_PARTS[order]:
        if limit is not None and len(ids) >= limit:
            break
        sql = f"SELECT id FROM photos WHERE {condition}{folder_sql} ORDER BY {order_sql}"
        wanted = None if limit is None else limit - len(ids)
        ids.extend(_ordered_ids(library, sql, params, mask, wanted))
    return ids


def _sorting_is_cheaper(library: Library, matches: int, limit: int | None) -> bool:
    photos = library.database.execute("SELECT coalesce(max(id), 0) FROM photos").fetchone()[0]
    walked = photos if limit is None or not matches else min(photos, limit * photos / matches)
    return matches * SORT_TO_WALK_COST <= walked


def _ordered_ids(
    library: Library, sql: str, params: list, mask: np.ndarray | None, limit: int | None
) -> list[int]:
    """The ids ``sql`` selects, in its order, those ``mask`` marks (all without a mask)."""
    if limit is None:
        ordered = selected_ids(library.database, sql, params)
        return (ordered if mask is None else ordered[_marked(mask, ordered)]).tolist()
    if mask is None:
        first = library.database.execute(f"{sql} LIMIT ?", [*params, limit])
        return [row[0] for row in first]
    # Many matches: walk the order until enough of them have come by.
    cursor = library.database.execute(sql, params)
    found: list[int] = []
    while len(found) < limit:
        rows = cursor.fetchmany(_WALK_CHUNK)
        if not rows:
            break
        chunk = np.array([row[0] for row in rows], dtype=np.int64)
        found.extend(chunk[_marked(mask, chunk)][: limit - len(found)].tolist())
    cursor.close()
    return found


def _marked(mask: np.ndarray, ids: np.ndarray) -> np.ndarray:
    inside = ids < len(mask)
    marked = np.zeros(len(ids), dtype=bool)
    marked[inside] = mask[ids[inside]]
    return marked


def unknown_tags(library: Library, query: str | None) -> list[str]:
    """The names in ``query`` that are no tag of this library (what "no photos match" is
    often really about); a query that does not parse has none to report."""
    if not query or not query.strip():
        return []
    try:
        terms = query_terms(parse_query(query))
    except QuerySyntaxError:
        return []
    return sorted(name for name in terms if library.tag_id(name) is None)


def photo_rows(library: Library, ids: Sequence[int]) -> dict[int, PhotoRow]:
    if not ids:
        return {}
    rows = library.database.execute(
        "SELECT id, path, content_hash, orientation, taken_at FROM photos "
        "WHERE id IN (SELECT value FROM json_each(?))",
        (_json_ids(ids),),
    ).fetchall()
    return {row[0]: PhotoRow(row[0], on_disk(row[1]), *row[2:]) for row in rows}


def tag_counts(library: Library, selection: Filter) -> list[TagCount]:
    """Visible tags among the matching photos with how many carry each (most common first)."""
    if not selection.is_empty():
        counted = library.visible_tag_counts(_selection_mask(library, selection))
        if counted is not None:
            return _named_counts(library, counted)
    return _tag_counts_in_sql(library, selection)


def _selection_mask(library: Library, selection: Filter) -> np.ndarray:
    """Whether each photo id is shown for ``selection`` (query and folder), by id."""
    mask = None
    if selection.query and selection.query.strip():
        mask = library.query_mask(selection.query)
    if selection.folder is not None:
        folder_sql, params = _folder_clause(selection.folder)
        inside = id_mask(
            selected_ids(library.database, f"SELECT id FROM photos WHERE 1{folder_sql}", params)
        )
        if mask is None:
            mask = inside
        else:
            size = min(len(mask), len(inside))
            mask = mask[:size] & inside[:size]
    assert mask is not None, "an empty selection has no mask"
    return mask


def _named_counts(library: Library, counted: dict[int, int]) -> list[TagCount]:
    rows = library.database.execute(
        "SELECT id, name, display_en, display_zh, origin FROM tags"
    ).fetchall()
    found = [
        TagCount(name, display_en, display_zh, origin, counted[tag_id])
        for tag_id, name, display_en, display_zh, origin in rows
        if tag_id in counted
    ]
    # The order of the SQL: most common first, then by name as the NOCASE column sorts.
    found.sort(key=lambda tag: (-tag.count, tag.name.translate(_ASCII_LOWER)))
    return found


def _tag_counts_in_sql(library: Library, selection: Filter) -> list[TagCount]:
    where = "state != 'rejected'"
    params: list = []
    if not selection.is_empty():
        ids_sql, params = _matching_sql(library, selection)
        where += f" AND photo_id IN ({ids_sql})"
    # Counting per photo_tags.tag_id walks the covering index in tag order, with no temporary
    # B-tree for the grouping (GROUP BY t.id after the join needed one); tags join the few
    # hundred counts afterwards.
    rows = library.database.execute(
        "SELECT t.name, t.display_en, t.display_zh, t.origin, c.n FROM (SELECT tag_id,"
        f" COUNT(*) AS n FROM photo_tags WHERE {where} GROUP BY tag_id) AS c"
        " JOIN tags t ON t.id = c.tag_id ORDER BY c.n DESC, t.name",
        params,
    ).fetchall()
    return [TagCount(*row) for row in rows]


def tag_display_names(library: Library) -> dict[str, tuple[str | None, str | None]]:
    """Every tag's (English, Chinese) display names by its name, folded (no counts: cheap at
    any library size)."""
    rows = library.database.execute("SELECT name, display_en, display_zh FROM tags")
    return {name.casefold(): (display_en, display_zh) for name, display_en, display_zh in rows}


def all_tags(library: Library) -> list[TagCount]:
    """Every tag, used or not, with its visible count (for completion and tag management)."""
    rows = library.database.execute(
        "SELECT t.name, t.display_en, t.display_zh, t.origin, coalesce(c.n, 0) FROM tags t"
        " LEFT JOIN (SELECT tag_id, COUNT(*) AS n FROM photo_tags WHERE state != 'rejected'"
        " GROUP BY tag_id) AS c ON c.tag_id = t.id ORDER BY t.name"
    ).fetchall()
    return [TagCount(*row) for row in rows]


def tag_overview(library: Library, selection: Filter) -> tuple[list[TagCount], list[TagCount]]:
    """``(tag_counts(selection), all_tags())``; one pass over photo_tags when nothing is
    filtered, since then the panel's counts are every used tag's count."""
    every = all_tags(library)
    if not selection.is_empty():
        return tag_counts(library, selection), every
    used = [tag for tag in every if tag.count > 0]
    # Same order as tag_counts: most common first, then by name as the NOCASE column sorts.
    used.sort(key=lambda tag: (-tag.count, tag.name.translate(_ASCII_LOWER)))
    return used, every


_ASCII_LOWER = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")


def photo_details(library: Library, photo_id: int) -> PhotoDetails | None:
    row = library.database.execute(
        "SELECT id, path, size, width, height, taken_at, orientation, content_hash, tagged_model,"
        " error FROM photos WHERE id = ?",
        (photo_id,),
    ).fetchone()
    if row is None:
        return None
    size, width, height, taken_at, orientation, content_hash, tagged_model, error = row[2:]
    return PhotoDetails(
        row[0],
        on_disk(row[1]),
        size,
        width,
        height,
        taken_at,
        orientation,
        content_hash,
        tagged_model,
        error,
        tags=library.photo_tags(photo_id),
    )


def shown_at(tag: PhotoTag, min_score: float) -> bool:
    """Whether the details panel lists ``tag`` under the "minimum score shown" setting: only
    the model's unreviewed suggestions scored below it are hidden."""
    return not (
        tag.source == "model"
        and tag.state == "suggested"
        and tag.score is not None
        and tag.score < min_score
    )


def tag_summary(
    library: Library, ids: Sequence[int], min_score: float = 0.0
) -> list[tuple[PhotoTag, int]]:
    """For a multi-selection: each tag present on any of the photos, with on how many visible.

    The PhotoTag is a representative row (the highest-scored visible one) for display.
    ``min_score``: model suggestions scored below it are left out, as ``shown_at`` does.
    """
    if not ids:
        return []
    rows = library.database.execute(
        "SELECT t.name, t.display_en, t.display_zh, p.name, pt.source, pt.state, MAX(pt.score),"
        " pt.model_version, SUM(pt.state != 'rejected') FROM photo_tags pt "
        "JOIN tags t ON t.id = pt.tag_id LEFT JOIN tags p ON p.id = t.parent_id "
        "WHERE pt.photo_id IN (SELECT value FROM json_each(?)) "
        "AND NOT (pt.source = 'model' AND pt.state = 'suggested' AND pt.score < ?) "
        "GROUP BY t.id ORDER BY SUM(pt.state != 'rejected') DESC, t.name",
        (_json_ids(ids), min_score),
    ).fetchall()
    return [(PhotoTag(*row[:8]), row[8]) for row in rows]


def tag_state_rows(library: Library, ids: Sequence[int], tag: str) -> list[TagStateRow]:
    """The stored rows for ``tag`` on these photos (absent rows are simply missing)."""
    tag_id = library.tag_id(tag)
    if tag_id is None or not ids:
        return []
    rows = library.database.execute(
        "SELECT pt.photo_id, t.name, pt.source, pt.state, pt.score, pt.model_version,"
        " pt.updated_at FROM photo_tags pt JOIN tags t ON t.id = pt.tag_id "
        "WHERE pt.tag_id = ? AND pt.photo_id IN (SELECT value FROM json_each(?))",
        (tag_id, _json_ids(ids)),
    ).fetchall()
    return [TagStateRow(*row) for row in rows]


def folder_tree(library: Library) -> list[FolderNode]:
    """Each watched folder with the sub-folders that hold photos, and photo counts."""
    roots = []
    for folder_id, root in library.folders():
        folder_sql, params = _folder_clause(root)
        # rtrim(path, <path without slashes>) strips the file name: SQLite groups by folder,
        # so Python sees one row per folder instead of one per photo. On the path below the
        # root, not the whole path: rtrim's work grows with the length of both (-30%).
        start = len(str(Path(root).resolve())) + 2
        relative = "substr(path, ?)"
        query = (
            f"SELECT rtrim({relative}, replace({relative}, '{os.sep}', '')), COUNT(*)"
            f" FROM photos WHERE folder_id = ?{folder_sql} GROUP BY 1"
        )
        rows = library.database.execute(query, [start, start, folder_id, *params])
        counts = {Path(root, on_disk(directory)): count for directory, count in rows}
        roots.append(_build_node(root, counts, folder_id))
    return roots


def _build_node(root: Path, counts: dict[Path, int], folder_id: int | None) -> FolderNode:
    children_of: dict[Path, set[Path]] = {}
    for directory in counts:
        # Link every folder between the photo's folder and the root so empty levels still show.
        current = directory
        while current != root and root in current.parents:
            children_of.setdefault(current.parent, set()).add(current)
            current = current.parent

    def build(path: Path, node_id: int | None) -> FolderNode:
        children = [build(child, None) for child in sorted(children_of.get(path, ()))]
        total = counts.get(path, 0) + sum(child.count for child in children)
        return FolderNode(path, total, node_id, children)

    return build(root, folder_id)
