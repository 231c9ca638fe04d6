"""Loads thumbnails on worker threads, newest request first; QImage out, never QPixmap."""

from __future__ import annotations

import shiboken6
from PySide6.QtCore import QObject, QSize, Qt, Signal
from PySide6.QtGui import QImage, QImageReader

from organizer.thumbnails import ThumbnailCache, ThumbnailError
from organizer.ui.latest_first import LatestFirst

MAX_PENDING = 256


class ThumbnailLoader(QObject):
    loaded = Signal(str, QImage)
    failed = Signal(str, str)

    def __init__(
        self,
        cache: ThumbnailCache,
        display_size: QSize,
        threads: int = 2,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._cache = cache
        self._display_size = display_size
        self._queue: LatestFirst[str, str] = LatestFirst(
            self._load, threads, MAX_PENDING, "thumbnails"
        )

    def request(self, key: str, source: str) -> None:
        self._queue.put(key, source)

    def clear_pending(self) -> None:
        self._queue.clear()

    def wait(self, msecs: int = 30000) -> bool:
        return self._queue.wait_idle(msecs / 1000)

    def _load(self, key: str, source: str) -> None:
        if not shiboken6.isValid(self):
            return  # the window closed while this request waited
        try:
            path = self._cache.ensure(key, source)
            image = self._read_scaled(str(path))
            if image.isNull():
                # A corrupt cached file: drop it so the next request renders it again.
                self._cache.remove(key)
                raise ThumbnailError(f"{source}: thumbnail unreadable")
            self.loaded.emit(key, image)
        except ThumbnailError as error:
            self.failed.emit(key, str(error))
        except OSError as error:
            self.failed.emit(key, f"{source}: {error}")

    def _read_scaled(self, path: str) -> QImage:
        # Scaling here, not in paint(): the GUI thread only blits ready-sized images.
        reader = QImageReader(path)
        size = reader.size()
        if size.isValid() and (
            size.width() > self._display_size.width() or size.height() > self._display_size.height()
        ):
            # The JPEG decoder scales while decoding: less work than decode-then-scale.
            reader.setScaledSize(
                size.scaled(self._display_size, Qt.AspectRatioMode.KeepAspectRatio)
            )
            reader.setQuality(100)  # smooth scaling for the remainder
        return reader.read()
