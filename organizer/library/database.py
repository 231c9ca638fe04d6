"""Opening the index: WAL mode, busy timeout, migrations with a backup first."""

from __future__ import annotations

import contextlib
import sqlite3
import time
from collections.abc import Iterator
from pathlib import Path

from organizer.errors import DatabaseLockedError, LibraryError
from organizer.library.migrations import MIGRATIONS
from organizer.library.paths import natural_sort_key

DATABASE_NAME = "library.sqlite"
BUSY_TIMEOUT_MS = 5000
# Written next to a database once it exists: tells a lost database from a new library.
IN_USE_MARKER = "library-in-use.txt"


class Database:
    """One SQLite connection with the index's pragmas; use ``transaction()`` for writes."""

    def __init__(self, connection: sqlite3.Connection, path: Path) -> None:
        self.connection = connection
        self.path = path
        self._identity = file_identity(path)

    @property
    def identity(self) -> tuple[int, int] | None:
        """The database file this connection opened (device, inode)."""
        return self._identity

    @contextlib.contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """BEGIN IMMEDIATE so a competing writer fails here, before any work is done."""
        self.require_same_file()
        with translate_sqlite_errors(self.path):
            self.connection.execute("BEGIN IMMEDIATE")
            try:
                yield self.connection
            except BaseException:
                self.connection.rollback()
                raise
            self.connection.commit()

    @contextlib.contextmanager
    def snapshot(self) -> Iterator[sqlite3.Connection]:
        """A read transaction: every query inside sees the same state of the index, and no
        writer waits for it (WAL)."""
        with translate_sqlite_errors(self.path):
            self.connection.execute("BEGIN DEFERRED")
            try:
                yield self.connection
            finally:
                self.connection.rollback()

    def execute(self, sql: str, params: tuple | list | dict = ()) -> sqlite3.Cursor:
        with translate_sqlite_errors(self.path):
            return self.connection.execute(sql, params)

    def close(self) -> None:
        self.connection.close()

    def require_same_file(self) -> None:
        """Refuse to write once the database file was deleted or replaced under us: SQLite
        would go on writing into the unlinked file, and every change would be lost."""
        if file_identity(self.path) != self._identity:
            raise LibraryError(
                f"the library database {self.path} was deleted or replaced while Organizer "
                "was running; restart Organizer"
            )


def file_identity(path: Path) -> tuple[int, int] | None:
    """(device, inode) of a file or folder, None when it is not there: another file at the
    same path has another identity."""
    try:
        st = path.stat()
    except OSError:
        return None
    return st.st_dev, st.st_ino


@contextlib.contextmanager
def translate_sqlite_errors(path: Path) -> Iterator[None]:
    """Turn SQLite's environment errors into messages a user can act on."""
    try:
        yield
    except sqlite3.OperationalError as error:
        text = str(error)
        if "locked" in text or "busy" in text:
            raise DatabaseLockedError(
                f"the library database {path} is locked by another program; "
                "close it or wait and try again"
            ) from error
        if "readonly" in text or "read-only" in text:
            raise LibraryError(f"the library database {path} is read-only") from error
        if "disk" in text and ("full" in text or "I/O" in text):
            raise LibraryError(f"cannot write the library database {path}: {text}") from error
        raise
    except sqlite3.DatabaseError as error:
        if "not a database" in str(error) or "malformed" in str(error):
            raise LibraryError(
                f"{path} is not a valid Organizer library database ({error})"
            ) from error
        raise


def open_database(library_dir: Path) -> Database:
    """Open (creating if needed) the library's database and bring its schema up to date."""
    library_dir = Path(library_dir)
    if library_dir.exists() and not library_dir.is_dir():
        raise LibraryError(f"{library_dir} is a file, not a library folder")
    try:
        library_dir.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        reason = error.strerror or str(error)
        raise LibraryError(f"cannot create library folder {library_dir}: {reason}") from error
    path = library_dir / DATABASE_NAME
    _refuse_lost_database(path)
    try:
        connection = sqlite3.connect(
            path, timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None, check_same_thread=False
        )
    except sqlite3.OperationalError as error:
        raise LibraryError(f"cannot open library database {path}: {error}") from error
    database = Database(connection, path)
    try:
        _configure(database)
    except LibraryError:
        connection.close()
        raise
    except sqlite3.OperationalError as error:
        connection.close()
        # WAL needs to create library.sqlite-wal/-shm next to the database.
        raise LibraryError(
            f"cannot open library database {path}: {error} (is {library_dir} writable?)"
        ) from error
    _mark_in_use(library_dir)
    return database


def _refuse_lost_database(path: Path) -> None:
    """A library that was in use (its marker exists) whose database is gone or empty is an
    error, not a new library: recreating it silently would look like every tag was lost."""
    if not (path.parent / IN_USE_MARKER).exists():
        return
    try:
        size = path.stat().st_size
    except FileNotFoundError:
        size = None
    if size:
        return
    state = "is missing" if size is None else "is empty (0 bytes)"
    backups = sorted(path.parent.glob(f"{DATABASE_NAME}.*.bak"))
    hint = f"restore {backups[-1].name}" if backups else "restore it from a backup"
    raise LibraryError(
        f"the library database {path} {state}; {hint}, or delete "
        f"{path.parent / IN_USE_MARKER} to start an empty library there"
    )


def _mark_in_use(library_dir: Path) -> None:
    marker = library_dir / IN_USE_MARKER
    if not marker.exists():
        with contextlib.suppress(OSError):
            marker.write_text(
                "This folder is an Organizer library; library.sqlite is its index.\n",
                encoding="utf-8",
            )


def _configure(database: Database) -> None:
    connection, path = database.connection, database.path
    with translate_sqlite_errors(path):
        connection.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        if connection.execute("PRAGMA journal_mode = WAL").fetchone()[0] != "wal":
            raise LibraryError(f"cannot switch {path} to WAL mode (is the folder writable?)")
        connection.execute("PRAGMA synchronous = NORMAL")
        connection.execute("PRAGMA foreign_keys = ON")
        connection.execute("PRAGMA cache_size = -65536")
        connection.create_function("natural_sort_key", 1, natural_sort_key, deterministic=True)
        migrate(database)


def schema_version(connection: sqlite3.Connection) -> int:
    return connection.execute("PRAGMA user_version").fetchone()[0]


def migrate(database: Database) -> None:
    """Apply pending migrations; back the database up first when it already holds data."""
    connection = database.connection
    current = schema_version(connection)
    newest = MIGRATIONS[-1][0]
    if current > newest:
        # A newer Organizer's library: its triggers or columns may need what this one lacks.
        raise LibraryError(
            f"the library {database.path.parent} was made by a newer version of Organizer "
            f"(schema {current}, this one knows up to {newest}); update Organizer to open it"
        )
    pending = [m for m in MIGRATIONS if m[0] > current]
    if not pending:
        return
    if current > 0:
        backup(database, f"before-v{pending[0][0]}")
    connection.execute(
        "CREATE TABLE IF NOT EXISTS migrations "
        "(version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at REAL NOT NULL)"
    )
    for version, name, sql in pending:
        with database.transaction():
            for statement in _statements(sql):
                connection.execute(statement)
            connection.execute(
                "INSERT INTO migrations (version, name, applied_at) VALUES (?, ?, ?)",
                (version, name, time.time()),
            )
            connection.execute(f"PRAGMA user_version = {version}")


def backup(database: Database, label: str) -> Path:
    target = database.path.with_name(f"{database.path.name}.{label}.bak")
    destination = sqlite3.connect(target)
    try:
        database.connection.backup(destination)
    finally:
        destination.close()
    return target


def _statements(sql: str) -> list[str]:
    """The statements of a migration script; a trigger's body (BEGIN ...; END) is one."""
    statements, pending = [], ""
    for part in sql.split(";"):
        pending += part + ";"
        if sqlite3.complete_statement(pending):
            if pending.strip(" \n;"):
                statements.append(pending.strip())
            pending = ""
    if pending.strip(" \n;"):
        statements.append(pending.strip())
    return statements
