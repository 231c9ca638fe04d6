"""Coalescing file-system events into settled batches of work for the watcher.

Events arrive on watchdog's thread, many per file (a copy fires created, modified × n, closed).
``PendingChanges`` keeps one small entry per path (and per folder for whole trees), decides when a
path has *settled*, and hands the worker thread batches of settled paths. Memory stays bounded
during a storm: past ``max_paths`` entries, new paths fold into their folder, which is walked once
things are quiet.

When a file is complete:
- where the platform reports closes (Linux inotify), a file that was written is complete once it
  has been closed and ``settle_s`` passed without another event; a writer that never closes (or a
  close we missed) is given up on after ``stall_s`` of silence, if size and mtime are stable;
- a file that appeared whole (renamed or moved in, or where closes are not reported) is complete
  once its size and mtime stayed the same over ``settle_s``.
"""

from __future__ import annotations

import math
import os
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from enum import Enum

DEFAULT_SETTLE_S = 0.5
DEFAULT_STALL_S = 30.0
DEFAULT_MAX_PATHS = 100_000
DEFAULT_BATCH_PATHS = 32


class FileState(Enum):
    CREATED = "created"  # appeared with content and no writes yet: a folder moved in, a link
    WRITING = "writing"  # modified: a writer may still have it open
    CLOSED = "closed"  # the writer closed it (Linux): complete once settled
    WHOLE = "whole"  # appeared by rename or move: complete once its stat is stable
    REMOVED = "removed"  # deleted or moved away


@dataclass
class _Entry:
    state: FileState
    last_event: float
    signature: tuple[int, int] | None = None  # (size, mtime_ns) at the last stability check


@dataclass
class Batch:
    """Settled work, in the order it must be done: present files first, removals last."""

    files: list[str] = field(default_factory=list)
    trees: list[str] = field(default_factory=list)
    removed_files: list[str] = field(default_factory=list)
    removed_trees: list[str] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.files or self.trees or self.removed_files or self.removed_trees)

    def size(self) -> int:
        return len(self.files) + len(self.trees) + len(self.removed_files) + len(self.removed_trees)


def stat_signature(path: str) -> tuple[int, int] | None:
    try:
        st = os.stat(path)
    except OSError:
        return None
    return (st.st_size, st.st_mtime_ns)


class PendingChanges:
    """Thread-safe: watchdog's thread notes events, the worker thread takes settled batches."""

    def __init__(
        self,
        closes_reported: bool,
        settle_s: float = DEFAULT_SETTLE_S,
        stall_s: float = DEFAULT_STALL_S,
        max_paths: int = DEFAULT_MAX_PATHS,
        batch_paths: int = DEFAULT_BATCH_PATHS,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.closes_reported = closes_reported
        self.settle_s = settle_s
        self.stall_s = stall_s
        self.max_paths = max_paths
        self.batch_paths = batch_paths
        self._clock = clock
        self._files: dict[str, _Entry] = {}
        self._trees: dict[str, float] = {}  # folder → last event; walked once settled
        self._removed_trees: dict[str, float] = {}
        self._changed = threading.Condition()
        self._signalled = False  # something was noted since the worker last looked
        # When the sleeping worker wakes up anyway; notes due later need not wake it (a storm of
        # events would otherwise make it rescan the pending set once per event).
        self._wake_at = math.inf
        self.overflowed = 0  # paths folded into their folder because of max_paths

    # -- noting events (watchdog's thread) -------------------------------------------------

    def note_created(self, path: str) -> None:
        """Complete once stable if no write follows (an empty file waits for its writer)."""
        state = FileState.CREATED if self.closes_reported else FileState.WHOLE
        self._note(path, state, stat_signature(path))

    def note_written(self, path: str) -> None:
        """Modified: complete only once closed (or stable, where closes are not reported)."""
        if self.closes_reported:
            self._note(path, FileState.WRITING)
        else:
            self._note(path, FileState.WHOLE, stat_signature(path))

    def note_closed(self, path: str) -> None:
        self._note(path, FileState.CLOSED)

    def note_appeared(self, path: str) -> None:
        """Renamed, moved in, or its attributes changed: no writer is involved."""
        with self._changed:
            entry = self._files.get(path)
            # A writer still busy with it keeps it WRITING: a rename doesn't close the file.
            busy = entry is not None and entry.state is FileState.WRITING
        if busy:
            self._note(path, FileState.WRITING)
        else:
            self._note(path, FileState.WHOLE, stat_signature(path))

    def note_removed(self, path: str) -> None:
        self._note(path, FileState.REMOVED)

    def note_tree(self, folder: str) -> None:
        """A folder appeared (created or moved in): walk it once settled."""
        with self._changed:
            self._trees[folder] = now = self._clock()
            self._signal(now + self.settle_s)

    def note_removed_tree(self, folder: str) -> None:
        with self._changed:
            self._removed_trees[folder] = now = self._clock()
            self._signal(now + self.settle_s)

    def _note(self, path: str, state: FileState, signature: tuple[int, int] | None = None) -> None:
        with self._changed:
            now = self._clock()
            entry = self._files.get(path)
            if entry is not None:
                entry.state, entry.last_event, entry.signature = state, now, signature
            elif len(self._files) < self.max_paths:
                self._files[path] = entry = _Entry(state, now, signature)
            else:
                # Storm beyond the memory budget: remember the folder, not each file.
                self.overflowed += 1
                folders = self._removed_trees if state is FileState.REMOVED else self._trees
                folders[os.path.dirname(path)] = now
                self._signal(now + self.settle_s)
                return
            self._signal(self._due(entry))

    # -- taking work (the worker's thread) -------------------------------------------------

    def __len__(self) -> int:
        with self._changed:
            return len(self._files) + len(self._trees) + len(self._removed_trees)

    def is_busy(self, path: str) -> bool:
        """True while ``path`` is known to be incomplete (tree walks leave such files alone)."""
        with self._changed:
            entry = self._files.get(path)
            return entry is not None and entry.state is FileState.WRITING

    def _signal(self, due: float) -> None:
        # Called with the lock held; the flag catches a note made before the worker waits.
        if due < self._wake_at:
            self._signalled = True
            self._changed.notify_all()

    def wait(self, timeout: float | None) -> None:
        """Sleep until something settles or ``timeout`` passes (None: until something is noted)."""
        with self._changed:
            if not self._signalled:
                self._wake_at = math.inf if timeout is None else self._clock() + timeout
                self._changed.wait(timeout)
            self._wake_at = math.inf
            self._signalled = False

    def wake(self) -> None:
        with self._changed:
            self._signal(-math.inf)

    def next_deadline(self) -> float | None:
        """Seconds until the earliest entry might settle; None when nothing is pending."""
        with self._changed:
            times = [self._due(e) for e in self._files.values()]
            times += [t + self.settle_s for t in self._trees.values()]
            times += [t + self.settle_s for t in self._removed_trees.values()]
        if not times:
            return None
        return max(0.0, min(times) - self._clock())

    def _due(self, entry: _Entry) -> float:
        if entry.state is FileState.WRITING:
            return entry.last_event + self.stall_s
        return entry.last_event + self.settle_s

    def take_batch(self) -> Batch:
        """Remove and return what has settled; removals only once no other file is on its way.

        Removals go last so that a move reported as "removed here, appeared there" finds the old
        row still in the index when the new path is recorded (tags follow the content hash). A
        removal waits for files still pending anywhere (at most ``stall_s``), since any of them
        may be where the removed file went. Files are taken a folder at a time, round robin, so a
        big copy into one folder does not starve a photo saved in another.
        """
        with self._changed:
            now = self._clock()
            present, unsettled, removed = self._settled_files(now)
            by_folder: dict[str, list[str]] = {}
            for path in present:
                by_folder.setdefault(os.path.dirname(path), []).append(path)
            batch = Batch(files=_round_robin(by_folder, self.batch_paths))
            batch.trees = self._take_settled(self._trees, now)
            if len(batch.files) == len(present) and not unsettled:
                batch.removed_files = removed
                batch.removed_trees = self._take_settled(self._removed_trees, now)
            else:
                waited = now - self.stall_s
                batch.removed_files = [p for p in removed if self._files[p].last_event <= waited]
                batch.removed_trees = self._take_settled(self._removed_trees, waited)
            for path in batch.files + batch.removed_files:
                del self._files[path]
            return batch

    def _settled_files(self, now: float) -> tuple[list[str], int, list[str]]:
        """(settled present files, how many present files are not settled, removed files).

        Paths come oldest first.
        """
        present: list[tuple[float, str]] = []
        removed: list[tuple[float, str]] = []
        unsettled = 0
        for path, entry in self._files.items():
            if entry.state is FileState.REMOVED:
                if now >= self._due(entry):
                    removed.append((entry.last_event, path))
            elif now >= self._due(entry) and self._is_stable(path, entry, now):
                present.append((entry.last_event, path))
            else:
                unsettled += 1
        return [p for _, p in sorted(present)], unsettled, [p for _, p in sorted(removed)]

    def _is_stable(self, path: str, entry: _Entry, now: float) -> bool:
        if entry.state is FileState.CLOSED:
            return True
        signature = stat_signature(path)
        if signature is None:  # gone meanwhile: let the batch find out and drop its row
            return True
        if entry.state is FileState.CREATED and signature[0] == 0:
            # Created empty: its writer has not begun; wait for the writes and the close.
            entry.state, entry.last_event = FileState.WRITING, now
            return False
        if signature == entry.signature:
            return True
        # Changed since the last look (or first look): look again after another settle delay.
        entry.signature, entry.last_event = signature, now
        if entry.state is FileState.WRITING:
            entry.last_event = now - self.stall_s + self.settle_s
        return False

    def _take_settled(self, pending: dict[str, float], now: float) -> list[str]:
        ready = [folder for folder, t in pending.items() if now >= t + self.settle_s]
        for folder in ready:
            del pending[folder]
        return _outermost(ready)


def _round_robin(by_folder: dict[str, list[str]], limit: int) -> list[str]:
    """Up to ``limit`` present files, taking one from each folder in turn."""
    queues = [list(paths) for paths in by_folder.values()]
    taken: list[str] = []
    while queues and len(taken) < limit:
        for queue in list(queues):
            if len(taken) >= limit:
                break
            taken.append(queue.pop(0))
            if not queue:
                queues.remove(queue)
    return taken


def _outermost(folders: list[str]) -> list[str]:
    """Drop folders inside another listed folder: walking the outer one covers them."""
    kept: list[str] = []
    for folder in sorted(folders):
        if not kept or not folder.startswith(kept[-1].rstrip(os.sep) + os.sep):
            kept.append(folder)
    return kept
