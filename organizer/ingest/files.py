"""Which files are photos, walking folders, and content hashes."""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterator
from pathlib import Path
from typing import NamedTuple

from organizer.library.paths import NOT_INDEXABLE, indexable
from organizer.metadata.atomic import is_temp_file
from organizer.text import printable

PHOTO_EXTENSIONS = frozenset(
    {
        ".jpg",
        ".jpeg",
        ".jpe",
        ".png",
        ".webp",
        ".tif",
        ".tiff",
        ".heic",
        ".heif",
        ".avif",
        ".bmp",
        ".gif",
        ".dng",
        ".nef",
        ".cr2",
        ".arw",
        ".orf",
        ".rw2",
        ".raf",
    }
)
# Temp files of Organizer's own metadata writes and of common editors/tools: never photos.
IGNORED_PREFIXES = (".organizer-tmp-", "._", ".~")
IGNORED_SUFFIXES = ("_exiftool_tmp", ".tmp", ".part", ".crdownload", "~")
HASH_CHUNK = 1 << 20


class FileStat(NamedTuple):
    """A tuple, not a frozen dataclass: a rescan makes one per file, and at a million files
    the dataclass's __init__ and the garbage collector's passes over them took seconds."""

    path: str
    size: int
    mtime_ns: int


def is_photo_name(name: str) -> bool:
    lowered = name.lower()
    if lowered.startswith(IGNORED_PREFIXES) or lowered.endswith(IGNORED_SUFFIXES):
        return False
    # os.path.splitext of a bare name: the last dot, unless only dots come before it.
    dot = lowered.rfind(".")
    if dot <= 0 or not lowered[:dot].strip("."):
        return False
    return lowered[dot:] in PHOTO_EXTENSIONS


def walk_photos(
    root: Path,
    skipped: list[str] | None = None,
    temp_files: list[str] | None = None,
    failed: list[tuple[str, str]] | None = None,
) -> Iterator[FileStat]:
    """Every photo-named regular file below ``root``; hidden folders are not entered.

    Files that are not photos are appended to ``skipped`` (when given) so a scan can say what it
    left out. Unreadable folders are skipped with their reason in ``skipped`` as well. Temp files
    of Organizer's own keyword writes go to ``temp_files`` (a crash may have left them), photos
    that cannot be indexed (names that are not UTF-8) to ``failed`` with their reason.
    """
    stack = [str(root)]
    while stack:
        directory = stack.pop()
        try:
            entries = list(os.scandir(directory))
        except OSError as error:
            if skipped is not None:
                skipped.append(f"{directory}: cannot list folder ({error.strerror})")
            continue
        for entry in entries:
            try:
                if entry.is_dir(follow_symlinks=False):
                    if not entry.name.startswith("."):
                        stack.append(entry.path)
                    continue
                if not entry.is_file(follow_symlinks=False):
                    continue
                if not is_photo_name(entry.name):
                    if temp_files is not None and is_temp_file(entry.name):
                        temp_files.append(entry.path)
                    elif (
                        skipped is not None
                        and not entry.name.startswith(".")
                        and not entry.name.lower().endswith(".xmp")  # sidecars: metadata
                    ):
                        skipped.append(f"{entry.path}: not a photo file type")
                    continue
                stat = entry.stat(follow_symlinks=False)
            except OSError:
                continue
            if not indexable(entry.path):
                if failed is not None:
                    failed.append((printable(entry.path), NOT_INDEXABLE))
                continue
            yield FileStat(entry.path, stat.st_size, stat.st_mtime_ns)


def content_hash(path: str | Path) -> str:
    """A fingerprint of the whole file: identifies a photo across moves and renames."""
    digest = hashlib.blake2b(digest_size=16)
    with open(path, "rb") as handle:
        while chunk := handle.read(HASH_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()
