"""The tag panel: the search box, how clicks combine, and the tags with their counts."""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, QPoint, Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMenu,
    QTreeView,
    QVBoxLayout,
    QWidget,
)

from organizer.ui.search_box import SearchBox, quote_tag
from organizer.ui.tag_count_model import TagCountModel, TagNameRole


class TagPanel(QWidget):
    queryChanged = Signal(str)
    renameRequested = Signal(str)
    mergeRequested = Signal(str)
    deleteRequested = Signal(str)
    reviewRequested = Signal(str)

    def __init__(self, model: TagCountModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.model = model
        self.search = SearchBox(self)
        self.combine = QComboBox(self)
        # The operator a click on a tag adds with; the query box shows the result.
        self.combine.addItem(self.tr("AND (all of)"), "AND")
        self.combine.addItem(self.tr("OR (any of)"), "OR")
        self.combine.addItem(self.tr("NOT (exclude)"), "AND NOT")
        combine_row = QHBoxLayout()
        combine_row.addWidget(QLabel(self.tr("Click adds with:"), self))
        combine_row.addWidget(self.combine, 1)

        self.view = QTreeView(self)
        self.view.setModel(model)
        self.view.setRootIsDecorated(False)
        self.view.setUniformRowHeights(True)
        self.view.setAlternatingRowColors(True)
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.view.header().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.view.header().setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        self.view.header().setStretchLastSection(False)
        self.view.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.view.clicked.connect(self._on_clicked)
        self.view.customContextMenuRequested.connect(self._show_menu)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.search)
        layout.addLayout(combine_row)
        layout.addWidget(self.view, 1)
        self.search.queryChanged.connect(self.queryChanged)

    def selected_tag(self) -> str | None:
        index = self.view.currentIndex()
        return index.data(TagNameRole) if index.isValid() else None

    def add_to_query(self, name: str, operator: str | None = None) -> None:
        operator = operator or self.combine.currentData()
        current = self.search.text().strip()
        term = quote_tag(name)
        if not current:
            query = f"NOT {term}" if operator == "AND NOT" else term
        elif " " in current and not (current.startswith("(") and current.endswith(")")):
            query = f"({current}) {operator} {term}"
        else:
            query = f"{current} {operator} {term}"
        self.search.set_query(query)

    def _on_clicked(self, index: QModelIndex) -> None:
        name = index.data(TagNameRole)
        if name:
            self.add_to_query(name)

    def _show_menu(self, position: QPoint) -> None:
        index = self.view.indexAt(position)
        name = index.data(TagNameRole) if index.isValid() else None
        if not name:
            return
        menu = QMenu(self)
        menu.addAction(self.tr("Show only “{tag}”").format(tag=name)).triggered.connect(
            lambda: self.search.set_query(quote_tag(name))
        )
        menu.addAction(self.tr("Add with AND")).triggered.connect(
            lambda: self.add_to_query(name, "AND")
        )
        menu.addAction(self.tr("Add with OR")).triggered.connect(
            lambda: self.add_to_query(name, "OR")
        )
        menu.addAction(self.tr("Exclude (NOT)")).triggered.connect(
            lambda: self.add_to_query(name, "AND NOT")
        )
        menu.addSeparator()
        menu.addAction(self.tr("Review Photos for “{tag}”").format(tag=name)).triggered.connect(
            lambda: self.reviewRequested.emit(name)
        )
        menu.addSeparator()
        menu.addAction(self.tr("Rename…")).triggered.connect(
            lambda: self.renameRequested.emit(name)
        )
        menu.addAction(self.tr("Merge into…")).triggered.connect(
            lambda: self.mergeRequested.emit(name)
        )
        menu.addAction(self.tr("Delete…")).triggered.connect(
            lambda: self.deleteRequested.emit(name)
        )
        menu.popup(self.view.viewport().mapToGlobal(position))
