"""The album: the grid for the current filter and sort order, re-read when the library changes.

Instead of a filter the grid can show a ranking (organizer/tagging/review.py): a tag's review
queue or the photos most like some photos, best first, under a bar that says so.
"""

from __future__ import annotations

import threading
from itertools import chain
from pathlib import Path

from PySide6.QtCore import QItemSelectionModel, QModelIndex, Signal
from PySide6.QtWidgets import QStackedLayout, QVBoxLayout, QWidget

from organizer.library import browse
from organizer.library.browse import Filter, PhotoRow, SortOrder
from organizer.library.store import Library
from organizer.tagging.review import Candidate, Ranking
from organizer.ui.album_model import PAGE_SIZE, AlbumModel, PhotoIdRole
from organizer.ui.album_view import THUMB_SIZE, AlbumView
from organizer.ui.context import UiContext
from organizer.ui.empty_state import NoMatches
from organizer.ui.ranking_bar import RankingBar
from organizer.ui.thumbnail_loader import ThumbnailLoader


class AlbumPage(QWidget):
    selectionChanged = Signal(list)  # photo ids
    openRequested = Signal(object)  # a photo's path, a Python str (double-click, Enter)
    # The grid shows the whole result of a query (tests and the status bar use this).
    idsLoaded = Signal(int)
    # The grid shows something new: the first page of a result, or all of it.
    shown = Signal()
    queryFailed = Signal(str)

    def __init__(self, context: UiContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.filter = Filter()
        self.ranking: Ranking | None = None  # shown instead of the filter's photos
        self.order = SortOrder.DATE_TAKEN
        self._generation = 0
        self._complete = False  # the whole id list of the latest refresh is shown
        self._shown_query: tuple[Filter | Ranking, SortOrder] | None = None
        self._ranking_cancel: threading.Event | None = None  # stops the ranking being read
        self.loader = ThumbnailLoader(context.thumbnails, THUMB_SIZE, parent=self)
        self.model = AlbumModel(context.library, self.loader, self, context.work.open_library)
        self.view = AlbumView(self)
        self.view.setModel(self.model)
        self.view.selectionModel().selectionChanged.connect(self._on_selection)
        self.view.activated.connect(self._on_activated)
        self.no_matches = NoMatches(self)
        self.ranking_bar = RankingBar(self)
        grid = QWidget(self)
        self._stack = QStackedLayout(grid)
        self._stack.addWidget(self.view)
        self._stack.addWidget(self.no_matches)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(self.ranking_bar)
        layout.addWidget(grid, 1)

    def set_filter(self, selection: Filter) -> None:
        self.filter = selection
        self.ranking = None
        self.ranking_bar.show_ranking(None)
        self.refresh()

    def set_ranking(self, ranking: Ranking | None) -> None:
        """Show ``ranking`` (None: back to the filter's photos)."""
        self.ranking = ranking
        self.ranking_bar.show_ranking(ranking)
        self.refresh()

    def set_order(self, order: SortOrder) -> None:
        self.order = order
        self.refresh()

    def refresh(self) -> None:
        """Re-read the matching ids off the GUI thread; an older answer arriving late is ignored.

        On an empty grid (opening the app) the first page of ids and its cell data are read on
        their own as well, a few milliseconds on any library size, so the grid paints before
        the whole sorted id list is in; the rest is appended when it arrives.
        """
        self._generation += 1
        generation = self._generation
        self._complete = False
        selection, order, ranking = self.filter, self.order, self.ranking
        if self._ranking_cancel is not None:
            self._ranking_cancel.set()  # nobody waits for the older ranking any more
            self._ranking_cancel = None
        if ranking is not None:
            app = self.context.app
            self._ranking_cancel = self.context.work.read_with_progress(
                lambda library, progress, cancel: ranking.candidates(
                    library, app.active_bundle(library), app.embeddings,
                    progress=progress, cancelled=cancel),
                lambda found: self._show_ranked(generation, found, ranking),
                lambda _stage, done, total: self._ranking_progress(generation, done, total),
                lambda message, _details: self._ranking_failed(generation, message),
            )
            return
        if self.model.rowCount() == 0:
            self.context.work.read(
                lambda library: _first_page(library, selection, order),
                lambda result: self._show_first_page(generation, result),
                lambda _message, _details: None,  # the full read fails too and says so
            )
        self.context.work.read(
            lambda library: browse.photo_ids(library, selection, order),
            lambda ids: self._show_ids(generation, ids, (selection, order)),
            lambda message, _details: self._read_failed(generation, message),
        )

    def _read_failed(self, generation: int, message: str) -> None:
        if generation == self._generation:
            self._complete = True  # nothing more is coming for this refresh
        self.queryFailed.emit(message)

    def reading(self) -> bool:
        """Whether the latest refresh is still being read."""
        return not self._complete

    def _show_first_page(
        self, generation: int, result: tuple[list[int], dict[int, PhotoRow]]
    ) -> None:
        if generation != self._generation or self._complete or self.model.rowCount():
            return
        ids, rows = result
        self.model.set_ids(ids, rows)
        self._stack.setCurrentWidget(self.view if ids else self.no_matches)
        self.shown.emit()

    def _ranking_progress(self, generation: int, done: int, total: int) -> None:
        if generation == self._generation and not self._complete:
            self.ranking_bar.show_ranking(self.ranking, percent=100 * done // max(total, 1))

    def _ranking_failed(self, generation: int, message: str) -> None:
        """A ranking that cannot be made (a tag of one's own with no confirmed photo yet):
        say why and go back to the filter's photos. One the user left (cancelled) says
        nothing."""
        if generation != self._generation:
            return
        self.set_ranking(None)
        self.queryFailed.emit(message)

    def _show_ranked(self, generation: int, found: list[Candidate], ranking: Ranking) -> None:
        if generation != self._generation:
            return
        fresh = self._shown_query != (ranking, self.order)
        ids = [candidate.photo_id for candidate in found]
        groups = [c.group or 0 for c in found] if ranking.duplicates else None
        self.ranking_bar.show_ranking(ranking, len(ids), len(set(groups or ())) or None)
        self._show_ids(generation, ids, (ranking, self.order), groups)
        if ids and (fresh or not self.selected_ids()):
            # A new queue starts at its likeliest photo alone, ready for Y / N (a selection
            # left from the grid before must not be confirmed wholesale).
            self.view.setCurrentIndex(self.model.index(0))

    def _show_ids(
        self,
        generation: int,
        ids: list[int],
        query: tuple[Filter | Ranking, SortOrder],
        groups: list[int] | None = None,
    ) -> None:
        if generation != self._generation:
            return
        self._complete = True
        # Same query re-read (after an edit, a retag): photos that left it hand the selection on.
        requery = query == self._shown_query
        self._shown_query = query
        selected = self.selected_ids()
        current = self.view.currentIndex().data(PhotoIdRole)
        scroll = self.view.verticalScrollBar().value()
        previous = self.model.ids()
        same = ids == previous
        self.model.set_ids(ids, groups=groups)
        if same:
            self.model.refresh_rows(selected)
        else:
            self._restore(selected, current, scroll, previous if requery else [])
        shown = query[0]
        if not ids:
            if isinstance(shown, Filter):
                self._explain_no_matches(shown)
            else:
                self.no_matches.explain_ranking(shown)
        self._stack.setCurrentWidget(self.view if ids else self.no_matches)
        self.shown.emit()
        self.idsLoaded.emit(len(ids))

    def _explain_no_matches(self, selection: Filter) -> None:
        self.no_matches.explain([], selection.folder)
        self.context.work.read(
            lambda library: browse.unknown_tags(library, selection.query),
            lambda unknown: self._show_unknown_tags(selection, unknown),
            lambda _message, _details: None,
        )

    def _show_unknown_tags(self, selection: Filter, unknown: list[str]) -> None:
        if selection == self.filter and self.ranking is None:
            self.no_matches.explain(unknown, selection.folder)

    def _restore(
        self, selected: list[int], current: int | None, scroll: int, previous: list[int]
    ) -> None:
        """Keep the user's place after a refresh (a retag must not jump back to the top).

        When every selected photo left the result (its tag was rejected under a tag filter),
        the photo that followed it in ``previous`` (the ids shown before, when the same query
        was re-read; empty for a new query) is selected instead, as a file manager does after
        a delete.
        """
        selection = self.view.selectionModel()
        flags = QItemSelectionModel.SelectionFlag.Select
        if previous and selected and all(self.model.row_of(pid) is None for pid in selected):
            follower = self._follower(previous, selected)
            selected = [] if follower is None else [follower]
            current = follower
        for photo_id in selected:
            row = self.model.row_of(photo_id)
            if row is not None:
                selection.select(self.model.index(row), flags)
        if current is not None and (row := self.model.row_of(current)) is not None:
            selection.setCurrentIndex(
                self.model.index(row), QItemSelectionModel.SelectionFlag.NoUpdate
            )
        self.view.verticalScrollBar().setValue(scroll)
        self._on_selection()

    def _follower(self, previous: list[int], gone: list[int]) -> int | None:
        """The first photo after the last of ``gone`` in ``previous`` that is still shown,
        else the nearest one before it."""
        gone_set = set(gone)
        last = max((row for row, pid in enumerate(previous) if pid in gone_set), default=-1)
        after = previous[last + 1 :]
        before = reversed(previous[: max(last, 0)])
        for candidate in chain(after, before):
            if candidate not in gone_set and self.model.row_of(candidate) is not None:
                return candidate
        return None

    def selected_ids(self) -> list[int]:
        rows = sorted(index.row() for index in self.view.selectionModel().selectedIndexes())
        return [self.model.id_at(row) for row in rows]

    def selected_paths(self) -> list[str]:
        rows = (index.row() for index in self.view.selectionModel().selectedIndexes())
        return [path for path in map(self.model.path_at, rows) if path is not None]

    def step(self, delta: int) -> str | None:
        """Move the current photo by ``delta`` (the large viewer's previous/next)."""
        row = self.view.currentIndex().row() + delta
        if not 0 <= row < self.model.rowCount():
            return None
        self.view.setCurrentIndex(self.model.index(row))
        return self.model.path_at(row)

    def folder(self) -> Path | None:
        return self.filter.folder

    def _on_selection(self, *_args: object) -> None:
        self.selectionChanged.emit(self.selected_ids())

    def _on_activated(self, index: QModelIndex) -> None:
        path = self.model.path_at(index.row())
        if path:
            self.openRequested.emit(path)


def _first_page(
    library: Library, selection: Filter, order: SortOrder
) -> tuple[list[int], dict[int, PhotoRow]]:
    ids = browse.photo_ids(library, selection, order, limit=PAGE_SIZE)
    return ids, browse.photo_rows(library, ids)
