"""The album grid: a QListView in icon mode with a delegate that paints ready-made pixmaps.

Uniform item sizes let the view lay out 100,000 cells arithmetically instead of asking the
model for every size hint; the delegate never scales or decodes, it only draws.
"""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QRect, QSize, Qt, Signal
from PySide6.QtGui import QColor, QContextMenuEvent, QPainter, QPalette, QPen
from PySide6.QtWidgets import (
    QAbstractItemView,
    QListView,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QWidget,
)

from organizer.ui.album_model import THUMB_FAILED, THUMB_LOADING, AlbumModel

THUMB_SIZE = QSize(160, 160)
CELL_SIZE = QSize(176, 196)
TEXT_HEIGHT = 22


class ThumbnailDelegate(QStyledItemDelegate):
    def sizeHint(
        self, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex
    ) -> QSize:
        return CELL_SIZE

    def paint(
        self,
        painter: QPainter,
        option: QStyleOptionViewItem,
        index: QModelIndex | QPersistentModelIndex,
    ) -> None:
        palette: QPalette = option.palette
        rect: QRect = option.rect
        selected = bool(option.state & QStyle.StateFlag.State_Selected)
        model = index.model()
        cell = model.cell(index.row()) if isinstance(model, AlbumModel) else None
        painter.save()
        if selected:
            painter.fillRect(rect.adjusted(2, 2, -2, -2), palette.highlight())
        elif cell is not None and cell.shaded:
            # Every other duplicate group on a tinted ground, so a group's end is visible.
            tint = QColor(palette.color(QPalette.ColorRole.Mid))
            tint.setAlpha(70)
            painter.fillRect(rect, tint)
        thumb_area = QRect(
            rect.x() + (rect.width() - THUMB_SIZE.width()) // 2,
            rect.y() + 6,
            THUMB_SIZE.width(),
            THUMB_SIZE.height(),
        )
        # One direct call (above) for everything the cell shows: each index.data() is a round
        # trip through Qt and PySide, and a screenful of cells is painted every scroll frame.
        pixmap = cell.pixmap if cell is not None else None
        if pixmap is not None and not pixmap.isNull():
            x = thumb_area.x() + (thumb_area.width() - pixmap.width()) // 2
            y = thumb_area.y() + (thumb_area.height() - pixmap.height()) // 2
            painter.drawPixmap(x, y, pixmap)
        else:
            state = cell.state if cell is not None else THUMB_LOADING
            self._paint_placeholder(painter, thumb_area, state, palette)
        text_rect = QRect(rect.x() + 4, rect.bottom() - TEXT_HEIGHT, rect.width() - 8, TEXT_HEIGHT)
        name = cell.name if cell is not None else ""
        painter.setPen(
            palette.color(
                QPalette.ColorRole.HighlightedText if selected else QPalette.ColorRole.Text
            )
        )
        elided = option.fontMetrics.elidedText(
            name, Qt.TextElideMode.ElideMiddle, text_rect.width()
        )
        painter.drawText(text_rect, Qt.AlignmentFlag.AlignCenter, elided)
        if option.state & QStyle.StateFlag.State_HasFocus:
            painter.setPen(QPen(palette.color(QPalette.ColorRole.Highlight), 1))
            painter.drawRect(rect.adjusted(1, 1, -2, -2))
        painter.restore()

    @staticmethod
    def _paint_placeholder(
        painter: QPainter, area: QRect, state: object, palette: QPalette
    ) -> None:
        inner = area.adjusted(16, 28, -16, -28)
        painter.fillRect(inner, palette.color(QPalette.ColorRole.AlternateBase))
        if state == THUMB_FAILED:
            # A crossed box: the file could not be read (details panel says why).
            painter.setPen(QPen(QColor(190, 60, 60), 2))
            painter.drawRect(inner)
            painter.drawLine(inner.topLeft(), inner.bottomRight())
            painter.drawLine(inner.topRight(), inner.bottomLeft())


class AlbumView(QListView):
    contextMenuRequested = Signal(object)  # QPoint in global coordinates

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        # A grid made of list mode flowing left to right and wrapping, not icon mode: icon mode
        # keeps an item per cell for free placement and its layout asks the model about every
        # row four times (1.3 s for 100,000 rows, each ask a call into Python), list mode twice.
        self.setViewMode(QListView.ViewMode.ListMode)
        self.setFlow(QListView.Flow.LeftToRight)
        self.setMovement(QListView.Movement.Static)
        # Laying out 100,000 cells at once blocks the GUI thread ~0.6 s; in small batches the
        # first screen paints at once and the rest is placed between events, a few ms at a time.
        self.setLayoutMode(QListView.LayoutMode.Batched)
        self.setBatchSize(500)
        self.setResizeMode(QListView.ResizeMode.Adjust)
        self.setUniformItemSizes(True)
        self.setWrapping(True)
        self.setGridSize(CELL_SIZE)
        self.setSpacing(0)
        self.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.verticalScrollBar().setSingleStep(CELL_SIZE.height() // 3)
        self.setItemDelegate(ThumbnailDelegate(self))
        self.setDragEnabled(False)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)

    def contextMenuEvent(self, event: QContextMenuEvent) -> None:
        self.contextMenuRequested.emit(event.globalPos())
