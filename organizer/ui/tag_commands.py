"""Undoable tag corrections (QUndoStack, Ctrl+Z).

Each command records, before it writes, the exact rows it is about to change, so undo puts
back the model's suggestion with its score and version rather than inventing a new row. Writes
run on the single edit thread, in submission order, so an undo always follows its redo.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from PySide6.QtCore import QCoreApplication
from PySide6.QtGui import QUndoCommand

from organizer.library import browse
from organizer.library.browse import TagStateRow
from organizer.library.store import Library
from organizer.library.tag_edits import restore_tag_rows
from organizer.ui.jobs import BackgroundWork

Changed = Callable[[list[int]], None]


class SetTagState(QUndoCommand):
    def __init__(
        self,
        work: BackgroundWork,
        photo_ids: Sequence[int],
        tag: str,
        state: str,
        changed: Changed,
    ) -> None:
        verb = {
            "confirmed": QCoreApplication.translate("TagCommands", "Confirm"),
            "rejected": QCoreApplication.translate("TagCommands", "Reject"),
        }[state]
        text = QCoreApplication.translate("TagCommands", "{verb} “{tag}” on {count} photo(s)")
        super().__init__(text.format(verb=verb, tag=tag, count=len(photo_ids)))
        self._work = work
        self._photo_ids = list(photo_ids)
        self._tag = tag
        self._state = state
        self._changed = changed
        self._before: list[TagStateRow] | None = None

    def redo(self) -> None:
        def apply(library: Library) -> list[int]:
            if self._before is None:
                self._before = browse.tag_state_rows(library, self._photo_ids, self._tag)
            library.set_user_tag(self._photo_ids, self._tag, self._state)
            return self._photo_ids

        self._work.edit(apply, self._changed)

    def undo(self) -> None:
        def revert(library: Library) -> list[int]:
            restore_tag_rows(library, self._photo_ids, self._tag, self._before or [])
            return self._photo_ids

        self._work.edit(revert, self._changed)
