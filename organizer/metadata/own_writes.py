"""Remember the files Organizer just wrote, so a folder watcher can ignore their events.

Without this, writing keywords fires "modified" → the watcher re-indexes → the pipeline writes
again → a loop. The service records (path, size, mtime_ns) after each replace; the watcher asks
``is_own_write(path)``. A file counts as ours only while it still has exactly that size and
modification time, so an edit by another program right after ours is still noticed.

No global instance: the composition root creates one and gives it to both sides.
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from organizer.metadata.atomic import is_temp_file

DEFAULT_TTL_S = 120.0


@dataclass(frozen=True)
class _Entry:
    size: int
    mtime_ns: int
    recorded_at: float


class OwnWrites:
    """Thread-safe registry of (path, size, mtime_ns) for files Organizer wrote recently."""

    def __init__(
        self, ttl_s: float = DEFAULT_TTL_S, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self._ttl_s = ttl_s
        self._clock = clock
        self._entries: dict[str, _Entry] = {}
        self._lock = threading.Lock()

    def record(self, path: Path | str, st: os.stat_result | None = None) -> None:
        """Note that we just wrote ``path`` (stat it now unless ``st`` is given)."""
        key = _key(path)
        st = st if st is not None else os.stat(key)
        with self._lock:
            self._prune()
            self._entries[key] = _Entry(st.st_size, st.st_mtime_ns, self._clock())

    def is_own_write(self, path: Path | str) -> bool:
        """True if ``path`` is as Organizer last wrote it, or is one of Organizer's temp files."""
        if is_temp_file(path):
            return True
        key = _key(path)
        with self._lock:
            entry = self._entries.get(key)
            if entry is None or self._clock() - entry.recorded_at > self._ttl_s:
                return False
        try:
            st = os.stat(key)
        except OSError:
            return False
        return (st.st_size, st.st_mtime_ns) == (entry.size, entry.mtime_ns)

    def forget(self, path: Path | str) -> None:
        with self._lock:
            self._entries.pop(_key(path), None)

    def __len__(self) -> int:
        with self._lock:
            self._prune()
            return len(self._entries)

    def _prune(self) -> None:
        now = self._clock()
        stale = [k for k, e in self._entries.items() if now - e.recorded_at > self._ttl_s]
        for key in stale:
            del self._entries[key]


def _key(path: Path | str) -> str:
    # Watchers may report the path through a symlinked folder; compare real paths.
    return os.path.realpath(os.fspath(path))
