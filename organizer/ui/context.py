"""What the widgets share, built once by the app entry point and passed in (no globals)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QUndoStack

from organizer.app import App
from organizer.library import browse
from organizer.library.store import Library
from organizer.thumbnails import ThumbnailCache
from organizer.ui.jobs import BackgroundWork

if TYPE_CHECKING:
    from organizer.ui.watch_bridge import WatchBridge


class LibraryEvents(QObject):
    """One place views learn what changed; each refreshes itself from these signals."""

    # Photos whose tags changed (an edit, an undo).
    tagsChanged = Signal(list)
    # Photos appeared, vanished or were retagged: counts and grids must be re-read.
    photosChanged = Signal()
    foldersChanged = Signal()
    # The folder watcher changed the index (changed photo ids, removed photo ids); both may be
    # empty after a rescan, when whole folders were reconciled.
    diskChanged = Signal(list, list)
    # Tags renamed, merged, deleted, or the display language changed.
    tagNamesChanged = Signal()
    # The "minimum score shown" setting changed: the details panel re-filters its tags.
    minScoreChanged = Signal()


@dataclass
class UiContext:
    app: App
    work: BackgroundWork
    thumbnails: ThumbnailCache
    events: LibraryEvents
    undo: QUndoStack
    # Follows the library's folders while the main window is open; None where nothing watches
    # (tests of other features, benchmarks).
    watcher: WatchBridge | None = None
    # Cached: display names are asked for on every repaint of the tag panel.
    tag_names_language: str = "en"
    # Model suggestions scored below this are hidden in the details panel (a setting).
    min_display_score: float = 0.0

    @property
    def library(self) -> Library:
        """The GUI thread's own connection: only small, indexed reads go through it."""
        return self.app.library

    def set_tag_language(self, language: str) -> None:
        self.library.set_setting("tag_language", language)
        self.tag_names_language = language
        self.events.tagNamesChanged.emit()

    def set_min_display_score(self, score: float) -> None:
        score = round(score, 2)
        self.library.set_setting("min_display_score", f"{score:.2f}")
        if score != self.min_display_score:
            self.min_display_score = score
            self.events.minScoreChanged.emit()

    def display_name(self, name: str, display_en: str | None, display_zh: str | None) -> str:
        if self.tag_names_language == "zh_CN" and display_zh:
            return display_zh
        return display_en or name

    def tag_labels(self) -> Callable[[str], str]:
        """A tag's name as the UI shows it now, for tag names that come as text (the retrain
        summary); a name the library does not know is shown as it is."""
        names = browse.tag_display_names(self.library)

        def label(name: str) -> str:
            display = names.get(name.casefold())
            return self.display_name(name, *display) if display else name

        return label
