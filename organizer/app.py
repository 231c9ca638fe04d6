"""The composition root: builds the library, engine and pipeline and hands them out.

Nothing else constructs these objects; the CLI and the desktop app both start here.
"""

from __future__ import annotations

import logging
import os
import sys
from dataclasses import dataclass, field
from pathlib import Path

from organizer.ingest.pipeline import Pipeline
from organizer.ingest.writeback import KeywordWriteback, WriteMode, keywords_as_tags
from organizer.library.database import open_database
from organizer.library.store import Library
from organizer.metadata.own_writes import OwnWrites
from organizer.metadata.writer import MetadataService
from organizer.tagging.bundle import ModelBundle
from organizer.tagging.engine import TaggingEngine
from organizer.tagging.registry import ModelRegistry

log = logging.getLogger(__name__)


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
    own_writes: OwnWrites = field(default_factory=OwnWrites)
    _engine: TaggingEngine | None = field(default=None, repr=False)
    _metadata: MetadataService | None = field(default=None, repr=False)

    @property
    def engine(self) -> TaggingEngine:
        """Loaded on first use: commands such as ``search`` never pay for the model."""
        if self._engine is None:
            use_gpu = self.library.setting("use_gpu", "1") == "1"
            self._engine = TaggingEngine(self.active_bundle(), use_gpu=use_gpu)
        return self._engine

    def model_registry(self) -> ModelRegistry:
        return ModelRegistry(self.library_dir / "models", self.library)

    def active_bundle(self) -> ModelBundle:
        """The bundle named by the library's ``active_model`` setting (else the shipped one)."""
        return self.model_registry().active_bundle()

    def refresh_model(self) -> bool:
        """Pick up a model activated by another process (training, ``models use``) without a
        restart; returns whether the engine changed. Batches in flight finish on the old one."""
        if self._engine is None:
            return False  # the engine is built from the active bundle on first use anyway
        bundle = self.active_bundle()
        current = self._engine.bundle
        if (bundle.version, bundle.directory) == (current.version, current.directory):
            return False
        self._engine.swap(bundle)
        return True

    @property
    def metadata(self) -> MetadataService:
        """The one exiv2 thread for this process (started on first use)."""
        if self._metadata is None:
            self._metadata = MetadataService(self.own_writes)
        return self._metadata

    def write_mode(self) -> WriteMode:
        return WriteMode.from_setting(self.library.setting("write_keywords"))

    def writeback(self) -> KeywordWriteback:
        keep_mtime = self.library.setting("keep_mtime", "1") == "1"
        return KeywordWriteback(self.library, self.metadata, keep_mtime=keep_mtime)

    def pipeline(self) -> Pipeline:
        mode = self.write_mode()
        on_tagged = None
        if mode is not WriteMode.OFF:
            writeback = self.writeback()

            def on_tagged(photo_ids: list[int]) -> None:
                report = writeback.write(photo_ids, mode)
                for path, reason in report.failed:
                    log.warning("could not write keywords to %s: %s", path, reason)

        return Pipeline(
            self.library,
            self.engine,
            read_keywords=lambda path: keywords_as_tags(self.metadata.read_keywords(path)),
            on_tagged=on_tagged,
            refresh_model=self.refresh_model,
        )

    def close(self) -> None:
        if self._metadata is not None:
            self._metadata.close()
        self.library.close()


def open_app(library_dir: Path | None = None) -> App:
    directory = Path(library_dir) if library_dir else default_library_dir()
    database = open_database(directory)
    return App(directory, Library(database, directory))
