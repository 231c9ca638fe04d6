"""Errors the user can understand: each carries a one-line, human-readable reason."""

from __future__ import annotations


class OrganizerError(Exception):
    """A known failure with a message fit to show a user (CLI stderr or a dialog)."""


class LibraryError(OrganizerError):
    """The library folder or its database cannot be used."""


class DatabaseLockedError(LibraryError):
    """Another process holds the database write lock for too long."""


class ModelError(OrganizerError):
    """The model bundle is missing, incomplete or cannot be loaded."""


class QuerySyntaxError(OrganizerError):
    """A search query does not parse; ``position`` is the 0-based character offset."""

    def __init__(self, message: str, position: int) -> None:
        super().__init__(f"{message} at position {position + 1}")
        self.position = position


class UnreadableImageError(OrganizerError):
    """A file cannot be decoded as an image (corrupt, truncated, not an image, too large)."""

    def __init__(self, path: object, reason: str) -> None:
        super().__init__(f"{path}: {reason}")
        self.path = path
        self.reason = reason


class Cancelled(OrganizerError):
    """The user stopped the work; there is nothing to report."""

    def __init__(self) -> None:
        super().__init__("cancelled")
