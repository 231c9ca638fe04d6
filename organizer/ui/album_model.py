"""The album grid's model: only photo ids, with cell data fetched a page at a time on demand.

100,000 photos cost a list of ids; what a cell shows (name, thumbnail key) is read for the
page around a painted row by one indexed query and kept in a bounded cache, so memory follows
what the user looks at, not the library size. Thumbnails arrive from ``ThumbnailLoader`` as
QImage and become QPixmap here, on the GUI thread.
"""

from __future__ import annotations

import hashlib
import logging
from collections import OrderedDict
from collections.abc import Sequence

from PySide6.QtCore import (
    QAbstractListModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
    QTimer,
    Slot,
)
from PySide6.QtGui import QImage, QPixmap

from organizer.library import browse
from organizer.library.browse import PhotoRow
from organizer.library.store import Library
from organizer.ui.thumbnail_loader import ThumbnailLoader

log = logging.getLogger(__name__)

PAGE_SIZE = 256
MAX_PAGES = 64
MAX_PIXMAPS = 1500

PhotoIdRole = Qt.ItemDataRole.UserRole + 1
PathRole = Qt.ItemDataRole.UserRole + 2
ThumbnailStateRole = Qt.ItemDataRole.UserRole + 3

THUMB_LOADING = "loading"
THUMB_FAILED = "failed"

AnyIndex = QModelIndex | QPersistentModelIndex


def thumbnail_key(row: PhotoRow) -> str:
    if row.content_hash:
        return row.content_hash
    # No hash (never read fully): key by path so it still gets a thumbnail.
    return "p" + hashlib.blake2b(row.path.encode(), digest_size=16).hexdigest()


class AlbumModel(QAbstractListModel):
    def __init__(
        self, library: Library, loader: ThumbnailLoader, parent: QObject | None = None
    ) -> None:
        super().__init__(parent)
        self._library = library
        self._loader = loader
        self._ids: list[int] = []
        self._rows_of: dict[int, int] = {}
        self._pages: OrderedDict[int, dict[int, PhotoRow]] = OrderedDict()
        self._pixmaps: OrderedDict[str, QPixmap] = OrderedDict()
        self._failed: dict[str, str] = {}
        self._row_of_key: dict[str, int] = {}
        self._changed_rows: set[int] = set()
        # Many thumbnails land per frame while scrolling; repaint once for the lot.
        self._flush = QTimer(self)
        self._flush.setSingleShot(True)
        self._flush.setInterval(15)
        self._flush.timeout.connect(self._emit_changed)
        loader.loaded.connect(self._on_loaded)
        loader.failed.connect(self._on_failed)

    # -- contents --------------------------------------------------------------------------

    def set_ids(
        self, ids: Sequence[int], first_rows: dict[int, PhotoRow] | None = None
    ) -> None:
        """Show these photos. ``first_rows``: cell data of the first page, read with the ids.

        When the ids only add to the end of what is shown (the rest of a list whose first page
        is on screen, photos sorted last), rows are inserted, so the view keeps its place.
        """
        ids = list(ids)
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
        self._row_of_key.clear()
        self._changed_rows.clear()
        self._loader.clear_pending()
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
        """Cell data of these photos changed on disk (retag, move): re-read their pages."""
        self._pages.clear()
        rows = [r for r in (self.row_of(pid) for pid in photo_ids) if r is not None]
        if rows:
            self.dataChanged.emit(self.index(min(rows)), self.index(max(rows)))

    def photo_row(self, row: int) -> PhotoRow | None:
        if not 0 <= row < len(self._ids):
            return None
        page_number = row // PAGE_SIZE
        page = self._pages.get(page_number)
        if page is None:
            page = self._load_page(page_number)
        else:
            self._pages.move_to_end(page_number)
        return page.get(self._ids[row])

    def _load_page(self, page_number: int) -> dict[int, PhotoRow]:
        start = page_number * PAGE_SIZE
        page = browse.photo_rows(self._library, self._ids[start : start + PAGE_SIZE])
        self._pages[page_number] = page
        while len(self._pages) > MAX_PAGES:
            self._pages.popitem(last=False)
        return page

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
        if role not in (
            Qt.ItemDataRole.DisplayRole,
            Qt.ItemDataRole.ToolTipRole,
            Qt.ItemDataRole.DecorationRole,
            PathRole,
            ThumbnailStateRole,
        ):
            return None
        row = self.photo_row(index.row())
        if row is None:
            # Deleted since the id list was read; the next refresh drops it.
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return row.name
        if role in (Qt.ItemDataRole.ToolTipRole, PathRole):
            return row.path
        key = thumbnail_key(row)
        if role == ThumbnailStateRole:
            if key in self._pixmaps:
                return None
            return THUMB_FAILED if key in self._failed else THUMB_LOADING
        pixmap = self._pixmap(key, row, index.row())
        return pixmap

    def _pixmap(self, key: str, row: PhotoRow, row_number: int) -> QPixmap | None:
        pixmap = self._pixmaps.get(key)
        if pixmap is not None:
            self._pixmaps.move_to_end(key)
            return pixmap
        if key not in self._failed:
            self._row_of_key[key] = row_number
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
        row = self._row_of_key.pop(key, None)
        if row is not None and row < len(self._ids):
            self._changed_rows.add(row)
            if not self._flush.isActive():
                self._flush.start()

    def _emit_changed(self) -> None:
        rows, self._changed_rows = self._changed_rows, set()
        if rows:
            role = [Qt.ItemDataRole.DecorationRole]
            self.dataChanged.emit(self.index(min(rows)), self.index(max(rows)), role)
