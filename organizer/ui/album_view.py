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

from organizer.ui.album_model import THUMB_FAILED, ThumbnailStateRole

THUMB_SIZE = QSize(160, 160)
CELL_SIZE = QSize(176, 196)
TEXT_HEIGHT = 22


class ThumbnailDelegate(QStyledItemDelegate):
    def sizeHint(self, option: QStyleOptionViewItem, index: QModelIndex) -> QSize:
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
        painter.save()
        if selected:
            painter.fillRect(rect.adjusted(2, 2, -2, -2), palette.highlight())
        thumb_area = QRect(
            rect.x() + (rect.width() - THUMB_SIZE.width()) // 2,
            rect.y() + 6,
            THUMB_SIZE.width(),
            THUMB_SIZE.height(),
        )
        pixmap = index.data(Qt.ItemDataRole.DecorationRole)
        if pixmap is not None and not pixmap.isNull():
            x = thumb_area.x() + (thumb_area.width() - pixmap.width()) // 2
            y = thumb_area.y() + (thumb_area.height() - pixmap.height()) // 2
            painter.drawPixmap(x, y, pixmap)
        else:
            self._paint_placeholder(painter, thumb_area, index.data(ThumbnailStateRole), palette)
        text_rect = QRect(rect.x() + 4, rect.bottom() - TEXT_HEIGHT, rect.width() - 8, TEXT_HEIGHT)
        name = index.data(Qt.ItemDataRole.DisplayRole) or ""
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
        self.setViewMode(QListView.ViewMode.IconMode)
        self.setMovement(QListView.Movement.Static)
        # Laying out 100,000 cells at once blocks the GUI thread ~1 s; in batches the first
        # screen paints at once and the rest is placed between events.
        self.setLayoutMode(QListView.LayoutMode.Batched)
        self.setBatchSize(2000)
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
