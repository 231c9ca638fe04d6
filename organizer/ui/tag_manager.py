"""Rename, merge and delete tags (from the Tags menu or the tag panel's context menu), each one
step on the undo stack (Ctrl+Z puts the tags back exactly: organizer/library/tag_edits.py)."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from PySide6.QtCore import QObject
from PySide6.QtGui import QUndoCommand
from PySide6.QtWidgets import QInputDialog, QMessageBox, QWidget

from organizer.library.browse import TagCount
from organizer.library.store import Library
from organizer.library.tag_edits import (
    TagSnapshot,
    delete_tag,
    merge_tags,
    rename_tag,
    restore_tags,
    snapshot_tags,
)
from organizer.ui.context import UiContext
from organizer.ui.errors import show_error


class TagEdit(QUndoCommand):
    """A rename, merge or delete on the edit thread; undo restores the snapshot taken just
    before it, redo runs the edit again."""

    def __init__(
        self,
        manager: TagManager,
        text: str,
        names: Sequence[str],
        edit: Callable[[Library], object],
        edited_names: Sequence[str] = (),
    ) -> None:
        super().__init__(text)
        self._manager = manager
        self._names = list(names)
        self._edit = edit
        self._edited_names = list(edited_names)
        self._snapshot: TagSnapshot | None = None

    def redo(self) -> None:
        def apply(library: Library) -> None:
            self._snapshot = snapshot_tags(library, self._names)
            self._edit(library)

        self._manager.run(apply, self._failed)

    def _failed(self) -> None:
        """The edit was refused (a name taken...): nothing changed, so no undo step."""
        self.setObsolete(True)
        self._snapshot = None  # taken before the refused edit: nothing to put back
        stack = self._manager.context.undo
        if stack.command(stack.index() - 1) is self:
            stack.undo()  # an obsolete command leaves the stack when undone

    def undo(self) -> None:
        def revert(library: Library) -> None:
            # Read here, on the edit thread: the redo that takes the snapshot ran before.
            if self._snapshot is not None:
                restore_tags(library, self._snapshot, self._edited_names)

        self._manager.run(revert, self._undo_failed)

    def _undo_failed(self) -> None:
        """The tags changed in a way this undo cannot reverse (a newer tag took the name):
        older steps name tags that may no longer be what they were, so the history goes."""
        self._manager.context.undo.clear()


class TagManager(QObject):
    def __init__(self, context: UiContext, parent: QWidget) -> None:
        super().__init__(parent)
        self.context = context
        self.window = parent
        self._tags: list[TagCount] = []

    def set_tags(self, tags: Sequence[TagCount]) -> None:
        self._tags = list(tags)

    def names(self) -> list[str]:
        """Every tag of the library, as the last off-thread read of the tag panel found them."""
        return [tag.name for tag in self._tags]

    def _pick(self, title: str, label: str, exclude: str | None = None) -> str | None:
        names = [name for name in self.names() if name != exclude]
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
        new = " ".join(new.split())
        if ok and new and new != name:
            self.push(
                self.tr("Rename “{old}” to “{new}”").format(old=name, new=new),
                [name], lambda library: rename_tag(library, name, new), [new],
            )

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
            self.push(
                self.tr("Merge “{tag}” into “{target}”").format(tag=name, target=target),
                [name, target], lambda library: merge_tags(library, name, target), [target],
            )

    def delete(self, name: str | None) -> None:
        name = name or self._pick(self.tr("Delete tag"), self.tr("Tag to delete:"))
        if not name:
            return
        answer = QMessageBox.question(
            self.window,
            self.tr("Delete tag"),
            self.tr(
                "Delete “{tag}” from every photo, with your confirmations and rejections of "
                "it? Edit → Undo (Ctrl+Z) brings it back. A model tag comes back as a "
                "suggestion at the next retag."
            ).format(tag=name),
        )
        if answer == QMessageBox.StandardButton.Yes:
            self.push(
                self.tr("Delete “{tag}”").format(tag=name),
                [name], lambda library: delete_tag(library, name),
            )

    def push(
        self,
        text: str,
        names: Sequence[str],
        edit: Callable[[Library], object],
        edited_names: Sequence[str] = (),
    ) -> None:
        """Do ``edit`` of the tags ``names`` as one undoable step. Commands on the stack name
        tags, and undo runs newest first, so every older command finds its names again."""
        self.context.undo.push(TagEdit(self, text, names, edit, edited_names))

    def run(
        self, edit: Callable[[Library], object], failed: Callable[[], None] | None = None
    ) -> None:
        def done(_result: object) -> None:
            self.context.events.photosChanged.emit()
            self.context.events.tagNamesChanged.emit()

        def error(message: str, details: str) -> None:
            if failed is not None:
                failed()
            show_error(self.window, message, details)

        self.context.work.edit(edit, done, error)
