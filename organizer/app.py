"""The composition root: builds the library, engine and pipeline and hands them out.

Nothing else constructs these objects; the CLI and the desktop app both start here.
"""

from __future__ import annotations

import logging
import os
import sys
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from organizer.errors import OrganizerError
from organizer.ingest.pipeline import Pipeline
from organizer.ingest.writeback import KeywordWriteback, WriteMode, WriteReport, keywords_as_tags
from organizer.library.database import open_database
from organizer.library.store import Library
from organizer.metadata.own_writes import OwnWrites
from organizer.metadata.writer import MetadataService
from organizer.tagging.bundle import ModelBundle
from organizer.tagging.embedding_index import EmbeddingCache, EmbeddingIndex
from organizer.tagging.engine import TaggingEngine
from organizer.tagging.registry import ModelRegistry
from organizer.tagging.rescore import rescore_library

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


def organizer_command() -> list[str]:
    """How to run Organizer's command line in a child process (the app's retraining): the
    executable itself in an installed, frozen package; this Python with ``-m organizer`` else."""
    if getattr(sys, "frozen", False):
        # The console program (packaging/launcher.py) next to the windowed one, if any.
        console = Path(sys.executable).with_name(
            "organizer.exe" if sys.platform == "win32" else "organizer"
        )
        return [str(console if console.is_file() else sys.executable)]
    return [sys.executable, "-m", "organizer"]


@dataclass
class App:
    """The objects one run of Organizer works with.

    ``library`` is the connection of the thread that built the App (the CLI's, the GUI's).
    Worker threads get their own connection from ``connect()`` and pass it to ``pipeline()``;
    the tagging engine (one model in memory) and the exiv2 service (one exiv2 thread) are
    shared by every pipeline of the process.
    """

    library_dir: Path
    library: Library
    own_writes: OwnWrites = field(default_factory=OwnWrites)
    embeddings: EmbeddingIndex = field(init=False)
    _engine: TaggingEngine | None = field(default=None, repr=False)
    _metadata: MetadataService | None = field(default=None, repr=False)
    _lock: threading.RLock = field(default_factory=threading.RLock, repr=False)

    def __post_init__(self) -> None:
        # The copy of the stored embeddings the next process maps instead of reading SQLite.
        self.embeddings = EmbeddingIndex(EmbeddingCache(self.library_dir / "embeddings"))

    def connect(self) -> Library:
        """A new connection to this library for the calling thread; the caller closes it."""
        return Library(open_database(self.library_dir), self.library_dir, self.library.tag_sets)

    @property
    def engine(self) -> TaggingEngine:
        """Loaded on first use: commands such as ``search`` never pay for the model."""
        return self.engine_for(self.library)

    def engine_for(self, library: Library) -> TaggingEngine:
        """The process's engine, built on first use from settings read through ``library``
        (the calling thread's connection)."""
        with self._lock:
            if self._engine is None:
                use_gpu = library.setting("use_gpu", "1") == "1"
                bundle = ModelRegistry(self.library_dir / "models", library).active_bundle()
                self._engine = TaggingEngine(bundle, use_gpu=use_gpu)
            return self._engine

    @property
    def loaded_engine(self) -> TaggingEngine | None:
        """The engine if it was built already (for showing which provider runs)."""
        return self._engine

    def set_use_gpu(self, use_gpu: bool, library: Library | None = None) -> None:
        """Remember the GPU setting and apply it to the running engine (it reloads the model on
        the chosen provider, so pipelines already running switch too). Takes seconds when the
        engine is loaded: call it off the GUI thread."""
        (library or self.library).set_setting("use_gpu", "1" if use_gpu else "0")
        with self._lock:
            engine = self._engine
        if engine is not None and engine.use_gpu != use_gpu:
            engine.use_gpu = use_gpu
            engine.swap(engine.bundle)

    def model_registry(self, library: Library | None = None) -> ModelRegistry:
        return ModelRegistry(self.library_dir / "models", library or self.library)

    def active_bundle(self, library: Library | None = None) -> ModelBundle:
        """The bundle named by the library's ``active_model`` setting (else the shipped one)."""
        return self.model_registry(library).active_bundle()

    def refresh_model(self, library: Library | None = None) -> bool:
        """Pick up a model activated by another process (training, ``models use``) without a
        restart; returns whether the engine changed. Batches in flight finish on the old one."""
        with self._lock:
            engine = self._engine
        if engine is None:
            return False  # the engine is built from the active bundle on first use anyway
        bundle = self.active_bundle(library)
        current = engine.bundle
        if (bundle.version, bundle.directory) == (current.version, current.directory):
            return False
        engine.swap(bundle)
        return True

    def activate_model(
        self,
        name: str,
        library: Library | None = None,
        progress: Callable[[str, int, int], None] | None = None,
    ) -> tuple[ModelBundle, int]:
        """Make model version ``name`` (``default``, ``previous`` or ``user-N``) live: the
        library's suggestions are recomputed with it and this process's engine follows.
        Returns the bundle and how many photos were updated (``organizer models use`` and the
        app's Model → Versions both do this)."""
        library = library or self.library
        registry = self.model_registry(library)
        if name == "previous":
            previous = registry.previous_name()
            if previous is None:
                raise OrganizerError("no previous model to go back to")
            name = previous
        bundle = registry.activate(name)
        updated = rescore_library(library, bundle, progress)
        self.refresh_model(library)
        return bundle, updated

    @property
    def metadata(self) -> MetadataService:
        """The one exiv2 thread for this process (started on first use)."""
        with self._lock:
            if self._metadata is None:
                self._metadata = MetadataService(self.own_writes)
            return self._metadata

    def write_mode(self, library: Library | None = None) -> WriteMode:
        return WriteMode.from_setting((library or self.library).setting("write_keywords"))

    def writeback(self, library: Library | None = None) -> KeywordWriteback:
        library = library or self.library
        keep_mtime = library.setting("keep_mtime", "1") == "1"
        return KeywordWriteback(library, self.metadata, keep_mtime=keep_mtime)

    def write_after_correction(
        self, photo_ids: Sequence[int], library: Library | None = None
    ) -> WriteReport | None:
        """Write the keywords of ``photo_ids`` into their files if the ``write_keywords``
        setting says so (None when it is off): after the user's corrections (the CLI's ``tag``,
        the app's edits and their undo) and after new photos are tagged."""
        mode = self.write_mode(library)
        if mode is WriteMode.OFF:
            return None
        return self.writeback(library).write(list(photo_ids), mode)

    def correct_tags(
        self,
        photo_ids: Sequence[int],
        confirm: Sequence[str] = (),
        reject: Sequence[str] = (),
        library: Library | None = None,
    ) -> WriteReport | None:
        """Confirm (or add) and reject tags on photos, then write back per the settings."""
        library = library or self.library
        for name in confirm:
            library.set_user_tag(photo_ids, name, "confirmed")
        for name in reject:
            library.set_user_tag(photo_ids, name, "rejected")
        return self.write_after_correction(photo_ids, library)

    def pipeline(self, library: Library | None = None) -> Pipeline:
        """The indexing pipeline on ``library`` (default: this App's connection), with
        everything every caller needs: the keywords other programs wrote are imported, the
        active model is followed, and new tags are written back as the settings say at the
        moment they are made (a Settings change applies to a running watcher too)."""
        library = library or self.library

        def on_tagged(photo_ids: list[int]) -> None:
            report = self.write_after_correction(photo_ids, library)
            for path, reason in report.failed if report else ():
                log.warning("could not write keywords to %s: %s", path, reason)

        return Pipeline(
            library,
            self.engine_for(library),
            read_keywords=lambda path: keywords_as_tags(self.metadata.read_keywords(path)),
            on_tagged=on_tagged,
            refresh_model=lambda: self.refresh_model(library),
            settle_writes=lambda: self.settle_interrupted_writes(library),
        )

    def settle_interrupted_writes(self, library: Library | None = None) -> int:
        """Finish the bookkeeping of keyword writes a crash or kill interrupted (cheap when
        there are none: the exiv2 service only starts when there is one)."""
        library = library or self.library
        if not library.write_intents():
            return 0
        return self.writeback(library).recover_write_intents()

    def close(self) -> None:
        if self._metadata is not None:
            self._metadata.close()
        self.library.close()


def open_app(library_dir: Path | None = None) -> App:
    directory = Path(library_dir) if library_dir else default_library_dir()
    database = open_database(directory)
    return App(directory, Library(database, directory))
