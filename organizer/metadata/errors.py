"""Metadata errors: every one names the file and gives a reason a user can act on."""

from __future__ import annotations

from pathlib import Path

from organizer.errors import OrganizerError


class MetadataError(OrganizerError):
    """Reading or writing a file's metadata failed; ``path`` and ``reason`` say where and why."""

    def __init__(self, path: Path | str, reason: str) -> None:
        super().__init__(f"{path}: {reason}")
        self.path = Path(path)
        self.reason = reason


class MetadataReadError(MetadataError):
    """A file's (or its sidecar's) keywords could not be read."""


class MetadataWriteError(MetadataError):
    """Keywords were not written; the file on disk is exactly as it was before."""
