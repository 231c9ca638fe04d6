"""A disk cache of small JPEG thumbnails keyed by content hash (Qt-free, Pillow-based)."""

from organizer.thumbnails.cache import ThumbnailCache, ThumbnailError

__all__ = ["ThumbnailCache", "ThumbnailError"]
