"""Rename, merge and delete tags (from the Tags menu or the tag panel's context menu)."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QObject
from PySide6.QtWidgets import QInputDialog, QMessageBox, QWidget

from organizer.library.browse import TagCount
from organizer.library.tag_edits import delete_tag, merge_tags, rename_tag
from organizer.ui.context import UiContext
from organizer.ui.errors import show_error


class TagManager(QObject):
    def __init__(self, context: UiContext, parent: QWidget) -> None:
        super().__init__(parent)
        self.context = context
        self.window = parent
        self._tags: list[TagCount] = []

    def set_tags(self, tags: Sequence[TagCount]) -> None:
        self._tags = list(tags)

    def _names(self) -> list[str]:
        return [tag.name for tag in self._tags]

    def _pick(self, title: str, label: str, exclude: str | None = None) -> str | None:
        names = [name for name in self._names() if name != exclude]
        if not names:
            return None
        name, ok = QInputDialog.getItem(self.window, title, label, names, 0, False)
        return name if ok and name else None

    def rename(self, name: str | None) -> None:
        name = name or self._pick(self.tr("Rename tag"), self.tr("Tag to rename:"))
        if not name:
            return
        new, ok = QInputDialog.getText(
            self.window,
            self.tr("Rename tag"),
            self.tr("New name for “{tag}”:").format(tag=name),
            text=name,
        )
        if ok and new.strip() and new.strip() != name:
            self._run(lambda library: rename_tag(library, name, new))

    def merge(self, name: str | None) -> None:
        name = name or self._pick(self.tr("Merge tags"), self.tr("Tag to merge away:"))
        if not name:
            return
        target = self._pick(
            self.tr("Merge tags"),
            self.tr("Merge “{tag}” into:").format(tag=name),
            exclude=name,
        )
        if target:
            self._run(lambda library: merge_tags(library, name, target))

    def delete(self, name: str | None) -> None:
        name = name or self._pick(self.tr("Delete tag"), self.tr("Tag to delete:"))
        if not name:
            return
        answer = QMessageBox.question(
            self.window,
            self.tr("Delete tag"),
            self.tr(
                "Delete “{tag}” from every photo? Your confirmations and rejections of it are "
                "lost. A model tag comes back as a suggestion at the next retag."
            ).format(tag=name),
        )
        if answer == QMessageBox.StandardButton.Yes:
            self._run(lambda library: delete_tag(library, name))

    def _run(self, edit: object) -> None:
        def done(_result: object) -> None:
            # Tag edits are not undoable from the stack: commands there refer to tags by name.
            self.context.undo.clear()
            self.context.events.photosChanged.emit()
            self.context.events.tagNamesChanged.emit()

        self.context.work.edit(
            edit,  # type: ignore[arg-type]
            done,
            lambda message, details: show_error(self.window, message, details),
        )
