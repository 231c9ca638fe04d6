"""The index's operations: folders, photos, tags and photo-tags with provenance.

Provenance rules (one row per photo and tag):
- ``source`` says who established the tag: the model, the user, or keywords found in the file.
- ``state`` is suggested (model, untouched), confirmed or rejected (by the user, or file keywords,
  which count as confirmed).
- A retag only adds or refreshes *suggested* model rows and drops suggested model rows it no
  longer predicts; confirmed and rejected rows keep their state whatever the model says, so a
  retag never revives a rejected tag and never drops a confirmed one.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import os
import sqlite3
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import NamedTuple

import numpy as np

from organizer.library.database import Database, translate_sqlite_errors
from organizer.library.paths import indexable, on_disk, stored
from organizer.library.query import parse_query, resolve_query
from organizer.library.tag_names import TagNameError, valid_tag_name
from organizer.library.tag_sets import TagSets
from organizer.metadata.image_info import ImageInfo
from organizer.text import printable

# Embeddings are stored as float16 blobs; a blob's length tells which model's embedding it is.
EMBEDDING_DTYPE = np.dtype(np.float16)


log = logging.getLogger(__name__)

@dataclass(frozen=True)
class PhotoRecord:
    """What the scanner learns about a file before tagging."""

    path: str
    folder_id: int
    size: int
    mtime_ns: int
    content_hash: str | None = None
    width: int | None = None
    height: int | None = None
    taken_at: str | None = None
    orientation: int | None = None


class KnownFile(NamedTuple):
    """A photo's row as a rescan compares it (a tuple: a million of them are made at once)."""

    id: int
    path: str
    size: int
    mtime_ns: int
    content_hash: str | None
    tagged_model: str | None


@dataclass(frozen=True)
class PhotoTag:
    tag: str
    display_en: str | None
    display_zh: str | None
    parent: str | None
    source: str
    state: str
    score: float | None
    model_version: str | None


@dataclass(frozen=True)
class TagDefinition:
    name: str
    display_en: str | None = None
    display_zh: str | None = None
    aliases: tuple[str, ...] = ()
    parent: str | None = None


@dataclass(frozen=True)
class WriteIntent:
    photo_id: int
    path: str
    flat: list[str]  # every flat keyword that is Organizer's once the write is through
    hierarchical: list[str]
    owner_pid: int
    created_at: float


class Library:
    """All reads and writes of the index go through here (one writer connection)."""

    def __init__(self, database: Database, root: Path, tag_sets: TagSets | None = None) -> None:
        self.database = database
        self.root = Path(root)
        # Shared by the connections of one process (App.connect), so each worker's search
        # finds the bitmaps the others read.
        self.tag_sets = tag_sets if tag_sets is not None else TagSets()

    @property
    def connection(self) -> sqlite3.Connection:
        return self.database.connection

    def transaction(self) -> contextlib.AbstractContextManager[sqlite3.Connection]:
        return self.database.transaction()

    def close(self) -> None:
        self.database.close()

    # -- settings --------------------------------------------------------------------------

    def setting(self, key: str, default: str | None = None) -> str | None:
        row = self.database.execute("SELECT value FROM settings WHERE key = ?", (key,)).fetchone()
        return row[0] if row else default

    def set_setting(self, key: str, value: str | None) -> None:
        with self.transaction() as db:
            self.put_setting(db, key, value)

    def next_counter(self, key: str, is_taken: Callable[[int], bool]) -> int:
        """Increment the counter setting ``key`` past every number ``is_taken`` (atomically:
        two processes never get the same number) and return the new value."""
        with self.transaction() as db:
            row = db.execute("SELECT value FROM settings WHERE key = ?", (key,)).fetchone()
            number = int(row[0]) + 1 if row else 1
            while is_taken(number):
                number += 1
            self.put_setting(db, key, str(number))
        return number

    @staticmethod
    def put_setting(db: sqlite3.Connection, key: str, value: str | None) -> None:
        """Set (or with None, clear) a setting inside the caller's transaction."""
        if value is None:
            db.execute("DELETE FROM settings WHERE key = ?", (key,))
        else:
            db.execute(
                "INSERT INTO settings (key, value) VALUES (?, ?) "
                "ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                (key, value),
            )

    # -- folders ---------------------------------------------------------------------------

    def add_folder(self, path: Path) -> int:
        resolved = stored(str(Path(path).resolve()))
        with self.transaction() as db:
            db.execute(
                "INSERT OR IGNORE INTO folders (path, added_at) VALUES (?, ?)",
                (resolved, time.time()),
            )
            return db.execute("SELECT id FROM folders WHERE path = ?", (resolved,)).fetchone()[0]

    def folders(self) -> list[tuple[int, Path]]:
        rows = self.database.execute("SELECT id, path FROM folders ORDER BY path").fetchall()
        return [(row[0], Path(on_disk(row[1]))) for row in rows]

    def remove_folder(self, folder_id: int) -> None:
        with self.transaction() as db:
            db.execute("DELETE FROM folders WHERE id = ?", (folder_id,))

    def folder_for(self, path: Path) -> int | None:
        """The watched folder containing ``path`` (the deepest one), or None."""
        resolved = Path(path).resolve()
        best: tuple[int, int] | None = None
        for folder_id, folder in self.folders():
            if resolved == folder or folder in resolved.parents:
                depth = len(folder.parts)
                if best is None or depth > best[1]:
                    best = (folder_id, depth)
        return best[0] if best else None

    # -- photos ----------------------------------------------------------------------------

    def known_files_under(self, directory: Path) -> dict[str, KnownFile]:
        rows = self.database.execute(
            "SELECT id, path, size, mtime_ns, content_hash, tagged_model FROM photos "
            "WHERE path = ? OR path >= ? AND path < ?",
            _under(directory),
        ).fetchall()
        known = (_known_file(row) for row in rows)
        return {file.path: file for file in known}

    def photo_by_path(self, path: Path | str) -> KnownFile | None:
        resolved = str(Path(path).resolve())
        if not indexable(resolved):
            return None  # such names are never indexed (the scan reports them)
        row = self.database.execute(
            "SELECT id, path, size, mtime_ns, content_hash, tagged_model FROM photos "
            "WHERE path = ?",
            (stored(resolved),),
        ).fetchone()
        return _known_file(row) if row else None

    def photos_with_hash(self, content_hash: str) -> list[KnownFile]:
        rows = self.database.execute(
            "SELECT id, path, size, mtime_ns, content_hash, tagged_model FROM photos "
            "WHERE content_hash = ?",
            (content_hash,),
        ).fetchall()
        return [_known_file(row) for row in rows]

    def insert_photo(self, db: sqlite3.Connection, record: PhotoRecord) -> int:
        cursor = db.execute(
            "INSERT INTO photos (folder_id, path, size, mtime_ns, content_hash, width, height,"
            " taken_at, orientation, indexed_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (*_record_values(record), time.time()),
        )
        return _inserted_id(cursor)

    def update_photo_file(self, db: sqlite3.Connection, photo_id: int, record: PhotoRecord) -> None:
        """The file at this row changed content: new facts, and it must be tagged again."""
        db.execute(
            "UPDATE photos SET folder_id = ?, path = ?, size = ?, mtime_ns = ?, content_hash = ?,"
            " width = ?, height = ?, taken_at = ?, orientation = ?, indexed_at = ?,"
            " tagged_model = NULL, embedding = NULL, error = NULL WHERE id = ?",
            (*_record_values(record), time.time(), photo_id),
        )

    def move_photo(
        self, db: sqlite3.Connection, photo_id: int, path: str, folder_id: int, mtime_ns: int
    ) -> None:
        """Same content, new place: keep every tag and its provenance."""
        db.execute(
            "UPDATE photos SET path = ?, folder_id = ?, mtime_ns = ? WHERE id = ?",
            (stored(path), folder_id, mtime_ns, photo_id),
        )

    def refresh_file(
        self, db: sqlite3.Connection, photo_id: int, size: int, mtime_ns: int, content_hash: str
    ) -> None:
        """Organizer rewrote the file's metadata: new bytes, same picture; tags stay as they are.

        Keeps the content hash current, so a later move is still recognised by it.
        """
        db.execute(
            "UPDATE photos SET size = ?, mtime_ns = ?, content_hash = ? WHERE id = ?",
            (size, mtime_ns, content_hash, photo_id),
        )

    def touch_photo(self, db: sqlite3.Connection, photo_id: int, mtime_ns: int) -> None:
        """Only the modification time changed (same content): remember it, nothing else."""
        db.execute("UPDATE photos SET mtime_ns = ? WHERE id = ?", (mtime_ns, photo_id))

    def delete_photos(self, db: sqlite3.Connection, photo_ids: Iterable[int]) -> None:
        db.executemany("DELETE FROM photos WHERE id = ?", ((pid,) for pid in photo_ids))

    def delete_missing(self, db: sqlite3.Connection, rows: Iterable[tuple[int, str]]) -> int:
        """Delete rows still pointing at the given (vanished) paths; returns how many."""
        # rowcount, not total_changes: the latter also counts the photo_tags rows that cascade.
        return db.executemany(
            "DELETE FROM photos WHERE id = ? AND path = ?",
            ((photo_id, stored(path)) for photo_id, path in rows),
        ).rowcount

    def set_image_info(self, db: sqlite3.Connection, photo_id: int, info: ImageInfo | None) -> None:
        if info is None:
            return
        db.execute(
            "UPDATE photos SET width = ?, height = ?, orientation = ?, taken_at = ? WHERE id = ?",
            (info.width, info.height, info.orientation, info.taken_at, photo_id),
        )

    def copy_tags(self, db: sqlite3.Connection, source_id: int, target_id: int) -> None:
        """A duplicate (same content) shares the original's tags, embedding and image facts."""
        db.execute(
            "INSERT OR IGNORE INTO photo_tags (photo_id, tag_id, source, state, score,"
            " model_version, updated_at) SELECT ?, tag_id, source, state, score, model_version,"
            " updated_at FROM photo_tags WHERE photo_id = ?",
            (target_id, source_id),
        )
        db.execute(
            "UPDATE photos SET (embedding, tagged_model, width, height, orientation, taken_at,"
            " error) = (SELECT embedding, tagged_model, width, height, orientation, taken_at,"
            " error FROM photos WHERE id = ?) WHERE id = ?",
            (source_id, target_id),
        )

    def set_photo_error(self, db: sqlite3.Connection, photo_id: int, reason: str) -> None:
        db.execute("UPDATE photos SET error = ? WHERE id = ?", (reason, photo_id))

    def photos_needing_tags(self, model_version: str, under: Path | None = None) -> list[KnownFile]:
        sql = (
            "SELECT id, path, size, mtime_ns, content_hash, tagged_model FROM photos "
            "WHERE (tagged_model IS NULL OR tagged_model != ?) AND error IS NULL"
        )
        params: list[object] = [model_version]
        if under is not None:
            sql += " AND (path = ? OR path >= ? AND path < ?)"
            params += _under(under)
        rows = self.database.execute(sql + " ORDER BY id", params).fetchall()
        return [_known_file(row) for row in rows]

    def mark_for_retag(self, under: Path) -> int:
        with self.transaction() as db:
            cursor = db.execute(
                "UPDATE photos SET tagged_model = NULL, error = NULL "
                "WHERE path = ? OR path >= ? AND path < ?",
                _under(under),
            )
            return cursor.rowcount

    def photo_count(self) -> int:
        return self.database.execute("SELECT COUNT(*) FROM photos").fetchone()[0]

    def photo_path(self, photo_id: int) -> str:
        return on_disk(
            self.database.execute("SELECT path FROM photos WHERE id = ?", (photo_id,)).fetchone()[0]
        )

    def photo_ids_under(self, path: Path) -> list[int]:
        return [row.id for row in self.known_files_under(path).values()]

    def photo_paths(self, photo_ids: Sequence[int]) -> list[str]:
        if not photo_ids:
            return []
        rows = self.database.execute(
            "SELECT path FROM photos WHERE id IN (SELECT value FROM json_each(?)) ORDER BY path",
            (_json_ids(photo_ids),),
        ).fetchall()
        return [on_disk(row[0]) for row in rows]

    def exact_duplicates(self) -> list[list[int]]:
        """Groups of photos with the same content (two or more files whose bytes hash alike),
        each by id; empty files are no one's copy."""
        rows = self.database.execute(
            "SELECT content_hash, id FROM photos WHERE content_hash IN ("
            " SELECT content_hash FROM photos WHERE content_hash IS NOT NULL AND size > 0"
            " GROUP BY content_hash HAVING COUNT(*) > 1) ORDER BY content_hash, id"
        ).fetchall()
        groups: dict[str, list[int]] = {}
        for content_hash, photo_id in rows:
            groups.setdefault(content_hash, []).append(photo_id)
        return list(groups.values())

    def embedding(self, photo_id: int) -> np.ndarray | None:
        row = self.database.execute(
            "SELECT embedding FROM photos WHERE id = ?", (photo_id,)
        ).fetchone()
        if not row or row[0] is None:
            return None
        return np.frombuffer(row[0], dtype=EMBEDDING_DTYPE).astype(np.float32)

    def reviewed_photos(self, tag_id: int) -> tuple[list[int], list[int]]:
        """(confirmed, rejected) photo ids of a tag: what a person decided on it."""
        rows = self.database.execute(
            "SELECT photo_id, state FROM photo_tags WHERE tag_id = ? "
            "AND state IN ('confirmed', 'rejected') ORDER BY photo_id",
            (tag_id,),
        ).fetchall()
        return (
            [pid for pid, state in rows if state == "confirmed"],
            [pid for pid, state in rows if state == "rejected"],
        )

    def suggestions(self, tag_id: int, limit: int) -> list[tuple[int, float]]:
        """(photo id, score) of the model's suggestions of a tag nobody reviewed, best first."""
        rows = self.database.execute(
            "SELECT photo_id, score FROM photo_tags WHERE tag_id = ? AND state = 'suggested' "
            "AND score IS NOT NULL ORDER BY score DESC, photo_id LIMIT ?",
            (tag_id, int(limit)),
        ).fetchall()
        return [(pid, float(score)) for pid, score in rows]

    def all_photo_ids(self) -> list[int]:
        return [row[0] for row in self.database.execute("SELECT id FROM photos ORDER BY id")]

    def photo_ids_with_embedding(self, dim: int) -> list[int]:
        """Every photo holding an embedding of ``dim`` columns, by id."""
        rows = self.database.execute(
            "SELECT id FROM photos WHERE length(embedding) = ? ORDER BY id",
            (dim * EMBEDDING_DTYPE.itemsize,),
        ).fetchall()
        return [row[0] for row in rows]

    def photo_ids_to_rescore(self, version: str, dim: int) -> list[int]:
        """Photos with an embedding of ``dim`` columns not yet scored by model ``version``."""
        rows = self.database.execute(
            "SELECT id FROM photos WHERE length(embedding) = ? AND error IS NULL "
            "AND (tagged_model IS NULL OR tagged_model != ?) ORDER BY id",
            (dim * EMBEDDING_DTYPE.itemsize, version),
        ).fetchall()
        return [row[0] for row in rows]

    def queue_retag_from_files(self, version: str, unless_embedding_dim: int | None = None) -> None:
        """Photos not tagged by model ``version`` go back to the tagging queue (the next scan
        decodes them again), all of them or those whose embedding has another size."""
        sql = "UPDATE photos SET tagged_model = NULL WHERE tagged_model != ?"
        params: tuple = (version,)
        if unless_embedding_dim is not None:
            sql += " AND length(embedding) != ?"
            params = (version, unless_embedding_dim * EMBEDDING_DTYPE.itemsize)
        with self.transaction() as db:
            db.execute(sql, params)

    def corrections(self, embedding_dim: int) -> list[tuple[int, str, str]]:
        """(photo id, tag name, confirmed/rejected) of every tag a person decided on (the user's
        corrections and keywords found in files) on photos embedded with ``embedding_dim``."""
        return self.database.execute(
            "SELECT pt.photo_id, t.name, pt.state FROM photo_tags pt"
            " JOIN tags t ON t.id = pt.tag_id JOIN photos p ON p.id = pt.photo_id"
            " WHERE pt.source IN ('user', 'file')"
            " AND pt.state IN ('confirmed', 'rejected') AND length(p.embedding) = ?",
            (embedding_dim * EMBEDDING_DTYPE.itemsize,),
        ).fetchall()

    def embeddings(self, photo_ids: Sequence[int], dim: int) -> tuple[list[int], np.ndarray]:
        """(ids, float32 [len(ids), dim]) of the given photos that hold an embedding of ``dim``
        columns, by id. Others are left out: not tagged yet, embedded by a model of another
        size, or removed or re-queued by a scan since the caller listed them."""
        found: list[int] = []
        blobs: list[bytes] = []
        for start in range(0, len(photo_ids), 20_000):
            rows = self.database.execute(
                "SELECT id, embedding FROM photos WHERE id IN (SELECT value FROM json_each(?)) "
                "AND length(embedding) = ? ORDER BY id",
                (_json_ids(photo_ids[start : start + 20_000]), dim * EMBEDDING_DTYPE.itemsize),
            ).fetchall()
            found += [row[0] for row in rows]
            blobs += [row[1] for row in rows]
        matrix = np.frombuffer(b"".join(blobs), dtype=EMBEDDING_DTYPE).reshape(len(found), dim)
        return found, matrix.astype(np.float32)

    def embedding_changes(self) -> int:
        """A number that changes whenever any photo's stored embedding does (triggers)."""
        return self.database.execute("SELECT count FROM embedding_changes").fetchone()[0]

    def embedding_fingerprint(self, dim: int) -> str:
        """A digest of which photos (id and content) hold an embedding of ``dim`` columns: two
        libraries, or one restored from a backup, with the same ids but other photos differ."""
        digest = hashlib.sha256(str(dim).encode())
        for photo_id, content_hash in self.database.execute(
            "SELECT id, content_hash FROM photos WHERE length(embedding) = ? ORDER BY id",
            (dim * EMBEDDING_DTYPE.itemsize,),
        ):
            digest.update(f"{photo_id}:{content_hash};".encode())
        return digest.hexdigest()

    def stored_embeddings(self, dim: int) -> tuple[int, np.ndarray, np.ndarray]:
        """(embedding_changes(), ids, [len(ids), dim] as stored) of every photo holding an
        embedding of ``dim`` columns, by id, read in one snapshot (a consistent copy)."""
        with self.database.snapshot() as db:
            changes = db.execute("SELECT count FROM embedding_changes").fetchone()[0]
            rows = db.execute(
                "SELECT id, embedding FROM photos WHERE length(embedding) = ? ORDER BY id",
                (dim * EMBEDDING_DTYPE.itemsize,),
            ).fetchall()
        ids = np.array([row[0] for row in rows], dtype=np.int64)
        matrix = np.frombuffer(b"".join(row[1] for row in rows), dtype=EMBEDDING_DTYPE)
        return changes, ids, matrix.reshape(len(ids), dim)

    # -- tags ------------------------------------------------------------------------------

    def sync_tag_definitions(self, definitions: Sequence[TagDefinition]) -> dict[str, int]:
        """Make sure every model tag exists (names, display names, aliases, parents).

        A model tag the user renamed or merged lives on as an alias of the user's tag: its
        suggestions go to that tag, and no tag of the old name comes back (a retag or a new
        model version would otherwise bring "tv" back next to the user's "television").
        """
        with self.transaction() as db:
            names = self._tag_ids(db)
            aliases = {
                alias.lower(): tag_id
                for alias, tag_id in db.execute("SELECT alias, tag_id FROM tag_aliases")
            }
            kept_by_user = {
                tag.name.lower(): aliases[tag.name.lower()]
                for tag in definitions
                if tag.name.lower() not in names and tag.name.lower() in aliases
            }
            for tag in definitions:
                if tag.name.lower() in kept_by_user:
                    continue
                db.execute(
                    "INSERT INTO tags (name, display_en, display_zh, origin) "
                    "VALUES (?, ?, ?, 'model') ON CONFLICT(name) DO UPDATE SET "
                    "display_en = coalesce(excluded.display_en, display_en), "
                    "display_zh = coalesce(excluded.display_zh, display_zh)",
                    (tag.name, tag.display_en, tag.display_zh),
                )
            ids = {**self._tag_ids(db), **kept_by_user}
            for tag in definitions:
                if tag.name.lower() in kept_by_user:
                    continue  # the user's name, parent and aliases stand
                if tag.parent and tag.parent.lower() in ids:
                    db.execute(
                        "UPDATE tags SET parent_id = ? WHERE id = ?",
                        (ids[tag.parent.lower()], ids[tag.name.lower()]),
                    )
                # Display names are aliases too: searching or tagging "长颈鹿" means giraffe.
                for alias in (*tag.aliases, tag.display_zh, tag.display_en):
                    if alias and alias.lower() not in ids:
                        db.execute(
                            "INSERT OR IGNORE INTO tag_aliases (alias, tag_id) VALUES (?, ?)",
                            (alias, ids[tag.name.lower()]),
                        )
            return ids

    def _tag_ids(self, db: sqlite3.Connection) -> dict[str, int]:
        return {name.lower(): tag_id for tag_id, name in db.execute("SELECT id, name FROM tags")}

    def tag_id(self, name: str) -> int | None:
        """A tag's id by name or alias (case-insensitive)."""
        row = self.database.execute(
            "SELECT id FROM tags WHERE name = ? UNION ALL "
            "SELECT tag_id FROM tag_aliases WHERE alias = ? LIMIT 1",
            (name.strip(), name.strip()),
        ).fetchone()
        return row[0] if row else None

    def ensure_tag(self, db: sqlite3.Connection, name: str, origin: str) -> int:
        existing = self.tag_id(name)
        if existing is not None:
            return existing
        cursor = db.execute(
            "INSERT INTO tags (name, display_en, origin) VALUES (?, ?, ?)",
            (name.strip(), name.strip(), origin),
        )
        return _inserted_id(cursor)

    def tag_with_descendants(self, name: str) -> list[int]:
        """Ids matching a query term: the tag and every tag below it ("animal" finds dogs)."""
        tag_id = self.tag_id(name)
        if tag_id is None:
            return []
        rows = self.database.execute(
            "WITH RECURSIVE tree(id) AS (SELECT ? UNION SELECT tags.id FROM tags "
            "JOIN tree ON tags.parent_id = tree.id) SELECT id FROM tree",
            (tag_id,),
        ).fetchall()
        return [row[0] for row in rows]

    def tag_counts(self) -> list[tuple[str, int]]:
        rows = self.database.execute(
            "SELECT tags.name, COUNT(*) FROM photo_tags JOIN tags ON tags.id = photo_tags.tag_id "
            "WHERE photo_tags.state != 'rejected' GROUP BY tags.id ORDER BY COUNT(*) DESC, name"
        ).fetchall()
        return [(row[0], row[1]) for row in rows]

    # -- photo tags ------------------------------------------------------------------------

    def apply_model_tags(
        self,
        db: sqlite3.Connection,
        photo_id: int,
        scores: Sequence[tuple[int, float]],
        model_version: str,
        embedding: np.ndarray | None,
    ) -> None:
        """Record a model's predictions for one photo, following the provenance rules."""
        now = time.time()
        predicted = [tag_id for tag_id, _ in scores]
        db.execute(
            "DELETE FROM photo_tags WHERE photo_id = ? AND source = 'model' "
            "AND state = 'suggested' AND tag_id NOT IN (SELECT value FROM json_each(?))",
            (photo_id, _json_ids(predicted)),
        )
        db.executemany(
            "INSERT INTO photo_tags (photo_id, tag_id, source, state, score, model_version,"
            " updated_at) VALUES (?, ?, 'model', 'suggested', ?, ?, ?) "
            "ON CONFLICT(photo_id, tag_id) DO UPDATE SET score = excluded.score,"
            " model_version = excluded.model_version",
            [(photo_id, tag_id, float(score), model_version, now) for tag_id, score in scores],
        )
        blob = None if embedding is None else np.asarray(embedding, EMBEDDING_DTYPE).tobytes()
        db.execute(
            "UPDATE photos SET tagged_model = ?, embedding = ?, error = NULL WHERE id = ?",
            (model_version, blob, photo_id),
        )

    def apply_file_keywords(
        self, db: sqlite3.Connection, photo_id: int, keywords: Iterable[str]
    ) -> None:
        """Keywords other programs wrote into the file count as confirmed tags (source=file)."""
        now = time.time()
        for keyword in keywords:
            try:
                name = valid_tag_name(keyword)
            except TagNameError as error:
                log.warning(
                    "photo %d: keyword %s not imported: %s", photo_id, printable(keyword), error
                )
                continue
            tag_id = self.ensure_tag(db, name, "file")
            db.execute(
                "INSERT INTO photo_tags (photo_id, tag_id, source, state, updated_at) "
                "VALUES (?, ?, 'file', 'confirmed', ?) ON CONFLICT(photo_id, tag_id) DO UPDATE "
                "SET source = CASE WHEN state = 'suggested' THEN 'file' ELSE source END, "
                "state = CASE WHEN state = 'suggested' THEN 'confirmed' ELSE state END",
                (photo_id, tag_id, now),
            )

    def set_user_tag(self, photo_ids: Sequence[int], name: str, state: str) -> None:
        """A user correction: confirm (or add) or reject ``name`` on each photo."""
        if state not in ("confirmed", "rejected"):
            raise ValueError(f"unknown state {state!r}")
        name = valid_tag_name(name)
        now = time.time()
        with self.transaction() as db:
            tag_id = self.ensure_tag(db, name, "user")
            db.executemany(
                "INSERT INTO photo_tags (photo_id, tag_id, source, state, updated_at) "
                "VALUES (?, ?, 'user', ?, ?) ON CONFLICT(photo_id, tag_id) DO UPDATE SET "
                "source = 'user', state = excluded.state, updated_at = excluded.updated_at",
                [(photo_id, tag_id, state, now) for photo_id in photo_ids],
            )

    def photo_tags(self, photo_id: int) -> list[PhotoTag]:
        rows = self.database.execute(
            "SELECT t.name, t.display_en, t.display_zh, p.name, pt.source, pt.state, pt.score,"
            " pt.model_version FROM photo_tags pt JOIN tags t ON t.id = pt.tag_id "
            "LEFT JOIN tags p ON p.id = t.parent_id WHERE pt.photo_id = ? "
            "ORDER BY pt.state = 'rejected', pt.score IS NULL, pt.score DESC, t.name",
            (photo_id,),
        ).fetchall()
        return [PhotoTag(*row) for row in rows]

    # -- keywords written into files --------------------------------------------------------

    def keywords_to_write(
        self, photo_id: int, include_suggested: bool
    ) -> tuple[list[str], list[str]]:
        """(flat, hierarchical) keywords Organizer should have in the file.

        Tags that came from the file are already there and stay the other program's; only
        confirmed tags (and suggestions when asked) are ours to write. A tag with a parent is
        also written as a path, "animal|dog", for programs that show keyword trees.
        """
        states = ("confirmed", "suggested") if include_suggested else ("confirmed",)
        rows = self.database.execute(
            "SELECT t.id, t.name FROM photo_tags pt JOIN tags t ON t.id = pt.tag_id "
            "WHERE pt.photo_id = ? AND pt.source != 'file' AND pt.state IN "
            f"({','.join('?' * len(states))}) ORDER BY t.name",
            (photo_id, *states),
        ).fetchall()
        parents = self._tag_parents()
        flat = [name for _, name in rows]
        hierarchical = []
        for tag_id, _ in rows:
            chain = self._tag_chain(tag_id, parents)
            if len(chain) > 1:
                hierarchical.append("|".join(chain))
        return flat, hierarchical

    def _tag_parents(self) -> dict[int, tuple[str, int | None]]:
        rows = self.database.execute("SELECT id, name, parent_id FROM tags").fetchall()
        return {tag_id: (name, parent) for tag_id, name, parent in rows}

    @staticmethod
    def _tag_chain(tag_id: int, parents: dict[int, tuple[str, int | None]]) -> list[str]:
        chain: list[str] = []
        current: int | None = tag_id
        while current is not None and current in parents and len(chain) < 16:
            name, current = parents[current]
            chain.append(name)
        return list(reversed(chain))

    def written_keywords(self, photo_id: int) -> tuple[list[str], list[str]]:
        """(flat, hierarchical) keywords Organizer wrote into this photo's file last time."""
        rows = self.database.execute(
            "SELECT hierarchical, keyword FROM written_keywords WHERE photo_id = ? "
            "ORDER BY keyword",
            (photo_id,),
        ).fetchall()
        return [k for h, k in rows if not h], [k for h, k in rows if h]

    def begin_write_intent(
        self, photo_id: int, path: str, ours: Iterable[str], hierarchical: Iterable[str]
    ) -> None:
        """Durably note, before a file is replaced, every keyword that will be Organizer's
        (what it owned before and what it is about to add), flat and hierarchical."""
        keywords = {"flat": sorted(set(ours)), "hierarchical": sorted(set(hierarchical))}
        with self.transaction() as db:
            db.execute(
                "INSERT OR REPLACE INTO write_intents "
                "(photo_id, path, keywords, owner_pid, created_at) VALUES (?, ?, ?, ?, ?)",
                (photo_id, stored(path), json.dumps(keywords, ensure_ascii=False), os.getpid(),
                 time.time()),
            )

    def write_intents(self) -> list[WriteIntent]:
        """Writes that began and were never recorded (some may be in progress right now)."""
        rows = self.database.execute(
            "SELECT photo_id, path, keywords, owner_pid, created_at FROM write_intents "
            "ORDER BY photo_id"
        ).fetchall()
        found = []
        for photo_id, path, text, pid, created in rows:
            keywords = json.loads(text)
            flat, hierarchical = keywords["flat"], keywords["hierarchical"]
            found.append(WriteIntent(photo_id, on_disk(path), flat, hierarchical, pid, created))
        return found

    def has_write_intent(self, path: str) -> bool:
        """Whether some Organizer process is writing keywords into ``path`` right now."""
        row = self.database.execute(
            "SELECT 1 FROM write_intents WHERE path = ? LIMIT 1", (stored(path),)
        ).fetchone()
        return row is not None

    def clear_write_intent(self, db: sqlite3.Connection, photo_id: int) -> None:
        db.execute("DELETE FROM write_intents WHERE photo_id = ?", (photo_id,))

    def record_written(
        self,
        db: sqlite3.Connection,
        photo_id: int,
        flat: Iterable[str],
        hierarchical: Iterable[str],
        size: int,
        mtime_ns: int,
        content_hash: str,
    ) -> None:
        """Remember what we wrote and the file's new identity, so a rescan sees no change."""
        db.execute("DELETE FROM written_keywords WHERE photo_id = ?", (photo_id,))
        db.executemany(
            "INSERT OR IGNORE INTO written_keywords (photo_id, hierarchical, keyword) "
            "VALUES (?, ?, ?)",
            [(photo_id, 0, k) for k in flat] + [(photo_id, 1, k) for k in hierarchical],
        )
        db.execute(
            "UPDATE photos SET size = ?, mtime_ns = ?, content_hash = ? WHERE id = ?",
            (size, mtime_ns, content_hash, photo_id),
        )

    # -- search ----------------------------------------------------------------------------

    def search(self, query: str, limit: int | None = None) -> list[int]:
        """Photo ids matching a query in the tag query language, ordered by id (the first
        ``limit`` of them)."""
        ids = np.flatnonzero(self.query_mask(query))
        return (ids if limit is None else ids[: max(limit, 0)]).tolist()

    def query_mask(self, query: str) -> np.ndarray:
        """Whether each photo id matches a query, as booleans indexed by id (ids past the end
        do not match); from the tag bitmaps, current in one snapshot."""
        node = parse_query(query)
        with self._tag_reads() as (db, tag_sets):
            resolved = resolve_query(node, self.tag_with_descendants)
            return tag_sets.mask(db, resolved, self.database.identity)

    def visible_tag_counts(self, mask: np.ndarray) -> dict[int, int] | None:
        """Tag id -> how many of the photos ``mask`` marks (booleans by id) carry the tag
        visibly; None where the tag bitmaps would take too much memory (thousands of tags
        on a big library: count in SQL then)."""
        with self._tag_reads() as (db, tag_sets):
            tag_ids = [row[0] for row in db.execute("SELECT id FROM tags")]
            return tag_sets.counts(db, tag_ids, mask, self.database.identity)

    @contextlib.contextmanager
    def _tag_reads(self) -> Iterator[tuple[sqlite3.Connection, TagSets]]:
        """A read transaction and the bitmaps to use in it. Inside the caller's own
        transaction, which may hold uncommitted changes, bitmaps are read for this once and
        not kept: a count that is rolled back could be reached again by other changes."""
        if self.connection.in_transaction:
            with translate_sqlite_errors(self.database.path):
                yield self.connection, TagSets()
            return
        with self.database.snapshot() as db:
            yield db, self.tag_sets

    @contextlib.contextmanager
    def read_snapshot(self) -> Iterator[sqlite3.Connection]:
        """A consistent view for several reads while another process writes."""
        with translate_sqlite_errors(self.database.path):
            self.connection.execute("BEGIN")
            try:
                yield self.connection
            finally:
                self.connection.execute("COMMIT")


def _record_values(record: PhotoRecord) -> tuple:
    """The photos columns a PhotoRecord fills, in the order the statements above list them."""
    return (
        record.folder_id,
        stored(record.path),
        record.size,
        record.mtime_ns,
        record.content_hash,
        record.width,
        record.height,
        record.taken_at,
        record.orientation,
    )


def _inserted_id(cursor: sqlite3.Cursor) -> int:
    """The rowid of the row a successful INSERT just added (None only before any insert)."""
    assert cursor.lastrowid is not None
    return cursor.lastrowid


def _known_file(row: Sequence) -> KnownFile:
    return KnownFile(row[0], on_disk(row[1]), *row[2:])


def _under(directory: Path | str) -> list[str]:
    """Parameters of ``path = ? OR path >= ? AND path < ?``: the folder and everything below."""
    prefix = stored(str(Path(directory).resolve()))
    return [prefix, prefix + os.sep, prefix + chr(ord(os.sep) + 1)]


def _json_ids(ids: Iterable[int]) -> str:
    return "[" + ",".join(str(int(i)) for i in ids) + "]"
