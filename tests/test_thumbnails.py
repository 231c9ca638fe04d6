"""The thumbnail cache on real photos: size, orientation, keys, bad input."""

from __future__ import annotations

from pathlib import Path

import pytest
from PIL import Image

from organizer.ingest.files import content_hash
from organizer.thumbnails import ThumbnailCache, ThumbnailError


def _photo(shared_data: Path) -> Path:
    return sorted((shared_data / "photos" / "coco128" / "images").glob("*.jpg"))[0]


def test_thumbnail_is_made_once_and_fits(tmp_path: Path, shared_data: Path) -> None:
    source = _photo(shared_data)
    cache = ThumbnailCache(tmp_path / "thumbs", size=128)
    key = content_hash(source)
    path = cache.ensure(key, source)
    assert path.is_file() and path.is_relative_to(tmp_path / "thumbs")
    with Image.open(path) as image:
        assert max(image.size) == 128
    stamp = path.stat().st_mtime_ns
    assert cache.ensure(key, tmp_path / "gone.jpg") == path  # cached: source not read again
    assert path.stat().st_mtime_ns == stamp
    assert cache.cached(key) == path


def test_exif_orientation_is_applied(tmp_path: Path) -> None:
    source = tmp_path / "rotated.jpg"
    exif = Image.Exif()
    exif[0x0112] = 6  # rotate 90° clockwise to display
    Image.new("RGB", (400, 200), "red").save(source, exif=exif)
    path = ThumbnailCache(tmp_path / "thumbs", size=100).ensure("abc123", source)
    with Image.open(path) as image:
        assert image.size == (50, 100)


@pytest.mark.parametrize("content", [b"", b"not an image at all"])
def test_unreadable_source_is_a_clear_error(tmp_path: Path, content: bytes) -> None:
    source = tmp_path / "bad.jpg"
    source.write_bytes(content)
    cache = ThumbnailCache(tmp_path / "thumbs")
    with pytest.raises(ThumbnailError, match="bad.jpg"):
        cache.ensure("deadbeef", source)
    assert cache.cached("deadbeef") is None
    assert not list((tmp_path / "thumbs").rglob("*.tmp*"))


def test_missing_file_and_bad_keys(tmp_path: Path) -> None:
    cache = ThumbnailCache(tmp_path / "thumbs")
    with pytest.raises(ThumbnailError, match="not found"):
        cache.ensure("deadbeef", tmp_path / "nope.jpg")
    assert cache.path_for("../../etc/passwd").is_relative_to(tmp_path / "thumbs")
    with pytest.raises(ThumbnailError):
        cache.path_for("..")
