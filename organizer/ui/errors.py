"""Errors reach the user: known failures as a message, bugs as a crash dialog with details.

An exception raised inside a Qt slot never propagates to the caller; it only reaches
``sys.excepthook``. Without our hook PySide prints it and carries on, so the user would see
nothing happen. The hook is installed by the app entry point and removed on exit (no global
state left behind for tests).
"""

from __future__ import annotations

import logging
import sys
import traceback
from collections.abc import Callable
from types import TracebackType

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QApplication, QMessageBox, QWidget

from organizer.errors import OrganizerError

log = logging.getLogger(__name__)

ExceptHook = Callable[[type[BaseException], BaseException, TracebackType | None], None]


def show_error(parent: QWidget | None, message: str, details: str = "") -> None:
    """A known failure the user can act on (file missing, database locked, bad query...)."""
    box = QMessageBox(
        QMessageBox.Icon.Warning,
        QCoreApplication.translate("Errors", "Organizer"),
        message,
        parent=parent,
    )
    if details:
        box.setDetailedText(details)
    box.open() if parent is not None else box.exec()


def show_crash(parent: QWidget | None, details: str) -> None:
    box = QMessageBox(
        QMessageBox.Icon.Critical,
        QCoreApplication.translate("Errors", "Unexpected error"),
        QCoreApplication.translate(
            "Errors",
            "Something went wrong inside Organizer. Your photos and tags are safe; the last "
            "action may not have finished. Details were written to the log.",
        ),
        parent=parent,
    )
    box.setDetailedText(details)
    box.open()


class ExceptionReporter:
    """Installs a ``sys.excepthook`` that logs and shows every exception escaping a slot."""

    def __init__(self, parent_for_dialogs: Callable[[], QWidget | None]) -> None:
        self._parent = parent_for_dialogs
        self._previous: ExceptHook | None = None
        self._showing = False

    def install(self) -> None:
        self._previous = sys.excepthook
        sys.excepthook = self._hook

    def uninstall(self) -> None:
        if self._previous is not None:
            sys.excepthook = self._previous
            self._previous = None

    def _hook(
        self, kind: type[BaseException], error: BaseException, tb: TracebackType | None
    ) -> None:
        if issubclass(kind, KeyboardInterrupt):
            QApplication.quit()
            return
        details = "".join(traceback.format_exception(kind, error, tb))
        if isinstance(error, OrganizerError):
            log.warning("%s", error)
        else:
            log.error("unexpected exception:\n%s", details)
        if QApplication.instance() is None or self._showing:
            return
        # Guard against a dialog storm when the same bug fires on every repaint.
        self._showing = True
        try:
            if isinstance(error, OrganizerError):
                show_error(self._parent(), str(error))
            else:
                show_crash(self._parent(), details)
        finally:
            self._showing = False
