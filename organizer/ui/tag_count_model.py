"""Tags with how many of the shown photos carry each: the tag panel's model."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QObject, QPersistentModelIndex, Qt

from organizer.library.browse import TagCount

TagNameRole = Qt.ItemDataRole.UserRole + 1
AnyIndex = QModelIndex | QPersistentModelIndex

DisplayName = Callable[[str, str | None, str | None], str]


class TagCountModel(QAbstractTableModel):
    NAME, COUNT = 0, 1

    def __init__(self, display_name: DisplayName, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._display_name = display_name
        self._tags: list[TagCount] = []

    def set_counts(self, tags: Sequence[TagCount]) -> None:
        self.beginResetModel()
        self._tags = list(tags)
        self.endResetModel()

    def names_changed(self) -> None:
        if self._tags:
            self.dataChanged.emit(self.index(0, 0), self.index(len(self._tags) - 1, 0))

    def tag_at(self, row: int) -> TagCount | None:
        return self._tags[row] if 0 <= row < len(self._tags) else None

    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008 - Qt signature
        return 0 if parent.isValid() else len(self._tags)

    def columnCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008 - Qt signature
        return 0 if parent.isValid() else 2

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> object:
        if orientation != Qt.Orientation.Horizontal or role != Qt.ItemDataRole.DisplayRole:
            return None
        return self.tr("Tag") if section == self.NAME else self.tr("Photos")

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if not index.isValid() or index.row() >= len(self._tags):
            return None
        tag = self._tags[index.row()]
        if role == TagNameRole:
            return tag.name
        if role == Qt.ItemDataRole.DisplayRole:
            if index.column() == self.NAME:
                return self._display_name(tag.name, tag.display_en, tag.display_zh)
            return tag.count
        if role == Qt.ItemDataRole.ToolTipRole:
            return self.tr("{name} ({origin} tag): {count} photos").format(
                name=tag.name, origin=tag.origin, count=tag.count
            )
        if role == Qt.ItemDataRole.TextAlignmentRole and index.column() == self.COUNT:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None
