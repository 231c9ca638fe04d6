"""Loads thumbnails on worker threads, newest request first; QImage out, never QPixmap.

While the user scrolls fast, requests pile up for cells already gone from the screen. Serving
the newest first (a stack) and dropping the oldest beyond a bound keeps what is on screen
loading first; a dropped cell is simply asked for again when it is painted again.
"""

from __future__ import annotations

import threading
from collections import OrderedDict

from PySide6.QtCore import QObject, QRunnable, QSize, Qt, QThreadPool, Signal
from PySide6.QtGui import QImage

from organizer.thumbnails import ThumbnailCache, ThumbnailError

MAX_PENDING = 256


class ThumbnailLoader(QObject):
    loaded = Signal(str, QImage)
    failed = Signal(str, str)

    def __init__(
        self,
        cache: ThumbnailCache,
        display_size: QSize,
        threads: int = 4,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._cache = cache
        self._display_size = display_size
        self._pool = QThreadPool(self)
        self._pool.setMaxThreadCount(threads)
        self._lock = threading.Lock()
        self._pending: OrderedDict[str, str] = OrderedDict()
        self._in_flight: set[str] = set()
        self._workers = 0
        self._threads = threads

    def request(self, key: str, source: str) -> None:
        with self._lock:
            if key in self._in_flight:
                return
            self._pending[key] = source
            self._pending.move_to_end(key)
            while len(self._pending) > MAX_PENDING:
                self._pending.popitem(last=False)
            if self._workers >= self._threads:
                return
            self._workers += 1
        self._pool.start(_Drain(self))

    def clear_pending(self) -> None:
        with self._lock:
            self._pending.clear()

    def wait(self, msecs: int = 30000) -> bool:
        return self._pool.waitForDone(msecs)

    def _next(self) -> tuple[str, str] | None:
        with self._lock:
            if not self._pending:
                self._workers -= 1
                return None
            key, source = self._pending.popitem(last=True)
            self._in_flight.add(key)
            return key, source

    def _load(self, key: str, source: str) -> None:
        try:
            path = self._cache.ensure(key, source)
            image = QImage(str(path))
            if image.isNull():
                # A corrupt cached file: drop it so the next request renders it again.
                self._cache.remove(key)
                raise ThumbnailError(f"{source}: thumbnail unreadable")
            # Scaling here, not in paint(): the GUI thread only blits ready-sized images.
            image = image.scaled(
                self._display_size,
                Qt.AspectRatioMode.KeepAspectRatio,
                Qt.TransformationMode.SmoothTransformation,
            )
            self.loaded.emit(key, image)
        except ThumbnailError as error:
            self.failed.emit(key, str(error))
        except OSError as error:
            self.failed.emit(key, f"{source}: {error}")
        finally:
            with self._lock:
                self._in_flight.discard(key)


class _Drain(QRunnable):
    def __init__(self, loader: ThumbnailLoader) -> None:
        super().__init__()
        self._loader = loader

    def run(self) -> None:
        while (item := self._loader._next()) is not None:
            self._loader._load(*item)
