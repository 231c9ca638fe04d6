"""Undoable tag corrections (QUndoStack, Ctrl+Z).

Each command records, before it writes, the exact rows it is about to change, so undo puts
back the model's suggestion with its score and version rather than inventing a new row. Writes
run on the single edit thread, in submission order, so an undo always follows its redo.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from PySide6.QtCore import QCoreApplication
from PySide6.QtGui import QUndoCommand

from organizer.ingest.writeback import WriteReport
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
            app = self._work.app
            if self._state == "confirmed":
                report = app.correct_tags(self._photo_ids, [self._tag], [], library)
            else:
                report = app.correct_tags(self._photo_ids, [], [self._tag], library)
            _report_write_failures(self._work, report)
            return self._photo_ids

        self._work.edit(apply, self._changed)

    def undo(self) -> None:
        def revert(library: Library) -> list[int]:
            restore_tag_rows(library, self._photo_ids, self._tag, self._before or [])
            _report_write_failures(
                self._work, self._work.app.write_after_correction(self._photo_ids, library)
            )
            return self._photo_ids

        self._work.edit(revert, self._changed)


def _report_write_failures(work: BackgroundWork, report: WriteReport | None) -> None:
    """The correction is made; files that could not take it are shown, not swallowed."""
    if report is None or not report.failed:
        return
    message = QCoreApplication.translate(
        "TagCommands", "{count} file(s) could not be written."
    ).format(count=len(report.failed))
    work.report_problem(message, "\n".join(f"{path}: {reason}" for path, reason in report.failed))
