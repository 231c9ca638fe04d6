"""The composition root: builds the library, engine and pipeline and hands them out.

Nothing else constructs these objects; the CLI and the desktop app both start here.
"""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass, field
from pathlib import Path

from organizer.errors import LibraryError
from organizer.library.database import open_database
from organizer.library.store import Library
from organizer.tagging.bundle import ModelBundle, default_bundle_dir, load_bundle
from organizer.tagging.engine import TaggingEngine


def default_library_dir() -> Path:
    """The platform's per-user data folder (``ORGANIZER_LIBRARY`` overrides it)."""
    override = os.environ.get("ORGANIZER_LIBRARY")
    if override:
        return Path(override)
    home = Path.home()
    if sys.platform == "win32":
        base = Path(os.environ.get("LOCALAPPDATA", home / "AppData" / "Local"))
        return base / "Organizer"
    if sys.platform == "darwin":
        return home / "Library" / "Application Support" / "Organizer"
    return Path(os.environ.get("XDG_DATA_HOME", home / ".local" / "share")) / "organizer"


@dataclass
class App:
    """The objects one run of Organizer works with."""

    library_dir: Path
    library: Library
    _engine: TaggingEngine | None = field(default=None, repr=False)

    @property
    def engine(self) -> TaggingEngine:
        """Loaded on first use: commands such as ``search`` never pay for the model."""
        if self._engine is None:
            use_gpu = self.library.setting("use_gpu", "1") == "1"
            self._engine = TaggingEngine(self.active_bundle(), use_gpu=use_gpu)
        return self._engine

    def active_bundle(self) -> ModelBundle:
        active = self.library.setting("active_model")
        if active:
            directory = self.library_dir / "models" / active
            if directory.is_dir():
                return load_bundle(directory)
            raise LibraryError(
                f"the active model {active!r} is missing from {directory}; "
                "run 'organizer models use default' to go back to the shipped model"
            )
        return load_bundle(default_bundle_dir())

    def pipeline(self):
        from organizer.ingest.pipeline import Pipeline

        return Pipeline(self.library, self.engine)

    def close(self) -> None:
        self.library.close()


def open_app(library_dir: Path | None = None) -> App:
    directory = Path(library_dir) if library_dir else default_library_dir()
    database = open_database(directory)
    return App(directory, Library(database, directory))
