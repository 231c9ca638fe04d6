"""Watch the library's folders and keep the index following the disk by itself.

Three threads take part: watchdog's observer notes events in ``PendingChanges`` (cheap, never
touches the database); one worker thread takes settled batches and runs them through the
pipeline (identify by content hash → index → tag); listeners hear "what changed" after each
batch, on the worker thread (a Qt front end forwards that to the GUI thread with a signal).

Qt-free on purpose: the command line (``organizer watch``) and the desktop app share it.

On start the worker reconciles every watched folder with a scan, so changes made while nothing was
watching are picked up. Folders that cannot be watched (the inotify watch limit, a folder that is
not there) are said so loudly and rescanned every ``rescan_s`` instead.
"""

from __future__ import annotations

import contextlib
import errno
import logging
import os
import sys
import threading
import time
from collections import deque
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from watchdog.events import (
    DirCreatedEvent,
    DirDeletedEvent,
    DirMovedEvent,
    FileAttribEvent,
    FileClosedEvent,
    FileCreatedEvent,
    FileDeletedEvent,
    FileModifiedEvent,
    FileMovedEvent,
    FileSystemEvent,
    FileSystemEventHandler,
)
from watchdog.observers.api import BaseObserver, ObservedWatch

from organizer.ingest.changes import DEFAULT_BATCH_PATHS, Batch, PendingChanges
from organizer.ingest.files import (
    FileStat,
    content_hash,
    is_photo_name,
    walk_photos,
)
from organizer.ingest.pipeline import Pipeline, ScanReport
from organizer.library.database import file_identity
from organizer.library.paths import indexable
from organizer.library.store import KnownFile

log = logging.getLogger(__name__)

DEFAULT_RESCAN_S = 300.0
WATCH_LIMIT_FILE = "/proc/sys/fs/inotify/max_user_watches"

IsOwnWrite = Callable[[str], bool]


@dataclass(frozen=True)
class WatchBatch:
    """What one round of work changed in the index.

    ``changed_ids``: photos added, changed, moved, duplicated or (re)tagged; ``removed_ids``: rows
    deleted because their file is gone. ``rescanned``: folders reconciled wholesale (the start-up
    scan, periodic rescans): views of those should reload rather than patch rows.
    """

    report: ScanReport
    changed_ids: tuple[int, ...] = ()
    removed_ids: tuple[int, ...] = ()
    rescanned: tuple[Path, ...] = ()

    @property
    def is_empty(self) -> bool:
        r = self.report
        return not (
            self.changed_ids
            or self.removed_ids
            or r.new
            or r.changed
            or r.moved
            or r.deleted
            or r.tagged
            or r.failed
        )


BatchListener = Callable[[WatchBatch], None]
ProblemListener = Callable[[str], None]


def never_own_write(path: str) -> bool:
    """The default when no registry of Organizer's own writes is given."""
    return False


def default_observer() -> BaseObserver:
    """inotify with unmatched moves reported as moves (so a file moved in is known complete)."""
    if sys.platform.startswith("linux"):
        from watchdog.observers.inotify import InotifyObserver

        return InotifyObserver(generate_full_events=True)
    from watchdog.observers import Observer

    return Observer()


@dataclass
class _Listeners:
    batches: list[BatchListener] = field(default_factory=list)
    problems: list[ProblemListener] = field(default_factory=list)
    resolved: list[ProblemListener] = field(default_factory=list)


class FolderWatcher:
    """Watches folders and runs settled changes through ``pipeline`` on its own thread.

    The pipeline (and its database connection) is used only from the worker thread while the
    watcher runs; give the watcher a pipeline of its own when other threads use the library.
    """

    def __init__(
        self,
        pipeline: Pipeline,
        roots: Sequence[Path] | None = None,
        *,
        is_own_write: IsOwnWrite = never_own_write,
        settle_s: float = 0.5,
        stall_s: float = 30.0,
        rescan_s: float = DEFAULT_RESCAN_S,
        batch_paths: int = DEFAULT_BATCH_PATHS,
        initial_scan: bool = True,
        observer_factory: Callable[[], BaseObserver] = default_observer,
    ) -> None:
        self.pipeline = pipeline
        self.library = pipeline.library
        self.roots = [Path(r).resolve() for r in roots] if roots else self._library_roots()
        self.is_own_write = is_own_write
        self.rescan_s = rescan_s
        self.initial_scan = initial_scan
        self._observer_factory = observer_factory
        self._closes_reported = sys.platform.startswith("linux")
        self.pending = PendingChanges(
            self._closes_reported, settle_s=settle_s, stall_s=stall_s, batch_paths=batch_paths
        )
        self._listeners = _Listeners()
        self._stopping = threading.Event()
        self._observer: BaseObserver | None = None
        self._worker: threading.Thread | None = None
        self._busy = threading.Event()
        self._polled: list[Path] = []  # folders we could not watch: rescanned periodically
        # Roots that were not there (an unplugged drive), with the problem reported for each:
        # watched again, and the problem withdrawn, once they are back.
        self._missing: dict[Path, str] = {}
        # Each watched root's watch and the folder it was (device, inode) when watched.
        self._watches: dict[Path, tuple[ObservedWatch, tuple[int, int] | None]] = {}
        # Watched roots whose folder went away (noted on the observer's thread).
        self._gone: deque[Path] = deque()
        self._next_rescan = float("inf")

    # -- public API ------------------------------------------------------------------------

    def add_listener(self, listener: BatchListener) -> None:
        """Called on the worker thread after each batch that changed something."""
        self._listeners.batches.append(listener)

    def add_problem_listener(self, listener: ProblemListener) -> None:
        """Called with a sentence a user can act on (watch limit reached, folder missing...)."""
        self._listeners.problems.append(listener)

    def add_resolved_listener(self, listener: ProblemListener) -> None:
        """Called with a problem's sentence, as it was reported, once it no longer stands
        (a missing folder is back and watched again)."""
        self._listeners.resolved.append(listener)

    @property
    def polled_folders(self) -> list[Path]:
        """Folders rescanned every ``rescan_s`` because they could not be watched."""
        return list(self._polled)

    @property
    def running(self) -> bool:
        return self._worker is not None and self._worker.is_alive()

    def is_idle(self) -> bool:
        """Nothing pending and no batch in progress (events may still be on their way)."""
        return not self._busy.is_set() and len(self.pending) == 0

    def start(self) -> None:
        """Returns at once: setting up the watches and the start-up scan run on the worker."""
        if self._worker is not None:
            raise RuntimeError("this watcher was already started")
        self._busy.set()
        self._worker = threading.Thread(target=self._run, name="folder-watcher", daemon=True)
        self._worker.start()

    def stop(self, timeout: float | None = 30.0) -> None:
        """Stop watching; the batch in progress stops at its next commit."""
        self._stopping.set()
        self.pending.wake()
        if self._worker is not None:
            self._worker.join(timeout)

    # -- watching --------------------------------------------------------------------------

    def _library_roots(self) -> list[Path]:
        return [path for _, path in self.library.folders()]

    def _start_watching(self) -> None:
        # Watch first, then scan: a change made during the start-up scan is not missed.
        try:
            self._observer = self._observer_factory()
            self._observer.start()
        except OSError as error:  # e.g. the inotify instance limit: nothing can be watched
            self._observer = None
            reason = f"cannot watch folders ({error.strerror or error})"
            self._fall_back_to_rescans(list(self.roots), reason)
        else:
            for root in self.roots:
                self._watch(root)
        # Every rescan_s: rescan what is polled, and check that each root is still there.
        self._next_rescan = time.monotonic() + self.rescan_s

    def _stop_watching(self) -> None:
        if self._observer is not None:
            self._observer.stop()
            self._observer.join(10.0)

    def _watch(self, root: Path) -> None:
        assert self._observer is not None
        try:
            watch = self._observer.schedule(_EventSink(self, root), str(root), recursive=True)
        except OSError as error:
            message = self._fall_back_to_rescans([root], _watch_failure(root, error))
            if not root.exists():
                self._missing[root] = message
            return
        self._watches[root] = (watch, file_identity(root))
        unwatched = _unwatched_subfolders(self._observer, watch, root)
        if unwatched:
            self._fall_back_to_rescans(unwatched, _limit_message(len(unwatched), root))

    def _fall_back_to_rescans(self, folders: list[Path], reason: str) -> str:
        self._polled.extend(folders)
        message = f"{reason}; rescanning every {self.rescan_s:.0f} s instead"
        self._problem(message)
        return message

    def note_root_gone(self, root: Path) -> None:
        """A watched root was deleted, moved away or unmounted (from the observer's thread)."""
        self._gone.append(root)
        self.pending.wake()

    def _check_roots(self) -> None:
        """Note the watched roots that are no longer the folder that was watched: inotify
        says nothing when a root is moved away, and a drive unmounted under its mount folder
        leaves another folder there."""
        for root, (_watch, identity) in list(self._watches.items()):
            if file_identity(root) != identity:
                self._gone.append(root)

    def _take_gone_roots(self) -> None:
        """Poll the roots that went away until they are back, then watch them again. Their
        photos stay in the index: an unplugged drive is not a deleted library."""
        while self._gone:
            root = self._gone.popleft()
            if root in self._missing:
                continue
            watched = self._watches.pop(root, None)
            if watched is not None and self._observer is not None:
                with contextlib.suppress(KeyError, OSError):  # watchdog may have let it go
                    self._observer.unschedule(watched[0])
            self._missing[root] = self._fall_back_to_rescans(
                [root], f"cannot watch {root}: it is gone (deleted, moved, or its drive unplugged)"
            )
            self._next_rescan = min(self._next_rescan, time.monotonic() + self.rescan_s)

    def _watch_returned_roots(self) -> list[Path]:
        """Watch the missing roots that are back (with something in them: a drive's mount
        folder can appear before the drive is mounted in it); they are rescanned once more,
        not polled."""
        returned = [root for root in self._missing if _has_entries(root)]
        for root in returned:
            message = self._missing.pop(root)
            self._polled.remove(root)
            self._watch(root)  # a root is only missing where there is an observer to ask
            if root not in self._polled:
                for listener in self._listeners.resolved:
                    _call_safely(listener, message)
        return returned

    def _problem(self, message: str) -> None:
        log.warning("%s", message)
        for listener in self._listeners.problems:
            _call_safely(listener, message)

    # -- the worker ------------------------------------------------------------------------

    def _run(self) -> None:
        try:
            self._start_watching()
            if self.initial_scan:
                self._guarded(self._rescan, self.roots)
            while not self._stopping.is_set():
                self._busy.set()
                self._take_gone_roots()
                batch = self.pending.take_batch()
                if batch:
                    self._guarded(self._process, batch)
                    continue
                if time.monotonic() >= self._next_rescan:
                    self._next_rescan = time.monotonic() + self.rescan_s
                    self._check_roots()
                    self._take_gone_roots()
                    returned = self._watch_returned_roots()
                    self._guarded(self._rescan, list(dict.fromkeys([*self._polled, *returned])))
                    continue
                self._busy.clear()
                self.pending.wait(self._sleep_time())
        except Exception as error:  # noqa: BLE001 - say why watching stopped, don't vanish
            log.exception("the folder watcher stopped")
            self._problem(f"watching stopped: {error}")
        finally:
            self._stop_watching()
            self._busy.clear()

    def _sleep_time(self) -> float | None:
        deadline = self.pending.next_deadline()
        until_rescan = max(0.0, self._next_rescan - time.monotonic())
        return until_rescan if deadline is None else min(deadline, until_rescan)

    def _guarded(self, work: Callable, argument: object) -> None:
        """Run one round; a failure (locked database, full disk) is reported, not fatal."""
        try:
            work(argument)
        except Exception as error:  # noqa: BLE001 - the watcher must outlive one bad round
            log.exception("watcher round failed")
            self._problem(f"could not update the index: {error}; will retry")
            if isinstance(argument, Batch):
                self._retry_later(argument)

    def _retry_later(self, batch: Batch) -> None:
        # Folders are walked again once settled, which redoes whatever the failed round missed.
        for path in batch.files + batch.removed_files:
            self.pending.note_tree(os.path.dirname(path))
        for folder in batch.trees:
            self.pending.note_tree(folder)
        for path in batch.removed_files:
            self.pending.note_removed_tree(os.path.dirname(path))
        for folder in batch.removed_trees:
            self.pending.note_removed_tree(folder)
        time.sleep(1.0)  # don't spin while, say, another program holds the database lock

    def _rescan(self, folders: Sequence[Path]) -> None:
        existing = [f for f in folders if self.library.folder_for(f) is not None]
        if not existing:
            return
        report = self.pipeline.scan(existing, cancelled=self._stopping)
        self._publish(WatchBatch(report, rescanned=tuple(existing)))

    def _process(self, batch: Batch) -> None:
        # One round is one unit of indexing: another indexer of this library (the app's Add
        # Folder job, a command-line scan) finishes first, and this round then finds its work.
        with self.pipeline.exclusive(cancelled=self._stopping) as acquired:
            if acquired:
                self._process_exclusively(batch)

    def _process_exclusively(self, batch: Batch) -> None:
        report = ScanReport()
        present, own = self._present_files(batch, report)
        self._refresh_own_writes(own)
        before = {stat.path: self.library.photo_by_path(stat.path) for stat in present}
        self.pipeline.reconcile_files(present, report)
        changed = {
            after.id
            for path, row in before.items()
            if (after := self.library.photo_by_path(path)) is not None and _differs(row, after)
        }
        removed = self._drop_vanished(batch.removed_files, batch.removed_trees, report)
        changed.update(self._tag(present, report))
        self._publish(WatchBatch(report, tuple(sorted(changed)), tuple(sorted(removed))))

    def _tag(self, present: list[FileStat], report: ScanReport) -> set[int]:
        """Tag what this round indexed, folder by folder, the folder with fewest files first.

        During a storm a round holds one photo saved elsewhere and many storm files; tagging
        the lone photo first makes it findable without waiting for the storm's share.
        """
        version = self.pipeline.engine.bundle.version
        per_folder: dict[str, int] = {}
        for stat in present:
            folder = os.path.dirname(stat.path)
            per_folder[folder] = per_folder.get(folder, 0) + 1
        tagged: set[int] = set()
        for folder in sorted(per_folder, key=per_folder.__getitem__):
            pending = self.library.photos_needing_tags(version, under=Path(folder))
            if pending and not self._stopping.is_set():
                self.pipeline.tag_pending(Path(folder), report, cancelled=self._stopping)
                tagged.update(row.id for row in pending)
        return tagged

    def _present_files(
        self, batch: Batch, report: ScanReport
    ) -> tuple[list[FileStat], list[FileStat]]:
        """Stat the batch's files and walk its new folders.

        Returns (files to index, files Organizer itself just wrote).
        """
        found: dict[str, FileStat] = {}
        for path in batch.files:
            try:
                st = os.stat(path)
            except OSError:
                # Gone again: dropping its row now could lose the tags of a move still on its
                # way, so it joins the removals, which wait for that.
                self.pending.note_removed(path)
                continue
            found[path] = FileStat(path, st.st_size, st.st_mtime_ns)
        for folder in batch.trees:
            if not os.path.isdir(folder):
                continue  # moved on again or deleted: its later events tell where
            for stat in walk_photos(Path(folder), report.skipped, failed=report.failed):
                # Files still being written are left to their own events.
                if not self.pending.is_busy(stat.path):
                    found.setdefault(stat.path, stat)
        own: list[FileStat] = []
        others: list[FileStat] = []
        for stat in found.values():
            # This process's writes are in OwnWrites; any Organizer process's write in progress
            # has an intent in the index (recorded before the file was replaced).
            mine = self.is_own_write(stat.path) or self.library.has_write_intent(stat.path)
            (own if mine else others).append(stat)
        return others, own

    def _refresh_own_writes(self, written: list[FileStat]) -> None:
        """Our own keyword write-back: no re-tag (that would loop), but keep the hash current."""
        for stat in written:
            row = self.library.photo_by_path(stat.path)
            if row is None or (row.size, row.mtime_ns) == (stat.size, stat.mtime_ns):
                continue
            try:
                digest = content_hash(stat.path)
            except OSError:
                continue  # gone or unreadable again: its next event tells
            with self.library.transaction() as db:
                self.library.refresh_file(db, row.id, stat.size, stat.mtime_ns, digest)

    def _drop_vanished(
        self, paths: Iterable[str], folders: Iterable[str], report: ScanReport
    ) -> list[int]:
        rows = [row for path in paths if (row := self.library.photo_by_path(path))]
        for folder in folders:
            rows.extend(self.library.known_files_under(Path(folder)).values())
        gone = {(row.id, row.path) for row in rows if not os.path.exists(row.path)}
        if not gone:
            return []
        with self.library.transaction() as db:
            report.deleted += self.library.delete_missing(db, sorted(gone))
        return [photo_id for photo_id, _ in gone]

    def _publish(self, batch: WatchBatch) -> None:
        if batch.is_empty and not batch.rescanned:
            return
        for listener in self._listeners.batches:
            _call_safely(listener, batch)


class _EventSink(FileSystemEventHandler):
    """Turns watchdog events into notes; runs on the observer's thread, so it stays cheap."""

    def __init__(self, watcher: FolderWatcher, root: Path) -> None:
        self.pending = watcher.pending
        self.root = str(root)
        self._root_path = root
        self._root_gone = watcher.note_root_gone
        # The library's own folder (thumbnails are JPEGs too) may sit inside a watched one.
        self.library_prefix = str(Path(watcher.library.root).resolve()) + os.sep

    def on_any_event(self, event: FileSystemEvent) -> None:
        src, dest = os.fsdecode(event.src_path), os.fsdecode(event.dest_path)
        if src == self.root and isinstance(event, (DirDeletedEvent, DirMovedEvent)):
            # The watched folder itself: never a reason to drop its photos from the index.
            self._root_gone(self._root_path)
            return
        if isinstance(event, (FileMovedEvent, DirMovedEvent)):
            self._moved(src, dest, event.is_directory)
        elif event.is_directory:
            self._folder_event(event, src)
        elif self._is_photo(src):
            self._file_event(event, src)
        # Opened, closed-without-writing and folder-modified events say nothing new.

    def _moved(self, src: str, dest: str, is_directory: bool) -> None:
        # With full events an unmatched move has "" on the side outside the watched folder.
        if is_directory:
            if src and self._is_visible_folder(src):
                self.pending.note_removed_tree(src)
            if dest and self._is_visible_folder(dest):
                self.pending.note_tree(dest)
            return
        if self._is_photo(src):
            self.pending.note_removed(src)
        if self._is_photo(dest):
            self.pending.note_appeared(dest)

    def _folder_event(self, event: FileSystemEvent, path: str) -> None:
        if not self._is_visible_folder(path):
            return
        if isinstance(event, DirCreatedEvent):
            self.pending.note_tree(path)
        elif isinstance(event, DirDeletedEvent):
            self.pending.note_removed_tree(path)

    def _file_event(self, event: FileSystemEvent, path: str) -> None:
        if isinstance(event, FileCreatedEvent):
            self.pending.note_created(path)
        elif isinstance(event, FileModifiedEvent):
            self.pending.note_written(path)
        elif isinstance(event, FileClosedEvent):
            self.pending.note_closed(path)
        elif isinstance(event, FileAttribEvent):
            self.pending.note_appeared(path)
        elif isinstance(event, FileDeletedEvent):
            self.pending.note_removed(path)

    def _is_photo(self, path: str) -> bool:
        # Names the index cannot hold are left to the scan, which reports them as skipped.
        return (
            bool(path)
            and is_photo_name(os.path.basename(path))
            and indexable(path)
            and self._is_visible(path)
        )

    def _is_visible_folder(self, path: str) -> bool:
        return self._is_visible(path + os.sep + "x")

    def _is_visible(self, path: str) -> bool:
        """Not inside a hidden folder below the root: the scanner does not enter those either."""
        if path.startswith(self.library_prefix):
            return False
        relative = path[len(self.root) :] if path.startswith(self.root) else path
        folders = relative.split(os.sep)[:-1]
        return not any(part.startswith(".") for part in folders)


def _differs(before: KnownFile | None, after: KnownFile) -> bool:
    if before is None:
        return True
    return (before.id, before.path, before.content_hash, before.size, before.mtime_ns) != (
        after.id,
        after.path,
        after.content_hash,
        after.size,
        after.mtime_ns,
    )


def _call_safely(listener: Callable, argument: object) -> None:
    try:
        listener(argument)
    except Exception:  # noqa: BLE001 - a broken listener must not stop the watcher
        log.exception("watch listener %r failed", listener)


def _has_entries(folder: Path) -> bool:
    try:
        with os.scandir(folder) as entries:
            return next(entries, None) is not None
    except OSError:
        return False


def _watch_failure(root: Path, error: OSError) -> str:
    if error.errno in (errno.ENOSPC, errno.EMFILE):
        return _limit_message(None, root)
    if not root.exists():
        return f"cannot watch {root}: folder not found (is the drive connected?)"
    return f"cannot watch {root}: {error.strerror or error}"


def _limit_message(unwatched: int | None, root: Path) -> str:
    where = f"{unwatched} folder(s) under {root}" if unwatched else str(root)
    limit = _read_watch_limit()
    return (
        f"the system's inotify watch limit ({limit}) is reached: cannot watch {where}. "
        "Raise it with 'sudo sysctl fs.inotify.max_user_watches=524288' "
        "(and in /etc/sysctl.d to keep it)"
    )


def _read_watch_limit() -> str:
    try:
        return Path(WATCH_LIMIT_FILE).read_text().strip()
    except OSError:
        return "unknown"


def _unwatched_subfolders(observer: BaseObserver, watch: ObservedWatch, root: Path) -> list[Path]:
    """Folders below ``root`` inotify could not watch (watchdog skips them silently).

    Reads watchdog's private bookkeeping; where it is not there (other platforms or versions)
    nothing can be said and the list is empty.
    """
    try:
        # Any: only the inotify emitter has _inotify, and it is private, so it is looked up
        # at run time and its absence caught below.
        emitter: Any = observer._emitter_for_watch[watch]  # noqa: SLF001
        watched = set(emitter._inotify._active_callbacks_by_path)  # noqa: SLF001
    except (AttributeError, KeyError, TypeError):
        return []
    missing: list[Path] = []
    for directory, subfolders, _ in os.walk(root):
        subfolders[:] = [name for name in subfolders if not name.startswith(".")]
        if os.fsencode(directory) not in watched:
            missing.append(Path(directory))
            subfolders[:] = []  # its descendants are rescanned with it
    return missing
