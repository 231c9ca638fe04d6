"""Numbered schema migrations. Each runs once, in order, inside one transaction.

Append new migrations; never edit one that has shipped.
"""

from __future__ import annotations

MIGRATIONS: list[tuple[int, str, str]] = [
    (
        1,
        "initial schema",
        """
        CREATE TABLE folders (
            id INTEGER PRIMARY KEY,
            path TEXT NOT NULL UNIQUE,
            added_at REAL NOT NULL
        );
        CREATE TABLE photos (
            id INTEGER PRIMARY KEY,
            folder_id INTEGER NOT NULL REFERENCES folders(id) ON DELETE CASCADE,
            path TEXT NOT NULL UNIQUE,
            size INTEGER NOT NULL,
            mtime_ns INTEGER NOT NULL,
            content_hash TEXT,
            width INTEGER,
            height INTEGER,
            taken_at TEXT,
            orientation INTEGER,
            embedding BLOB,
            tagged_model TEXT,
            error TEXT,
            indexed_at REAL NOT NULL
        );
        CREATE INDEX photos_content_hash ON photos(content_hash);
        CREATE INDEX photos_folder ON photos(folder_id);
        CREATE INDEX photos_taken_at ON photos(taken_at, path);
        CREATE TABLE tags (
            id INTEGER PRIMARY KEY,
            name TEXT NOT NULL UNIQUE COLLATE NOCASE,
            parent_id INTEGER REFERENCES tags(id) ON DELETE SET NULL,
            display_en TEXT,
            display_zh TEXT,
            origin TEXT NOT NULL DEFAULT 'model' CHECK (origin IN ('model', 'user', 'file'))
        );
        CREATE TABLE tag_aliases (
            alias TEXT PRIMARY KEY COLLATE NOCASE,
            tag_id INTEGER NOT NULL REFERENCES tags(id) ON DELETE CASCADE
        );
        CREATE TABLE photo_tags (
            photo_id INTEGER NOT NULL REFERENCES photos(id) ON DELETE CASCADE,
            tag_id INTEGER NOT NULL REFERENCES tags(id) ON DELETE CASCADE,
            source TEXT NOT NULL CHECK (source IN ('model', 'user', 'file')),
            state TEXT NOT NULL CHECK (state IN ('suggested', 'confirmed', 'rejected')),
            score REAL,
            model_version TEXT,
            updated_at REAL NOT NULL,
            PRIMARY KEY (photo_id, tag_id)
        ) WITHOUT ROWID;
        -- Covering (state included) so tag queries never touch the table rows.
        CREATE INDEX photo_tags_visible ON photo_tags(tag_id, photo_id, state)
            WHERE state != 'rejected';
        CREATE TABLE written_keywords (
            photo_id INTEGER NOT NULL REFERENCES photos(id) ON DELETE CASCADE,
            hierarchical INTEGER NOT NULL CHECK (hierarchical IN (0, 1)),
            keyword TEXT NOT NULL,
            PRIMARY KEY (photo_id, hierarchical, keyword)
        ) WITHOUT ROWID;
        CREATE TABLE settings (
            key TEXT PRIMARY KEY,
            value TEXT NOT NULL
        );
        """,
    ),
    (
        2,
        "write intents",
        """
        -- A keyword write about to replace a file: recorded (and committed) before the file is
        -- replaced, cleared with the write's record after it, so that after a crash in between
        -- the next run knows which of the file's keywords are Organizer's.
        CREATE TABLE write_intents (
            photo_id INTEGER PRIMARY KEY REFERENCES photos(id) ON DELETE CASCADE,
            path TEXT NOT NULL,
            keywords TEXT NOT NULL,
            created_at REAL NOT NULL
        );
        CREATE INDEX write_intents_path ON write_intents(path);
        """,
    ),
    (
        3,
        "write intent owners",
        """
        -- The process that wrote the intent: only an intent whose process is gone is settled
        -- by another run (0: unknown, settled at once).
        ALTER TABLE write_intents ADD COLUMN owner_pid INTEGER NOT NULL DEFAULT 0;
        """,
    ),
    (
        4,
        "embedding change counter",
        """
        -- Counts every change to the set of stored embeddings (a photo added, re-embedded or
        -- removed), in any process: an in-memory copy of them is current while it is equal.
        CREATE TABLE embedding_changes (
            id INTEGER PRIMARY KEY CHECK (id = 1),
            count INTEGER NOT NULL
        );
        INSERT INTO embedding_changes (id, count) VALUES (1, 0);
        CREATE TRIGGER photos_embedding_added AFTER INSERT ON photos
        BEGIN UPDATE embedding_changes SET count = count + 1; END;
        CREATE TRIGGER photos_embedding_changed AFTER UPDATE OF embedding ON photos
        BEGIN UPDATE embedding_changes SET count = count + 1; END;
        CREATE TRIGGER photos_embedding_removed AFTER DELETE ON photos
        BEGIN UPDATE embedding_changes SET count = count + 1; END;
        """,
    ),
    (
        5,
        "natural name order",
        """
        -- Sort by name as file managers do (2.jpg before 10.jpg, case-insensitive):
        -- natural_sort_key() is organizer.library.paths.natural_sort_key, registered on every
        -- connection the library opens; the triggers keep the key of every row current.
        ALTER TABLE photos ADD COLUMN sort_key TEXT;
        UPDATE photos SET sort_key = natural_sort_key(path);
        CREATE INDEX photos_sort_key ON photos(sort_key);
        CREATE TRIGGER photos_sort_key_added AFTER INSERT ON photos
        BEGIN UPDATE photos SET sort_key = natural_sort_key(NEW.path) WHERE id = NEW.id; END;
        CREATE TRIGGER photos_sort_key_moved AFTER UPDATE OF path ON photos
        BEGIN UPDATE photos SET sort_key = natural_sort_key(NEW.path) WHERE id = NEW.id; END;
        """,
    ),
    (
        6,
        "tag change counters",
        """
        -- Counts every change to which photos carry a tag visibly, per tag and in any process
        -- (confirming a suggestion changes no count: it was visible and stays so):
        -- an in-memory set of a tag's photos is current while its count is equal. Rows are
        -- never deleted, so a tag id that is used again never meets an old count.
        CREATE TABLE tag_changes (
            tag_id INTEGER PRIMARY KEY,
            count INTEGER NOT NULL
        );
        CREATE TRIGGER photo_tags_row_added AFTER INSERT ON photo_tags
        BEGIN
            INSERT INTO tag_changes (tag_id, count) VALUES (NEW.tag_id, 1)
                ON CONFLICT (tag_id) DO UPDATE SET count = count + 1;
        END;
        CREATE TRIGGER photo_tags_row_changed AFTER UPDATE OF photo_id, tag_id, state ON photo_tags
        WHEN OLD.photo_id != NEW.photo_id OR OLD.tag_id != NEW.tag_id
            OR (OLD.state = 'rejected') != (NEW.state = 'rejected')
        BEGIN
            INSERT INTO tag_changes (tag_id, count) VALUES (OLD.tag_id, 1)
                ON CONFLICT (tag_id) DO UPDATE SET count = count + 1;
            INSERT INTO tag_changes (tag_id, count) VALUES (NEW.tag_id, 1)
                ON CONFLICT (tag_id) DO UPDATE SET count = count + 1;
        END;
        CREATE TRIGGER photo_tags_row_removed AFTER DELETE ON photo_tags
        BEGIN
            INSERT INTO tag_changes (tag_id, count) VALUES (OLD.tag_id, 1)
                ON CONFLICT (tag_id) DO UPDATE SET count = count + 1;
        END;
        """,
    ),
]
