"""The tags of the selected photo(s) with source, score and state."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QObject, QPersistentModelIndex, Qt
from PySide6.QtGui import QBrush, QColor, QFont

from organizer.library.store import PhotoTag

TagNameRole = Qt.ItemDataRole.UserRole + 1
AnyIndex = QModelIndex | QPersistentModelIndex
DisplayName = Callable[[str, str | None, str | None], str]


class PhotoTagModel(QAbstractTableModel):
    TAG, SOURCE, SCORE, STATE = range(4)

    def __init__(self, display_name: DisplayName, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._display_name = display_name
        # (tag, on how many of the selected photos it is visible); count is 1 for one photo.
        self._rows: list[tuple[PhotoTag, int]] = []
        self._selected = 0

    def set_tags(self, rows: Sequence[tuple[PhotoTag, int]], selected: int) -> None:
        self.beginResetModel()
        self._rows = list(rows)
        self._selected = selected
        self.endResetModel()

    def tag_names(self) -> list[str]:
        return [tag.tag for tag, _ in self._rows]

    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008 - Qt signature
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008 - Qt signature
        return 0 if parent.isValid() else 4

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> object:
        if orientation != Qt.Orientation.Horizontal or role != Qt.ItemDataRole.DisplayRole:
            return None
        return (self.tr("Tag"), self.tr("Source"), self.tr("Score"), self.tr("State"))[section]

    def _source_text(self, source: str) -> str:
        return {"model": self.tr("model"), "user": self.tr("you"), "file": self.tr("file")}.get(
            source, source
        )

    def _state_text(self, state: str, count: int) -> str:
        if self._selected > 1:
            return self.tr("on {count} of {total}").format(count=count, total=self._selected)
        return {
            "suggested": self.tr("suggested"),
            "confirmed": self.tr("confirmed"),
            "rejected": self.tr("rejected"),
        }.get(state, state)

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if not index.isValid() or index.row() >= len(self._rows):
            return None
        tag, count = self._rows[index.row()]
        column = index.column()
        if role == TagNameRole:
            return tag.tag
        if role == Qt.ItemDataRole.DisplayRole:
            if column == self.TAG:
                return self._display_name(tag.tag, tag.display_en, tag.display_zh)
            if column == self.SOURCE:
                return self._source_text(tag.source)
            if column == self.SCORE:
                return "" if tag.score is None else f"{tag.score:.2f}"
            return self._state_text(tag.state, count)
        if role == Qt.ItemDataRole.ToolTipRole and tag.model_version:
            return self.tr("model version {version}").format(version=tag.model_version)
        rejected = tag.state == "rejected" and self._selected <= 1
        if role == Qt.ItemDataRole.FontRole and (rejected or tag.state == "confirmed"):
            font = QFont()
            font.setStrikeOut(rejected)
            font.setBold(tag.state == "confirmed" and self._selected <= 1)
            return font
        if role == Qt.ItemDataRole.ForegroundRole and rejected:
            return QBrush(QColor(140, 140, 140))
        return None
