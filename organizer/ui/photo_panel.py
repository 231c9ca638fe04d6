"""The details panel: the selected photo, its tags (source, score, state) and corrections.

Works on one photo or a multi-selection: confirm, reject and add apply to every selected photo
as one undoable step.
"""

from __future__ import annotations

import os
from collections.abc import Sequence

from PySide6.QtCore import QDateTime, QLocale, QSize, QStringListModel, Qt, Signal
from PySide6.QtGui import QImage, QKeySequence, QPixmap, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCompleter,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QSizePolicy,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from organizer.library import browse
from organizer.library.browse import PhotoDetails
from organizer.library.store import Library, PhotoTag
from organizer.text import printable
from organizer.ui.context import UiContext
from organizer.ui.images import load_display_image
from organizer.ui.photo_tag_model import PhotoTagModel, TagNameRole
from organizer.ui.tag_commands import SetTagState

PREVIEW_SIZE = QSize(360, 280)


class PhotoPanel(QWidget):
    # Emitted once the panel shows the tags of the current selection (tests wait on it).
    tagsShown = Signal()

    def __init__(self, context: UiContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self._photo_ids: list[int] = []
        self._generation = 0

        self.preview = QLabel(self)
        self.preview.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.preview.setMinimumSize(QSize(200, 160))
        self.preview.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        self.info = QLabel(self)
        self.info.setWordWrap(True)
        self.info.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)

        self.model = PhotoTagModel(context.display_name, self)
        self.table = QTableView(self)
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        for column in (1, 2, 3):
            self.table.horizontalHeader().setSectionResizeMode(
                column, QHeaderView.ResizeMode.ResizeToContents
            )

        self.confirm_button = QPushButton(self.tr("Confirm"), self)
        self.confirm_button.setToolTip(self.tr("Confirm the selected tags (C)"))
        self.confirm_button.clicked.connect(lambda: self.set_selected_tags("confirmed"))
        self.reject_button = QPushButton(self.tr("Reject"), self)
        self.reject_button.setToolTip(self.tr("Reject the selected tags (Delete)"))
        self.reject_button.clicked.connect(lambda: self.set_selected_tags("rejected"))
        buttons = QHBoxLayout()
        buttons.addWidget(self.confirm_button)
        buttons.addWidget(self.reject_button)

        self.new_tag = QLineEdit(self)
        self.new_tag.setPlaceholderText(self.tr("Add a tag… (T)"))
        self._names = QStringListModel(self)
        completer = QCompleter(self._names, self)
        completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        completer.setFilterMode(Qt.MatchFlag.MatchContains)
        self.new_tag.setCompleter(completer)
        self.new_tag.returnPressed.connect(self.add_typed_tag)
        self.add_button = add_button = QPushButton(self.tr("Add"), self)
        add_button.clicked.connect(self.add_typed_tag)
        add_row = QHBoxLayout()
        add_row.addWidget(self.new_tag, 1)
        add_row.addWidget(add_button)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.preview)
        layout.addWidget(self.info)
        layout.addWidget(self.table, 1)
        layout.addLayout(buttons)
        layout.addLayout(add_row)

        QShortcut(QKeySequence("C"), self.table, lambda: self.set_selected_tags("confirmed"))
        QShortcut(
            QKeySequence(QKeySequence.StandardKey.Delete),
            self.table,
            lambda: self.set_selected_tags("rejected"),
        )
        context.events.tagsChanged.connect(self._on_tags_changed)
        context.events.tagNamesChanged.connect(self.reload)
        context.events.minScoreChanged.connect(self.reload)
        self.show_photos([])

    # -- what is shown ---------------------------------------------------------------------

    def photo_ids(self) -> list[int]:
        return list(self._photo_ids)

    def set_tag_names(self, names: list[str]) -> None:
        self._names.setStringList(names)

    def show_photos(self, photo_ids: Sequence[int]) -> None:
        self._photo_ids = list(photo_ids)
        # A read still running for the previous selection must not show it again.
        self._generation += 1
        enabled = bool(self._photo_ids)
        for widget in (
            self.confirm_button,
            self.reject_button,
            self.new_tag,
            self.add_button,
            self.table,
        ):
            widget.setEnabled(enabled)
        if not enabled:
            self.preview.clear()
            self.preview.setText(self.tr("Select a photo to see its tags"))
            self.info.clear()
            self.model.set_tags([], 0)
            return
        self.reload()

    def reload(self) -> None:
        self._generation += 1
        generation = self._generation
        ids = list(self._photo_ids)
        if not ids:
            return
        min_score = self.context.min_display_score
        if len(ids) == 1:
            self.context.work.read(
                lambda library: _single(library, ids[0]),
                lambda result: self._show_single(generation, result, min_score),
                self._on_read_error,
            )
        else:
            self.context.work.read(
                lambda library: browse.tag_summary(library, ids, min_score),
                lambda result: self._show_many(generation, result),
                self._on_read_error,
            )

    def _show_single(
        self,
        generation: int,
        result: tuple[PhotoDetails | None, QImage | str],
        min_score: float,
    ) -> None:
        if generation != self._generation:
            return
        details, image = result
        if details is None:
            self.show_photos([])
            return
        shown = [(tag, 1) for tag in details.tags if browse.shown_at(tag, min_score)]
        self.model.set_tags(shown, 1)
        self.info.setText(self._describe(details))
        if isinstance(image, QImage):
            self._set_preview(image)
        else:
            self.preview.setText(self.tr("Cannot show this photo: {reason}").format(reason=image))
        self.tagsShown.emit()

    def _show_many(self, generation: int, result: list[tuple[PhotoTag, int]]) -> None:
        if generation != self._generation:
            return
        self.model.set_tags(result, len(self._photo_ids))
        self.preview.clear()
        self.preview.setText(self.tr("{count} photos selected").format(count=len(self._photo_ids)))
        self.info.setText(self.tr("Changes apply to every selected photo."))
        self.tagsShown.emit()

    def _on_read_error(self, message: str, details: str) -> None:
        self.info.setText(
            self.tr("Cannot read this photo's details: {error}").format(error=message)
        )

    def _set_preview(self, image: QImage) -> None:
        pixmap = QPixmap.fromImage(image)
        bound = self.preview.size().boundedTo(PREVIEW_SIZE)
        self.preview.setPixmap(
            pixmap.scaled(
                bound,
                Qt.AspectRatioMode.KeepAspectRatio,
                Qt.TransformationMode.SmoothTransformation,
            )
        )

    def _describe(self, details: PhotoDetails) -> str:
        lines = [printable(os.path.basename(details.path))]
        if details.width and details.height:
            lines.append(f"{details.width} × {details.height}")
        if details.taken_at:
            lines.append(self.tr("Taken {date}").format(date=local_date(details.taken_at)))
        if details.error:
            lines.append(self.tr("Could not be tagged: {error}").format(error=details.error))
        elif details.tagged_model is None:
            lines.append(self.tr("Not tagged yet"))
        return "\n".join(lines)

    # -- corrections -----------------------------------------------------------------------

    def selected_tag_names(self) -> list[str]:
        rows = {index.row() for index in self.table.selectionModel().selectedRows()}
        if not rows and self.table.currentIndex().isValid():
            rows = {self.table.currentIndex().row()}
        return [self.model.index(row, 0).data(TagNameRole) for row in sorted(rows)]

    def set_selected_tags(self, state: str) -> None:
        names = self.selected_tag_names()
        if not names or not self._photo_ids:
            return
        self.apply(names, state)

    def add_typed_tag(self) -> None:
        name = " ".join(self.new_tag.text().split())
        if not name or not self._photo_ids:
            return
        self.new_tag.clear()
        self.apply([name], "confirmed")

    def apply(self, names: Sequence[str], state: str) -> None:
        """One undo step for the whole change, however many tags and photos."""
        undo = self.context.undo
        if len(names) > 1:
            undo.beginMacro(self.tr("Change {count} tags").format(count=len(names)))
        for name in names:
            undo.push(
                SetTagState(
                    self.context.work,
                    self._photo_ids,
                    name,
                    state,
                    self.context.events.tagsChanged.emit,
                )
            )
        if len(names) > 1:
            undo.endMacro()

    def _on_tags_changed(self, photo_ids: list) -> None:
        if set(photo_ids) & set(self._photo_ids):
            self.reload()


def local_date(taken_at: str) -> str:
    """An EXIF date as the UI's locale writes it ("1999-05-25T21:00:09" -> "5/25/99 9:00 PM"
    in English, "1999/5/25 21:00" in Chinese); text that is no ISO date is shown as it is."""
    moment = QDateTime.fromString(taken_at, Qt.DateFormat.ISODate)
    if not moment.isValid():
        return taken_at
    return QLocale().toString(moment, QLocale.FormatType.ShortFormat)


def _single(library: Library, photo_id: int) -> tuple[PhotoDetails | None, QImage | str]:
    details = browse.photo_details(library, photo_id)
    if details is None:
        return None, ""
    try:
        image: QImage | str = load_display_image(details.path, PREVIEW_SIZE * 2)
    except Exception as error:  # noqa: BLE001 - shown in the panel instead of a picture
        image = str(error)
    return details, image
