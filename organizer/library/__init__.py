"""The SQLite index: schema, migrations, queries and the tag query language. No Qt."""

from organizer.library.database import Database, open_database
from organizer.library.store import Library

__all__ = ["Database", "Library", "open_database"]
