"""Decoding photos for display, on worker threads (QImage is safe off the GUI thread)."""

from __future__ import annotations

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QSize, Qt
from PySide6.QtGui import QImage, QImageReader

from organizer.errors import UnreadableImageError


def load_display_image(path: str, bound: QSize) -> QImage:
    """The photo upright (EXIF orientation applied), scaled down to fit ``bound``."""
    try:
        path.encode("utf-8")
        reader = QImageReader(path)
    except UnicodeEncodeError:
        # A Qt string cannot name a file whose name is not UTF-8: Python reads the bytes.
        with open(path, "rb") as handle:
            buffer = QBuffer()
            buffer.setData(QByteArray(handle.read()))
        buffer.open(QIODevice.OpenModeFlag.ReadOnly)
        reader = QImageReader(buffer)
    reader.setAutoTransform(True)
    size = reader.size()
    if size.isValid() and (size.width() > bound.width() or size.height() > bound.height()):
        # Let the decoder scale (JPEG DCT scaling) instead of decoding full size first. The
        # size is pre-rotation, so fit the transposed bound too when the photo turns sideways.
        transform = reader.transformation()
        swapped = bool(transform.value & 4)  # Qt's Rotate90/270 flags include TransposeFlag
        fit = QSize(bound.height(), bound.width()) if swapped else bound
        reader.setScaledSize(size.scaled(fit, Qt.AspectRatioMode.KeepAspectRatio))
    image = reader.read()
    if image.isNull():
        raise UnreadableImageError(path, reader.errorString())
    return image
