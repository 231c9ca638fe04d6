"""The album grid's model: only photo ids, with cell data fetched a page at a time on demand.

100,000 photos cost a list of ids; what a cell shows (name, thumbnail key) is read for the
page around a painted row by one indexed query and kept in a bounded cache, so memory follows
what the user looks at, not the library size. Painting never waits for SQLite: a page not in
the cache is read on a worker thread (its cells paint as placeholders meanwhile, and repaint
when it lands). Thumbnails arrive from ``ThumbnailLoader`` as QImage and become QPixmap here,
on the GUI thread.
"""

from __future__ import annotations

import hashlib
import logging
import os
from collections import OrderedDict
from collections.abc import Callable, Sequence
from typing import NamedTuple

import shiboken6
from PySide6.QtCore import (
    QAbstractListModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
    QTimer,
    Signal,
    Slot,
)
from PySide6.QtGui import QImage, QPixmap

from organizer.library import browse
from organizer.library.browse import PhotoRow
from organizer.library.store import Library
from organizer.text import printable
from organizer.ui.latest_first import LatestFirst
from organizer.ui.thumbnail_loader import ThumbnailLoader

log = logging.getLogger(__name__)

PAGE_SIZE = 256
MAX_PAGES = 64
MAX_PIXMAPS = 1500
# Pages asked for but not read yet; beyond this the oldest (scrolled past) are dropped.
MAX_PENDING_PAGES = 8

PhotoIdRole = Qt.ItemDataRole.UserRole + 1
ThumbnailStateRole = Qt.ItemDataRole.UserRole + 3
GroupRole = Qt.ItemDataRole.UserRole + 4  # the duplicate group a row is in (None elsewhere)

THUMB_LOADING = "loading"
THUMB_FAILED = "failed"

AnyIndex = QModelIndex | QPersistentModelIndex


class Cell(NamedTuple):
    """What the delegate paints for one cell, in one call (not three trips through data())."""

    name: str
    pixmap: QPixmap | None
    state: str | None  # THUMB_LOADING / THUMB_FAILED while there is no pixmap
    shaded: bool = False  # in every other group of the duplicates list: where groups meet


def thumbnail_key(row: PhotoRow) -> str:
    if row.content_hash:
        return row.content_hash
    # No hash (never read fully): key by path so it still gets a thumbnail.
    return "p" + hashlib.blake2b(os.fsencode(row.path), digest_size=16).hexdigest()


class AlbumModel(QAbstractListModel):
    # A page read on a worker: (its ids, their rows); delivered queued, on the GUI thread.
    _pageRead = Signal(int, object, object)

    def __init__(
        self,
        library: Library,
        loader: ThumbnailLoader,
        parent: QObject | None = None,
        open_library: Callable[[], Library] | None = None,
    ) -> None:
        super().__init__(parent)
        self._library = library
        self._loader = loader
        # Without a way to open a worker connection (simple tests), pages are read in place.
        self._open_library = open_library
        self._page_reads: LatestFirst[tuple[int, ...], int] = LatestFirst(
            self._read_page, 1, MAX_PENDING_PAGES, "album pages"
        )
        self._ids: list[int] = []
        self._groups: list[int] | None = None
        self._rows_of: dict[int, int] = {}
        self._pages: OrderedDict[int, dict[int, PhotoRow]] = OrderedDict()
        self._pixmaps: OrderedDict[str, QPixmap] = OrderedDict()
        self._failed: dict[str, str] = {}
        # Rows waiting for each thumbnail (exact copies share one: their content hash).
        self._rows_of_key: dict[str, set[int]] = {}
        self._changed_rows: set[int] = set()
        # Many thumbnails land per frame while scrolling; repaint once for the lot.
        self._flush = QTimer(self)
        self._flush.setSingleShot(True)
        self._flush.setInterval(15)
        self._flush.timeout.connect(self._emit_changed)
        loader.loaded.connect(self._on_loaded)
        loader.failed.connect(self._on_failed)
        self._pageRead.connect(self._on_page_read)

    # -- contents --------------------------------------------------------------------------

    def set_ids(
        self,
        ids: Sequence[int],
        first_rows: dict[int, PhotoRow] | None = None,
        groups: Sequence[int] | None = None,
    ) -> None:
        """Show these photos. ``first_rows``: cell data of the first page, read with the ids;
        ``groups``: each photo's group, where the list is made of groups (duplicates).

        When the ids only add to the end of what is shown (the rest of a list whose first page
        is on screen, photos sorted last), rows are inserted, so the view keeps its place.
        """
        ids = list(ids)
        groups = list(groups) if groups is not None else None
        if groups != self._groups:
            self._groups = groups
            if ids == self._ids and ids:
                self.dataChanged.emit(self.index(0), self.index(len(ids) - 1))
        if ids == self._ids:
            return
        shown = len(self._ids)
        if 0 < shown < len(ids) and ids[:shown] == self._ids:
            self.beginInsertRows(QModelIndex(), shown, len(ids) - 1)
            self._ids = ids
            self._rows_of = {}
            if shown % PAGE_SIZE:
                # The last page was read short; reread it with its new rows.
                self._pages.pop(shown // PAGE_SIZE, None)
            self.endInsertRows()
            return
        self.beginResetModel()
        self._ids = ids
        self._rows_of = {}
        self._pages.clear()
        if first_rows is not None:
            self._pages[0] = first_rows
        self._rows_of_key.clear()
        self._changed_rows.clear()
        self._loader.clear_pending()
        self._page_reads.clear()
        self.endResetModel()

    def ids(self) -> list[int]:
        return list(self._ids)

    def id_at(self, row: int) -> int:
        return self._ids[row]

    def row_of(self, photo_id: int) -> int | None:
        if not self._rows_of and self._ids:
            self._rows_of = {pid: row for row, pid in enumerate(self._ids)}
        return self._rows_of.get(photo_id)

    def refresh_rows(self, photo_ids: Sequence[int]) -> None:
        """Cell data of these photos changed on disk (retag, move): re-read their pages.

        The old data stays on screen until the new arrives (no flash of empty cells).
        """
        rows = sorted(r for r in (self.row_of(pid) for pid in photo_ids) if r is not None)
        for page_number in sorted({row // PAGE_SIZE for row in rows}):
            if self._open_library is None:
                ids = self._page_ids(page_number)
                self._store_page(page_number, browse.photo_rows(self._library, ids))
            elif page_number in self._pages:
                self._page_reads.put(self._page_ids(page_number), page_number)
        if self._open_library is None:
            for first, last in _runs(rows):
                self.dataChanged.emit(self.index(first), self.index(last))

    def path_at(self, row: int) -> str | None:
        """The row's photo path exactly as the OS names it (not through a Qt string, which
        drops bytes of a name that are not UTF-8)."""
        photo = self.photo_row(row)
        return photo.path if photo is not None else None

    def photo_row(self, row: int) -> PhotoRow | None:
        """The row's cell data, read now if it is not cached (user actions, not painting)."""
        if not 0 <= row < len(self._ids):
            return None
        page_number = row // PAGE_SIZE
        page = self._pages.get(page_number)
        if page is None:
            page = self._store_page(
                page_number, browse.photo_rows(self._library, self._page_ids(page_number))
            )
        else:
            self._pages.move_to_end(page_number)
        return page.get(self._ids[row])

    def cached_row(self, row: int) -> PhotoRow | None:
        """The row's cell data if its page is cached; otherwise None, and the page is asked for."""
        if not 0 <= row < len(self._ids):
            return None
        page_number = row // PAGE_SIZE
        page = self._pages.get(page_number)
        if page is None:
            if self._open_library is None:
                return self.photo_row(row)
            self._page_reads.put(self._page_ids(page_number), page_number)
            return None
        self._pages.move_to_end(page_number)
        return page.get(self._ids[row])

    def cell(self, row: int) -> Cell | None:
        photo = self.cached_row(row)
        if photo is None:
            return None
        key = thumbnail_key(photo)
        pixmap = self._pixmap(key, photo, row)
        shaded = self._groups is not None and self._groups[row] % 2 == 1
        if pixmap is not None:
            return Cell(printable(photo.name), pixmap, None, shaded)
        state = THUMB_FAILED if key in self._failed else THUMB_LOADING
        return Cell(printable(photo.name), None, state, shaded)

    def wait_for_pages(self, msecs: int = 30000) -> bool:
        """Block until the pages asked for are read (tests, shutdown)."""
        return self._page_reads.wait_idle(msecs / 1000)

    def _page_ids(self, page_number: int) -> tuple[int, ...]:
        start = page_number * PAGE_SIZE
        return tuple(self._ids[start : start + PAGE_SIZE])

    def _store_page(self, page_number: int, page: dict[int, PhotoRow]) -> dict[int, PhotoRow]:
        self._pages[page_number] = page
        while len(self._pages) > MAX_PAGES:
            self._pages.popitem(last=False)
        return page

    def _read_page(self, ids: tuple[int, ...], page_number: int) -> None:
        """On a page-reader thread, with its own connection (SQLite's are per thread)."""
        open_library = self._open_library
        if open_library is None:
            return
        library = open_library()
        try:
            rows = browse.photo_rows(library, ids)
        finally:
            library.close()
        if shiboken6.isValid(self):  # not if the window closed while the page was read
            self._pageRead.emit(page_number, ids, rows)

    @Slot(int, object, object)
    def _on_page_read(
        self, page_number: int, ids: tuple[int, ...], rows: dict[int, PhotoRow]
    ) -> None:
        if not ids or self._page_ids(page_number) != ids:
            return  # the grid shows other photos now; a still-wanted page is asked for again
        self._store_page(page_number, rows)
        first = page_number * PAGE_SIZE
        self.dataChanged.emit(self.index(first), self.index(first + len(ids) - 1))

    # -- Qt model --------------------------------------------------------------------------

    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008 - Qt signature
        return 0 if parent.isValid() else len(self._ids)

    def flags(self, index: AnyIndex) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if not index.isValid() or index.row() >= len(self._ids):
            return None
        if role == PhotoIdRole:
            return self._ids[index.row()]
        if role == GroupRole:
            return self._groups[index.row()] if self._groups is not None else None
        if role not in (
            Qt.ItemDataRole.DisplayRole,
            Qt.ItemDataRole.ToolTipRole,
            Qt.ItemDataRole.DecorationRole,
            ThumbnailStateRole,
        ):
            return None
        if role == Qt.ItemDataRole.ToolTipRole:
            path = self.path_at(index.row())
            return printable(path) if path is not None else None
        cell = self.cell(index.row())
        if cell is None:
            # Its page is being read (or the photo was deleted since the ids were read).
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return cell.name
        if role == ThumbnailStateRole:
            return cell.state
        return cell.pixmap

    def _pixmap(self, key: str, row: PhotoRow, row_number: int) -> QPixmap | None:
        pixmap = self._pixmaps.get(key)
        if pixmap is not None:
            self._pixmaps.move_to_end(key)
            return pixmap
        if key not in self._failed:
            self._rows_of_key.setdefault(key, set()).add(row_number)
            self._loader.request(key, row.path)
        return None

    # -- thumbnails arriving ---------------------------------------------------------------

    @Slot(str, QImage)
    def _on_loaded(self, key: str, image: QImage) -> None:
        self._pixmaps[key] = QPixmap.fromImage(image)
        while len(self._pixmaps) > MAX_PIXMAPS:
            self._pixmaps.popitem(last=False)
        self._mark_changed(key)

    @Slot(str, str)
    def _on_failed(self, key: str, reason: str) -> None:
        # Shown in the cell (a broken-image mark) and the details panel, not as a dialog per
        # photo: a folder of 500 unreadable files must not open 500 message boxes.
        log.warning("no thumbnail: %s", reason)
        self._failed[key] = reason
        self._mark_changed(key)

    def _mark_changed(self, key: str) -> None:
        rows = {row for row in self._rows_of_key.pop(key, ()) if row < len(self._ids)}
        if rows:
            self._changed_rows |= rows
            if not self._flush.isActive():
                self._flush.start()

    def _emit_changed(self) -> None:
        rows, self._changed_rows = self._changed_rows, set()
        role = [Qt.ItemDataRole.DecorationRole]
        # One signal per run of adjacent rows, never one spanning min..max: the view visits
        # every row of a range (a call into the model each), and thumbnails requested before a
        # jump across the library land far apart.
        for first, last in _runs(sorted(rows)):
            self.dataChanged.emit(self.index(first), self.index(last), role)


def _runs(rows: Sequence[int]) -> list[tuple[int, int]]:
    """Sorted row numbers as (first, last) runs of consecutive rows."""
    runs: list[tuple[int, int]] = []
    for row in rows:
        if runs and runs[-1][1] == row - 1:
            runs[-1] = (runs[-1][0], row)
        else:
            runs.append((row, row))
    return runs
