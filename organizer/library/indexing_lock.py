"""One indexing writer per library, across threads and processes.

The app's Add Folder job, its folder watcher, ``organizer watch`` and a command-line ``scan``
may all index the same folders at once. Each reads what the index knows, walks the disk and
inserts what is new; two doing that together insert the same file twice (``UNIQUE constraint
failed: photos.path``) or decode it twice. So indexing holds an OS file lock on
``<library>/indexing.lock``: a second indexer waits for the first and then finds the work done.

An OS lock (``flock`` / ``msvcrt.locking``) is released by the kernel when its process dies, so a
crash never leaves the library locked. Each acquisition opens its own file descriptor: on POSIX
``flock`` locks of two descriptors conflict even inside one process, which makes the same lock
serialise threads too. Within one thread the lock is re-entrant (a scan calls reconcile, which
takes it again, maybe through another pipeline of the same library).
"""

from __future__ import annotations

import os
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

LOCK_NAME = "indexing.lock"
POLL_S = 0.1


class IndexingLock:
    def __init__(self, library_dir: Path) -> None:
        self.path = Path(library_dir).resolve() / LOCK_NAME

    @contextmanager
    def held(
        self,
        cancelled: threading.Event | None = None,
        on_wait: Callable[[], None] | None = None,
    ) -> Iterator[bool]:
        """Hold the lock for the block; yields False (lock not taken) if ``cancelled`` is set
        while waiting. ``on_wait`` runs once when another indexer holds the lock."""
        depths = _held_by_this_thread()
        key = str(self.path)
        if depths.get(key):
            depths[key] += 1
            try:
                yield True
            finally:
                depths[key] -= 1
            return
        with open(self.path, "a+b") as handle:
            waited = False
            while not _try_lock(handle.fileno()):
                if cancelled is not None and cancelled.is_set():
                    yield False
                    return
                if not waited and on_wait is not None:
                    on_wait()
                waited = True
                time.sleep(POLL_S)
            depths[key] = 1
            try:
                yield True
            finally:
                depths[key] = 0
                _unlock(handle.fileno())


# Which libraries the current thread holds, and how deeply: any IndexingLock object of the same
# library is re-entrant within a thread (the OS lock itself is per open file, not per thread).
_THREAD_STATE = threading.local()


def _held_by_this_thread() -> dict[str, int]:
    depths = getattr(_THREAD_STATE, "depths", None)
    if depths is None:
        depths = _THREAD_STATE.depths = {}
    return depths


if sys.platform == "win32":
    import msvcrt

    def _try_lock(fd: int) -> bool:
        os.lseek(fd, 0, os.SEEK_SET)
        try:
            msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)
        except OSError:
            return False
        return True

    def _unlock(fd: int) -> None:
        os.lseek(fd, 0, os.SEEK_SET)
        msvcrt.locking(fd, msvcrt.LK_UNLCK, 1)

else:
    import fcntl

    def _try_lock(fd: int) -> bool:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return False
        return True

    def _unlock(fd: int) -> None:
        fcntl.flock(fd, fcntl.LOCK_UN)
