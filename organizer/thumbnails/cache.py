"""Thumbnails on disk under ``<library>/thumbnails``, one JPEG per content hash.

Keyed by content hash (not path) so a moved or renamed photo keeps its thumbnail and duplicates
share one. Files are written to a temporary name and renamed, so a crash or two threads racing
on the same photo never leave a half-written thumbnail that later reads as corrupt.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from PIL import Image, ImageOps

from organizer.errors import OrganizerError, UnreadableImageError
from organizer.imaging import open_image

THUMBNAIL_SIZE = 256
JPEG_QUALITY = 82


class ThumbnailError(OrganizerError):
    """A thumbnail cannot be made (file gone, unreadable, not an image)."""


class ThumbnailCache:
    def __init__(self, root: Path, size: int = THUMBNAIL_SIZE) -> None:
        self.root = Path(root)
        self.size = size

    def path_for(self, content_hash: str) -> Path:
        # Two-level fan-out keeps directories small with a million photos.
        name = _safe_key(content_hash)
        return self.root / name[:2] / f"{name}.jpg"

    def cached(self, content_hash: str) -> Path | None:
        path = self.path_for(content_hash)
        return path if path.is_file() else None

    def ensure(self, content_hash: str, source: Path | str) -> Path:
        """The thumbnail's path, making it from ``source`` first if it is not cached."""
        path = self.path_for(content_hash)
        if path.is_file():
            return path
        image = self._render(Path(source))
        path.parent.mkdir(parents=True, exist_ok=True)
        descriptor, temp = tempfile.mkstemp(prefix=".tmp-", suffix=".jpg", dir=path.parent)
        try:
            with os.fdopen(descriptor, "wb") as handle:
                image.save(handle, "JPEG", quality=JPEG_QUALITY, optimize=True)
            os.replace(temp, path)
        except BaseException:
            Path(temp).unlink(missing_ok=True)
            raise
        return path

    def _render(self, source: Path) -> Image.Image:
        """The same guards as the tagger (open_image): supported formats, no bombs."""
        try:
            with open_image(source) as image:
                # DCT scaling decodes a 12 MP JPEG several times faster at thumbnail size.
                image.draft("RGB", (self.size, self.size))
                upright = ImageOps.exif_transpose(image)
                upright.thumbnail((self.size, self.size), Image.Resampling.LANCZOS)
                return upright.convert("RGB")
        except UnreadableImageError as error:
            raise ThumbnailError(str(error)) from error

    def remove(self, content_hash: str) -> None:
        self.path_for(content_hash).unlink(missing_ok=True)


def _safe_key(content_hash: str) -> str:
    """Hashes are hex; anything else must not be able to climb out of the cache folder."""
    key = "".join(ch for ch in content_hash if ch.isalnum() or ch in "-_")
    if len(key) < 3:
        raise ThumbnailError(f"invalid thumbnail key {content_hash!r}")
    return key
