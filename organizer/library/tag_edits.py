"""Tag management and exact undo of corrections: rename, merge, delete, restore rows.

These are the writes behind the desktop app's tag menu and its undo stack. Each runs in one
transaction so a failure leaves the index as it was.
"""

from __future__ import annotations

from collections.abc import Sequence

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
