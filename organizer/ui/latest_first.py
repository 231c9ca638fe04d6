"""A few worker threads serving keyed requests newest first (no Qt: plain ``threading``).

While the user scrolls fast, requests pile up for cells already gone from the screen. Serving
the newest first (a stack) and dropping the oldest beyond a bound keeps what is on screen
loading first; a dropped cell is simply asked for again when it is painted again.

Why not ``QThreadPool.start`` per request: on the GUI thread each call cost ~0.8 ms while
scrolling (it gives up the GIL and waits to get it back from busy workers), and a screenful of
cells makes dozens of requests per frame. Here a request is a dict insert and a notify; the
threads stay alive while there is work and end after ``idle_s`` without any.
"""

from __future__ import annotations

import logging
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Generic, TypeVar

log = logging.getLogger(__name__)

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")


class LatestFirst(Generic[K, V]):
    def __init__(
        self,
        handle: Callable[[K, V], None],
        threads: int,
        max_pending: int,
        name: str,
        idle_s: float = 10.0,
    ) -> None:
        self._handle = handle
        self._max_threads = threads
        self._max_pending = max_pending
        self._name = name
        self._idle_s = idle_s
        self._lock = threading.Lock()
        self._work = threading.Condition(self._lock)  # workers wait here for requests
        self._done = threading.Condition(self._lock)  # wait_idle() waits here
        self._pending: OrderedDict[K, V] = OrderedDict()
        self._in_flight: set[K] = set()
        self._threads = 0
        self._waiting = 0

    def put(self, key: K, value: V) -> None:
        with self._lock:
            if key in self._in_flight:
                return
            self._pending[key] = value
            self._pending.move_to_end(key)
            while len(self._pending) > self._max_pending:
                self._pending.popitem(last=False)
            if self._waiting:
                self._work.notify()
                return
            if self._threads >= self._max_threads:
                return
            self._threads += 1
        threading.Thread(target=self._serve, name=self._name, daemon=True).start()

    def clear(self) -> None:
        """Forget what is not started yet (the grid now shows other photos)."""
        with self._lock:
            self._pending.clear()
            self._done.notify_all()

    def wait_idle(self, timeout_s: float) -> bool:
        """Block until nothing is pending or running (shutdown and tests)."""
        deadline = time.monotonic() + timeout_s
        with self._lock:
            while self._pending or self._in_flight:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    return False
                self._done.wait(remaining)
            return True

    def _serve(self) -> None:
        while (item := self._next()) is not None:
            key, value = item
            try:
                self._handle(key, value)
            except Exception:  # noqa: BLE001 - a bug here must not kill the worker silently
                log.exception("%s: request %r failed", self._name, key)
            finally:
                with self._lock:
                    self._in_flight.discard(key)
                    self._done.notify_all()

    def _next(self) -> tuple[K, V] | None:
        with self._lock:
            while not self._pending:
                self._waiting += 1
                self._work.wait(self._idle_s)
                self._waiting -= 1
                if not self._pending:
                    # Idle (or a spurious wake-up with nothing to do): end; put() starts another.
                    self._threads -= 1
                    return None
            key, value = self._pending.popitem(last=True)
            self._in_flight.add(key)
            return key, value
