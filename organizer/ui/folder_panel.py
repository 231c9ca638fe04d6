"""The folder tree: "All photos", each watched folder and its sub-folders, with counts."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from PySide6.QtCore import QModelIndex, QPoint, Qt, Signal
from PySide6.QtGui import QStandardItem, QStandardItemModel
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QMenu,
    QPushButton,
    QStyle,
    QTreeView,
    QVBoxLayout,
    QWidget,
)

from organizer.library.browse import FolderNode
from organizer.library.paths import on_disk, stored
from organizer.text import printable

PathRole = Qt.ItemDataRole.UserRole + 1
FolderIdRole = Qt.ItemDataRole.UserRole + 2


def folder_path(index: QModelIndex) -> str | None:
    """The folder an item of the tree stands for, as the OS names it (None: all photos)."""
    value = index.data(PathRole)
    return on_disk(value) if value else None


class FolderModel(QStandardItemModel):
    def set_folders(self, roots: Sequence[FolderNode], total: int) -> None:
        self.clear()
        everything = QStandardItem(self.tr("All photos ({count})").format(count=total))
        everything.setEditable(False)
        self.appendRow(everything)
        for node in roots:
            self.appendRow(self._item(node, top=True))

    def _item(self, node: FolderNode, top: bool) -> QStandardItem:
        label = printable(node.path if top else node.path.name)
        item = QStandardItem(f"{label} ({node.count})")
        item.setEditable(False)
        # Qt strings drop bytes of a name that are not UTF-8; the index's form keeps them.
        item.setData(stored(str(node.path)), PathRole)
        item.setData(node.folder_id, FolderIdRole)
        item.setToolTip(printable(node.path))
        for child in node.children:
            item.appendRow(self._item(child, top=False))
        return item


class FolderPanel(QWidget):
    folderSelected = Signal(object)  # Path or None for all photos
    addRequested = Signal()
    # Paths travel as Python strings (Signal(object)): a Qt string would drop bytes of a name
    # that are not UTF-8.
    removeRequested = Signal(int, object)
    retagRequested = Signal(object)
    rescanRequested = Signal(object)
    writeRequested = Signal(object)
    openRequested = Signal(object)

    def __init__(self, model: FolderModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.model = model
        self.can_write_tags = False
        self.view = QTreeView(self)
        self.view.setModel(model)
        self.view.setHeaderHidden(True)
        self.view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.view.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.view.customContextMenuRequested.connect(self._show_menu)
        self.view.clicked.connect(self._on_clicked)
        add = QPushButton(
            self.style().standardIcon(QStyle.StandardPixmap.SP_DirOpenIcon),
            self.tr("Add folder…"),
            self,
        )
        add.clicked.connect(self.addRequested)
        self.remove = QPushButton(self.tr("Remove"), self)
        self.remove.setToolTip(self.tr("Stop watching the selected folder (files stay on disk)"))
        self.remove.clicked.connect(self._remove_current)
        buttons = QHBoxLayout()
        buttons.addWidget(add, 1)
        buttons.addWidget(self.remove)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addLayout(buttons)
        layout.addWidget(self.view, 1)

    def reload(self, roots: Sequence[FolderNode], total: int, keep: Path | None) -> None:
        self.model.set_folders(roots, total)
        self.view.expandToDepth(0)
        index = self._find(stored(str(keep))) if keep else self.model.index(0, 0)
        self.view.setCurrentIndex(index if index.isValid() else self.model.index(0, 0))

    def _find(self, path: str) -> QModelIndex:
        matches = self.model.match(
            self.model.index(0, 0),
            PathRole,
            path,
            1,
            Qt.MatchFlag.MatchExactly | Qt.MatchFlag.MatchRecursive,
        )
        if not matches:
            for row in range(self.model.rowCount()):
                found = self.model.match(
                    self.model.index(row, 0),
                    PathRole,
                    path,
                    1,
                    Qt.MatchFlag.MatchExactly | Qt.MatchFlag.MatchRecursive,
                )
                if found:
                    return found[0]
            return QModelIndex()
        return matches[0]

    def _on_clicked(self, index: QModelIndex) -> None:
        path = folder_path(index)
        self.folderSelected.emit(Path(path) if path else None)

    def _remove_current(self) -> None:
        index = self.view.currentIndex()
        folder_id = index.data(FolderIdRole)
        if folder_id is not None:
            self.removeRequested.emit(int(folder_id), folder_path(index))

    def _show_menu(self, position: QPoint) -> None:
        index = self.view.indexAt(position)
        path = folder_path(index) if index.isValid() else None
        menu = QMenu(self)
        if path:
            menu.addAction(self.tr("Retag")).triggered.connect(
                lambda: self.retagRequested.emit(path)
            )
            menu.addAction(self.tr("Rescan")).triggered.connect(
                lambda: self.rescanRequested.emit(path)
            )
            write = menu.addAction(self.tr("Write tags to files"))
            write.triggered.connect(lambda: self.writeRequested.emit(path))
            write.setEnabled(self.can_write_tags)
            if not self.can_write_tags:
                write.setToolTip(self.tr("Writing keywords into files is not part of this build"))
            menu.addAction(self.tr("Open in file manager")).triggered.connect(
                lambda: self.openRequested.emit(path)
            )
            if index.data(FolderIdRole) is not None:
                menu.addSeparator()
                menu.addAction(self.tr("Remove from library")).triggered.connect(
                    lambda: self.removeRequested.emit(int(index.data(FolderIdRole)), path)
                )
        menu.addAction(self.tr("Add folder…")).triggered.connect(self.addRequested)
        menu.setToolTipsVisible(True)
        menu.popup(self.view.viewport().mapToGlobal(position))
