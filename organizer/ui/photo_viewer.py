"""One photo large, upright (EXIF orientation applied); Left/Right step, Esc goes back."""

from __future__ import annotations

from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtGui import QImage, QKeyEvent, QPixmap, QResizeEvent
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from organizer.text import printable
from organizer.ui.images import load_display_image
from organizer.ui.jobs import BackgroundWork

MAX_DECODE = QSize(2560, 2560)


class PhotoViewer(QWidget):
    closed = Signal()
    stepped = Signal(int)  # -1 previous, +1 next

    def __init__(self, work: BackgroundWork, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._work = work
        self._image: QImage | None = None
        self._path = ""
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.label = QLabel(self)
        self.label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.label.setMinimumSize(1, 1)
        self.label.setStyleSheet("background: #202020; color: #dddddd;")
        self.caption = QLabel(self)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.label, 1)
        layout.addWidget(self.caption)

    def show_path(self, path: str) -> None:
        self._path = path
        self._image = None
        self.label.setText(self.tr("Loading…"))
        self.caption.setText(printable(path) + "   " + self.tr("(Esc: back, ←/→: previous/next)"))
        self._work.read(
            lambda _library: load_display_image(path, MAX_DECODE),
            lambda image: self._show(path, image),
            lambda message, _details: self.label.setText(message),
        )

    def _show(self, path: str, image: object) -> None:
        if path != self._path or not isinstance(image, QImage):
            return
        self._image = image
        self._rescale()

    def _rescale(self) -> None:
        if self._image is None:
            return
        pixmap = QPixmap.fromImage(self._image)
        self.label.setPixmap(
            pixmap.scaled(
                self.label.size(),
                Qt.AspectRatioMode.KeepAspectRatio,
                Qt.TransformationMode.SmoothTransformation,
            )
        )

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._rescale()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        key = event.key()
        if key == Qt.Key.Key_Escape:
            self.closed.emit()
        elif key in (Qt.Key.Key_Left, Qt.Key.Key_PageUp):
            self.stepped.emit(-1)
        elif key in (Qt.Key.Key_Right, Qt.Key.Key_PageDown, Qt.Key.Key_Space):
            self.stepped.emit(1)
        else:
            super().keyPressEvent(event)
