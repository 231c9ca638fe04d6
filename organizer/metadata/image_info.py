"""Facts about an image read from its header with Pillow: size, orientation, date taken."""

from __future__ import annotations

from dataclasses import dataclass

from PIL import Image

ORIENTATION_TAG = 0x0112
EXIF_IFD_POINTER = 0x8769
DATE_TIME_ORIGINAL = 0x9003
DATE_TIME = 0x0132


@dataclass(frozen=True)
class ImageInfo:
    format: str | None
    width: int
    height: int
    orientation: int | None
    taken_at: str | None


def image_info(image: Image.Image) -> ImageInfo:
    """Read what the index stores; broken EXIF yields None fields, never an exception."""
    orientation: int | None = None
    taken_at: str | None = None
    try:
        exif = image.getexif()
        raw_orientation = exif.get(ORIENTATION_TAG)
        # Real files carry values such as 0, 12336 or 36865: anything outside 1-8 means "as is".
        if isinstance(raw_orientation, int) and 1 <= raw_orientation <= 8:
            orientation = raw_orientation
        taken_at = _exif_datetime(exif.get_ifd(EXIF_IFD_POINTER).get(DATE_TIME_ORIGINAL))
        if taken_at is None:
            taken_at = _exif_datetime(exif.get(DATE_TIME))
    except Exception:  # noqa: BLE001 - malformed EXIF must not stop indexing the pixels
        pass
    return ImageInfo(image.format, image.width, image.height, orientation, taken_at)


def _exif_datetime(value: object) -> str | None:
    """EXIF "YYYY:MM:DD HH:MM:SS" to ISO 8601; placeholders like "0000:00:00" give None."""
    if isinstance(value, bytes):
        value = value.decode("ascii", "replace")
    if not isinstance(value, str):
        return None
    text = value.strip().rstrip("\x00")
    if len(text) < 19 or text.startswith("0000"):
        return None
    date, _, time = text[:19].partition(" ")
    parts = date.split(":")
    if len(parts) != 3 or not all(part.isdigit() for part in parts):
        return None
    return f"{parts[0]}-{parts[1]}-{parts[2]}T{time}"
