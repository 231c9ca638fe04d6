"""From folders on disk to tagged rows in the index.

The work is two stages, each committed in batches so an interrupted run resumes where it
stopped without redoing finished work:

1. ``reconcile``: walk the folders and compare with the index by (size, mtime), then by content
   hash: new files get a row, changed files are marked for tagging, moved files keep their tags,
   files gone from disk lose their row. Cheap: no decoding.
2. ``tag_pending``: every row not yet tagged by the active model is decoded, tagged and stored
   (scores, embedding, image facts, keywords found in the file).
"""

from __future__ import annotations

import logging
import os
import sqlite3
import threading
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

from organizer.imaging import too_large_reason
from organizer.ingest.files import FileStat, content_hash, walk_photos
from organizer.library.indexing_lock import IndexingLock
from organizer.library.store import KnownFile, Library, PhotoRecord
from organizer.metadata.atomic import remove_stale_temp_files
from organizer.tagging.bundle import ModelBundle
from organizer.tagging.engine import TaggingEngine, TagResult
from organizer.tagging.rescore import rescore_library, tag_definitions

log = logging.getLogger(__name__)

RECONCILE_BATCH = 500
# The progress stage reported while another indexer (app, watcher, CLI) holds the library.
WAITING_STAGE = "waiting for another scan of this library"
TAG_COMMIT_BATCH = 64


class Progress(Protocol):
    def __call__(self, stage: str, done: int, total: int) -> None: ...


def no_progress(stage: str, done: int, total: int) -> None:
    """The default progress sink: reports nowhere."""


KeywordReader = Callable[[Path], Iterable[str]]


# A scan that finds none of at least this many photos it knew under a folder removes none.
MIN_REMOVALS_TO_DOUBT = 20


@dataclass
class ScanReport:
    new: int = 0
    changed: int = 0
    moved: int = 0
    deleted: int = 0
    unchanged: int = 0
    copied: int = 0
    tagged: int = 0
    failed: list[tuple[str, str]] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    cancelled: bool = False

    def add(self, other: ScanReport) -> None:
        """Count ``other``'s work in this report too (the watcher's many small batches)."""
        for name in ("new", "changed", "moved", "deleted", "unchanged", "copied", "tagged"):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        self.failed += other.failed
        self.skipped += other.skipped
        self.cancelled = self.cancelled or other.cancelled

    def summary(self) -> str:
        """In English, for the command line (the app words the counts in its language)."""
        parts = [
            f"{self.new} new",
            f"{self.changed} changed",
            f"{self.moved} moved",
            f"{self.deleted} removed",
            f"{self.unchanged} unchanged",
            f"{self.tagged} tagged",
        ]
        if self.copied:
            parts.append(f"{self.copied} duplicates")
        if self.failed:
            parts.append(f"{len(self.failed)} could not be read")
        if self.skipped:
            parts.append(f"{len(self.skipped)} skipped")
        return ", ".join(parts) + (" (cancelled)" if self.cancelled else "")


class Pipeline:
    def __init__(
        self,
        library: Library,
        engine: TaggingEngine,
        read_keywords: KeywordReader | None = None,
        on_tagged: Callable[[list[int]], None] | None = None,
        refresh_model: Callable[[], object] | None = None,
        settle_writes: Callable[[], object] | None = None,
    ) -> None:
        """``read_keywords`` reads keywords other programs wrote into a file; ``on_tagged``
        receives the ids of each committed batch of newly tagged photos (automatic write-back);
        ``refresh_model`` runs before each tagging pass so that a long-lived pipeline (the
        watcher) picks up a model activated meanwhile by training or a rollback;
        ``settle_writes`` before each scan, so that keyword writes a crash interrupted are
        known as Organizer's before their files are read as changed.
        """
        self.library = library
        self.engine = engine
        self.read_keywords = read_keywords
        self.on_tagged = on_tagged
        self.refresh_model = refresh_model
        self.settle_writes = settle_writes
        self.lock = IndexingLock(library.root)
        self._tag_ids: dict[str, int] = {}
        self._tag_ids_version: str | None = None

    @contextmanager
    def exclusive(
        self, progress: Progress = no_progress, cancelled: threading.Event | None = None
    ) -> Iterator[bool]:
        """Be the library's only indexer for the block (other threads and processes wait);
        yields False when ``cancelled`` was set while waiting for another indexer."""

        def waiting() -> None:
            progress(WAITING_STAGE, 0, 0)

        with self.lock.held(cancelled, waiting) as acquired:
            yield acquired

    # -- whole jobs ------------------------------------------------------------------------

    def add_folders(
        self,
        folders: Sequence[Path],
        progress: Progress = no_progress,
        cancelled: threading.Event | None = None,
    ) -> ScanReport:
        for folder in folders:
            self.library.add_folder(folder)
        return self.scan(folders, progress, cancelled)

    def scan(
        self,
        roots: Sequence[Path] | None = None,
        progress: Progress = no_progress,
        cancelled: threading.Event | None = None,
    ) -> ScanReport:
        """Reconcile ``roots`` (default: every watched folder) with disk, then tag what is new.

        A scan that finds another indexer at work waits for it, then finds that work done.
        """
        report = ScanReport()
        with self.exclusive(progress, cancelled) as acquired:
            if acquired:
                if self.settle_writes is not None:
                    self.settle_writes()
                targets = [Path(r).resolve() for r in roots] if roots else self._watched()
                for root in targets:
                    self.reconcile(root, report, progress, cancelled)
                for root in targets:
                    self.tag_pending(root, report, progress, cancelled)
        report.cancelled = bool(cancelled and cancelled.is_set())
        return report

    def retag(
        self,
        paths: Sequence[Path],
        progress: Progress = no_progress,
        cancelled: threading.Event | None = None,
    ) -> ScanReport:
        """Run the active model again on photos under ``paths``, following provenance rules."""
        report = ScanReport()
        with self.exclusive(progress, cancelled) as acquired:
            if acquired:
                for path in paths:
                    self.library.mark_for_retag(Path(path))
                for path in paths:
                    self.tag_pending(
                        Path(path).resolve(), report, progress, cancelled, reread=False
                    )
        report.cancelled = bool(cancelled and cancelled.is_set())
        return report

    def _watched(self) -> list[Path]:
        return [path for _, path in self.library.folders()]

    # -- stage 1: reconcile ----------------------------------------------------------------

    def reconcile(
        self,
        root: Path,
        report: ScanReport,
        progress: Progress = no_progress,
        cancelled: threading.Event | None = None,
    ) -> None:
        with self.exclusive(progress, cancelled) as acquired:
            if acquired:
                self._reconcile(root, report, progress, cancelled)

    def _reconcile(
        self,
        root: Path,
        report: ScanReport,
        progress: Progress,
        cancelled: threading.Event | None,
    ) -> None:
        folder_id = self.library.folder_for(root)
        if folder_id is None:
            raise ValueError(f"{root} is not inside a folder of this library")
        if not root.exists():
            report.skipped.append(f"{root}: folder not found (is the drive connected?)")
            return
        known = self.library.known_files_under(root)
        temp_files: list[str] = []
        on_disk = list(walk_photos(root, report.skipped, temp_files, report.failed))
        for path in remove_stale_temp_files(temp_files):
            log.info("removed %s, left by an interrupted keyword write", path)
        seen = {stat.path for stat in on_disk}
        to_examine = []
        for stat in on_disk:
            row = known.get(stat.path)
            if row and row.size == stat.size and row.mtime_ns == stat.mtime_ns:
                report.unchanged += 1
            else:
                to_examine.append(stat)
        gone = [row for path, row in known.items() if path not in seen]
        if not on_disk and len(gone) >= MIN_REMOVALS_TO_DOUBT:
            # Every photo at once, the folder still there: a drive's empty mount folder far
            # more often than a user who deleted them all. Keep them; say how to forget them.
            report.skipped.append(
                f"{root}: none of the {len(gone)} photos the library knows there was found, "
                "so none was removed (is the drive mounted?); to forget them, remove the "
                "folder from the library"
            )
            gone = []
        progress("reading new files", 0, len(to_examine))
        for start in range(0, len(to_examine), RECONCILE_BATCH):
            if cancelled is not None and cancelled.is_set():
                return
            batch = to_examine[start : start + RECONCILE_BATCH]
            hashed = [(stat, _hash_or_none(stat, report)) for stat in batch]
            with self.library.transaction() as db:
                for stat, digest in hashed:
                    if digest is not None:
                        self._record_file(db, folder_id, stat, digest, known.get(stat.path), report)
            progress("reading new files", start + len(batch), len(to_examine))
        # Rows whose file vanished; a row recognised as moved above has a new path by now.
        vanished = [(row.id, row.path) for row in gone if not os.path.exists(row.path)]
        with self.library.transaction() as db:
            report.deleted += self.library.delete_missing(db, vanished)

    def reconcile_files(self, stats: Sequence[FileStat], report: ScanReport) -> None:
        """Index exactly these files: new, changed, moved (by content hash) or duplicated.

        The folder watcher's unit of work. Unlike ``reconcile`` it neither walks a folder nor
        deletes rows, so files still being copied next to these are left alone, and a move whose
        old path is reported later is still recognised by its content hash.
        """
        with self.exclusive() as acquired:
            if acquired:
                self._reconcile_files(stats, report)

    def _reconcile_files(self, stats: Sequence[FileStat], report: ScanReport) -> None:
        for start in range(0, len(stats), RECONCILE_BATCH):
            batch = []
            for stat in stats[start : start + RECONCILE_BATCH]:
                row = self.library.photo_by_path(stat.path)
                if row and row.size == stat.size and row.mtime_ns == stat.mtime_ns:
                    report.unchanged += 1
                    continue
                folder_id = self.library.folder_for(Path(stat.path))
                if folder_id is not None:
                    batch.append((stat, row, folder_id))
            hashed = [(stat, row, fid, _hash_or_none(stat, report)) for stat, row, fid in batch]
            with self.library.transaction() as db:
                for stat, row, folder_id, digest in hashed:
                    if digest is not None:
                        self._record_file(db, folder_id, stat, digest, row, report)

    def _record_file(
        self,
        db: sqlite3.Connection,
        folder_id: int,
        stat: FileStat,
        digest: str,
        existing: KnownFile | None,
        report: ScanReport,
    ) -> None:
        record = PhotoRecord(stat.path, folder_id, stat.size, stat.mtime_ns, digest)
        if existing is not None:
            if existing.content_hash == digest:
                self.library.touch_photo(db, existing.id, stat.mtime_ns)
                report.unchanged += 1
            else:
                self.library.update_photo_file(db, existing.id, record)
                report.changed += 1
            return
        twins = self.library.photos_with_hash(digest)
        moved_from = next((t for t in twins if not os.path.exists(t.path)), None)
        if moved_from is not None:
            self.library.move_photo(db, moved_from.id, stat.path, folder_id, stat.mtime_ns)
            report.moved += 1
            return
        photo_id = self.library.insert_photo(db, record)
        if twins:
            # Same content already indexed at another path: share its tags, skip the model.
            self.library.copy_tags(db, twins[0].id, photo_id)
            report.copied += 1
        report.new += 1

    # -- stage 2: tag ----------------------------------------------------------------------

    def tag_pending(
        self,
        root: Path | None,
        report: ScanReport,
        progress: Progress = no_progress,
        cancelled: threading.Event | None = None,
        reread: bool = True,
    ) -> None:
        with self.exclusive(progress, cancelled) as acquired:
            if acquired:
                self._tag_pending(root, report, progress, cancelled, reread)

    def _tag_pending(
        self,
        root: Path | None,
        report: ScanReport,
        progress: Progress,
        cancelled: threading.Event | None,
        reread: bool,
    ) -> None:
        if self.refresh_model is not None:
            self.refresh_model()
        bundle = self.engine.bundle
        pending = self.library.photos_needing_tags(bundle.version, under=root)
        if any(row.tagged_model is not None for row in pending):
            # Tagged by another model (an upgrade of the shipped one, a model activated
            # elsewhere): its stored embeddings are re-scored, no image is decoded again.
            rescore_library(self.library, bundle, progress, cancelled)
            pending = self.library.photos_needing_tags(bundle.version, under=root)
        if not pending:
            return
        by_path = {row.path: row for row in pending}
        results = self.engine.tag_files((Path(row.path) for row in pending), cancelled)
        done = 0
        progress("tagging", 0, len(pending))
        batch: list[TagResult] = []
        for result in results:
            batch.append(result)
            if len(batch) >= TAG_COMMIT_BATCH:
                self._store_results(batch, by_path, report, reread)
                done += len(batch)
                progress("tagging", done, len(pending))
                batch = []
        if batch:
            self._store_results(batch, by_path, report, reread)
            done += len(batch)
            progress("tagging", done, len(pending))

    def _store_results(
        self,
        results: list[TagResult],
        by_path: dict[str, KnownFile],
        report: ScanReport,
        reread: bool,
    ) -> None:
        keywords = {r.path: self._file_keywords(r, by_path, reread) for r in results}
        tag_ids = {id(r.bundle): self._ids_for(r.bundle) for r in results if r.bundle}
        tagged: list[int] = []
        with self.library.transaction() as db:
            for result in results:
                row = by_path[str(result.path)]
                if result.error is not None:
                    self.library.set_photo_error(db, row.id, result.error)
                    report.failed.append((str(result.path), result.error))
                    log.warning("skipped %s: %s", result.path, result.error)
                    continue
                # TaggingEngine gives every result without an error the bundle that scored it.
                assert result.bundle is not None
                ids = tag_ids[id(result.bundle)]
                scores = [(ids[name], score) for name, score in result.suggestions()]
                self.library.apply_model_tags(
                    db, row.id, scores, result.bundle.version, result.embedding
                )
                self.library.set_image_info(db, row.id, result.info)
                if keywords[result.path]:
                    self.library.apply_file_keywords(db, row.id, keywords[result.path])
                tagged.append(row.id)
        report.tagged += len(tagged)
        if tagged and self.on_tagged is not None:
            self.on_tagged(tagged)

    def _file_keywords(
        self, result: TagResult, by_path: dict[str, KnownFile], reread: bool
    ) -> list[str]:
        """Keywords other programs wrote, read only when the file is new or changed."""
        if result.error or self.read_keywords is None:
            return []
        if not reread or by_path[str(result.path)].tagged_model is not None:
            return []
        try:
            found = list(self.read_keywords(result.path))
        except Exception as error:  # noqa: BLE001 - keywords are optional; tags still count
            log.warning("cannot read keywords of %s: %s", result.path, error)
            return []
        # Keywords Organizer wrote itself are tags already; re-reading them is not news.
        flat, hierarchical = self.library.written_keywords(by_path[str(result.path)].id)
        ours = {k.lower() for k in flat} | {k.split("|")[-1].lower() for k in hierarchical}
        return [k for k in found if k.lower() not in ours]

    def _ids_for(self, bundle: ModelBundle) -> dict[str, int]:
        if self._tag_ids_version != bundle.version:
            self._tag_ids = self.library.sync_tag_definitions(tag_definitions(bundle))
            self._tag_ids_version = bundle.version
        return {tag.name: self._tag_ids[tag.name.lower()] for tag in bundle.tags}


def _hash_or_none(stat: FileStat, report: ScanReport) -> str | None:
    """The content hash, or None (reported) for files that cannot be a photo yet."""
    if stat.size == 0:
        # Every empty file has the same hash: it would pass for a duplicate of another one.
        report.failed.append((stat.path, "empty file (0 bytes)"))
        return None
    too_large = too_large_reason(stat.size)
    if too_large:
        report.failed.append((stat.path, too_large))
        return None
    try:
        return content_hash(stat.path)
    except OSError as error:
        report.failed.append((stat.path, f"cannot read file: {error.strerror}"))
        return None
