"""Tag management and exact undo: rename, merge, delete, restore rows, snapshots.

These are the writes behind the desktop app's tag menu and its undo stack. Each runs in one
transaction so a failure leaves the index as it was. ``snapshot_tags`` records everything an
edit of some tags can change (the tags with their ids, aliases, the parent links of their
children, every photo's row for them); ``restore_tags`` puts back what the edit changed, which is
how rename, merge and delete are undone.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass

from organizer.errors import OrganizerError
from organizer.library.browse import TagStateRow
from organizer.library.store import Library, _json_ids
from organizer.library.tag_names import valid_tag_name


class TagEditError(OrganizerError):
    """A tag edit that cannot be done as asked (unknown tag, name taken...)."""


def _require(library: Library, name: str) -> int:
    tag_id = library.tag_id(name)
    if tag_id is None:
        raise TagEditError(f"there is no tag named {name!r}")
    return tag_id


def rename_tag(library: Library, old: str, new: str) -> None:
    """Give a tag a new name; photos keep it with its provenance."""
    new = valid_tag_name(new)
    tag_id = _require(library, old)
    other = library.tag_id(new)
    if other is not None and other != tag_id:
        raise TagEditError(f"a tag named {new!r} already exists; merge into it instead")
    with library.transaction() as db:
        # The old name stays an alias so queries and file keywords using it still find the tag.
        db.execute("UPDATE tags SET name = ?, display_en = ? WHERE id = ?", (new, new, tag_id))
        if old.casefold() != new.casefold():
            db.execute(
                "INSERT OR IGNORE INTO tag_aliases (alias, tag_id) VALUES (?, ?)", (old, tag_id)
            )
        db.execute("DELETE FROM tag_aliases WHERE alias = ? AND tag_id = ?", (new, tag_id))


def merge_tags(library: Library, source: str, target: str) -> None:
    """Move every photo of ``source`` onto ``target`` and drop ``source``.

    Where a photo has both, the user's word wins: a confirmed or rejected row beats a suggestion.
    """
    source_id = _require(library, source)
    target_id = _require(library, target)
    if source_id == target_id:
        raise TagEditError("a tag cannot be merged into itself")
    with library.transaction() as db:
        db.execute(
            "INSERT INTO photo_tags (photo_id, tag_id, source, state, score, model_version,"
            " updated_at) SELECT photo_id, ?, source, state, score, model_version, updated_at"
            " FROM photo_tags WHERE tag_id = ? AND true ON CONFLICT(photo_id, tag_id) DO UPDATE"
            " SET source = excluded.source, state = excluded.state, score = excluded.score,"
            " model_version = excluded.model_version, updated_at = excluded.updated_at"
            " WHERE photo_tags.state = 'suggested' AND excluded.state != 'suggested'",
            (target_id, source_id),
        )
        db.execute("UPDATE tags SET parent_id = ? WHERE parent_id = ?", (target_id, source_id))
        db.execute("UPDATE tag_aliases SET tag_id = ? WHERE tag_id = ?", (target_id, source_id))
        name = db.execute("SELECT name FROM tags WHERE id = ?", (source_id,)).fetchone()[0]
        db.execute("DELETE FROM tags WHERE id = ?", (source_id,))
        db.execute(
            "INSERT OR IGNORE INTO tag_aliases (alias, tag_id) VALUES (?, ?)", (name, target_id)
        )


def delete_tag(library: Library, name: str) -> int:
    """Remove a tag from every photo and the tag itself; returns how many photos had it."""
    tag_id = _require(library, name)
    with library.transaction() as db:
        count = db.execute(
            "SELECT COUNT(*) FROM photo_tags WHERE tag_id = ? AND state != 'rejected'", (tag_id,)
        ).fetchone()[0]
        db.execute("DELETE FROM tags WHERE id = ?", (tag_id,))
    return count


def restore_tag_rows(
    library: Library, photo_ids: Sequence[int], tag: str, rows: Sequence[TagStateRow]
) -> None:
    """Put ``tag`` on ``photo_ids`` back exactly as ``rows`` recorded it (undo of an edit).

    Photos absent from ``rows`` had no row for the tag, so theirs is deleted.
    """
    tag_id = library.tag_id(tag)
    if tag_id is None:
        return
    with library.transaction() as db:
        db.execute(
            "DELETE FROM photo_tags WHERE tag_id = ? AND photo_id IN "
            "(SELECT value FROM json_each(?))",
            (tag_id, _json_ids(photo_ids)),
        )
        db.executemany(
            "INSERT INTO photo_tags (photo_id, tag_id, source, state, score, model_version,"
            " updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
            [
                (r.photo_id, tag_id, r.source, r.state, r.score, r.model_version, r.updated_at)
                for r in rows
            ],
        )


@dataclass(frozen=True)
class TagSnapshot:
    """The full state of some tags, as ``snapshot_tags`` read it."""

    tag_ids: tuple[int, ...]
    tags: tuple[tuple, ...]  # (id, name, parent_id, display_en, display_zh, origin)
    aliases: tuple[tuple[str, int], ...]
    children: tuple[tuple[int, int], ...]  # (child tag id, its parent among ``tag_ids``)
    rows: tuple[tuple, ...]  # photo_tags rows of these tags


def snapshot_tags(library: Library, names: Sequence[str]) -> TagSnapshot:
    """Everything rename, merge or delete of ``names`` can change (unknown names: an error)."""
    ids = tuple(sorted({_require(library, name) for name in names}))
    db, params = library.database, (_json_ids(ids),)
    among = "IN (SELECT value FROM json_each(?))"
    return TagSnapshot(
        ids,
        tuple(db.execute(
            "SELECT id, name, parent_id, display_en, display_zh, origin FROM tags "
            f"WHERE id {among}", params)),
        tuple(db.execute(f"SELECT alias, tag_id FROM tag_aliases WHERE tag_id {among}", params)),
        tuple(db.execute(f"SELECT id, parent_id FROM tags WHERE parent_id {among}", params)),
        tuple(db.execute(
            "SELECT photo_id, tag_id, source, state, score, model_version, updated_at "
            f"FROM photo_tags WHERE tag_id {among}", params)),
    )


def restore_tags(
    library: Library, snapshot: TagSnapshot, edited_names: Sequence[str] = ()
) -> None:
    """Undo a rename, merge or delete of the snapshot's tags: names, aliases and parents as
    they were, and the photo rows the edit changed (those of a tag that is gone, and the
    surviving tags' rows on the same photos, which a merge overwrote). Rows made since on
    other photos (a scan's suggestions, a correction) are kept.

    ``edited_names``: the names the edit left these tags with (a rename's new name, a merge's
    target). A tag of the snapshot's id under any other name is a newer tag that reused a
    deleted one's id; it is left alone and the undo refused."""
    with library.transaction() as db:
        ids = (_json_ids(snapshot.tag_ids),)
        among = "IN (SELECT value FROM json_each(?))"
        names = [tag[1] for tag in snapshot.tags]
        known = {name.casefold() for name in (*names, *edited_names)}
        present = set()
        for tag_id, name in db.execute(f"SELECT id, name FROM tags WHERE id {among}", ids):
            if name.casefold() not in known:
                raise TagEditError(f"cannot undo: the tag is now {name!r}, a newer tag")
            present.add(tag_id)
        clash = db.execute(
            f"SELECT name FROM tags WHERE id NOT {among} AND name IN "
            "(SELECT value FROM json_each(?))",
            (*ids, _json_names(names)),
        ).fetchone()
        if clash:
            raise TagEditError(f"cannot undo: a tag named {clash[0]!r} was created since")
        gone = set(snapshot.tag_ids) - present
        photos = {row[0] for row in snapshot.rows if row[1] in gone}
        db.execute(f"DELETE FROM tag_aliases WHERE tag_id {among}", ids)
        existing = {row[0] for row in db.execute("SELECT id FROM tags")}
        db.executemany(
            "INSERT INTO tags (id, name, parent_id, display_en, display_zh, origin) "
            "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT(id) DO UPDATE SET name = excluded.name,"
            " parent_id = excluded.parent_id, display_en = excluded.display_en,"
            " display_zh = excluded.display_zh, origin = excluded.origin",
            # A parent deleted since leaves the tag at the top level.
            [(*tag[:2], tag[2] if tag[2] in existing or tag[2] in gone else None, *tag[3:])
             for tag in snapshot.tags],
        )
        # An alias the edit gave another tag (a merge's source name) is the snapshot's again.
        db.executemany(
            "INSERT INTO tag_aliases (alias, tag_id) VALUES (?, ?) ON CONFLICT(alias) DO UPDATE"
            " SET tag_id = excluded.tag_id",
            snapshot.aliases,
        )
        db.execute(
            f"DELETE FROM tag_aliases WHERE alias IN (SELECT value FROM json_each(?))"
            f" AND tag_id NOT {among}",
            (_json_names(names), *ids),
        )
        db.executemany("UPDATE tags SET parent_id = ? WHERE id = ?",
                       [(parent, child) for child, parent in snapshot.children])
        db.execute(
            f"DELETE FROM photo_tags WHERE tag_id {among} AND photo_id IN "
            "(SELECT value FROM json_each(?))",
            (*ids, _json_ids(photos)),
        )
        db.executemany(
            "INSERT OR REPLACE INTO photo_tags (photo_id, tag_id, source, state, score,"
            " model_version, updated_at) SELECT ?, ?, ?, ?, ?, ?, ? WHERE EXISTS (SELECT 1"
            " FROM photos WHERE id = ?)",
            [(*row, row[0]) for row in snapshot.rows if row[0] in photos],
        )


def _json_names(names: Sequence[str]) -> str:
    return json.dumps(list(names), ensure_ascii=False)
