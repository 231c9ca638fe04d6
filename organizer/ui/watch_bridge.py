"""The desktop app follows the disk: the command line's ``FolderWatcher``, run for the open
library, with what it changed delivered to the GUI thread.

Threads, and why:
- The watcher's worker has its own SQLite connection and runs ``App.pipeline`` on it. It shares
  three things with the rest of the process through the ``App``: the tagging engine (one model
  in memory), the exiv2 service (one exiv2 thread per process) and, through it, the
  ``OwnWrites`` registry, so keyword writes made anywhere in this process are recognised by the
  watcher and never re-tagged (that would loop).
- Starting and stopping run on one "watch-control" thread, in order: building the watcher may
  load the model (seconds) and stopping waits for the batch in progress to commit; neither may
  freeze the window. Only closing the window waits for it.
- Each ``WatchBatch`` crosses to the GUI thread as a queued signal; batches are collected for a
  moment and published as one ``LibraryEvents.diskChanged``, so a copy of 1,000 photos refreshes
  the views a few times a second, not 1,000 times.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Qt, QTimer, Signal, Slot
from PySide6.QtGui import QMouseEvent
from PySide6.QtWidgets import QLabel, QMessageBox, QWidget

from organizer.app import App
from organizer.ingest.pipeline import ScanReport
from organizer.ingest.watcher import DEFAULT_RESCAN_S, FolderWatcher, WatchBatch
from organizer.library.store import Library
from organizer.ui.reports import scan_summary

if TYPE_CHECKING:
    from organizer.ui.context import LibraryEvents

log = logging.getLogger(__name__)

WATCH_SETTING = "watch_folders"
# How long batches are collected before the views hear of them: short enough to feel live.
FLUSH_MS = 300
# Closing the window waits this long for the watcher (a batch stops at its next commit).
STOP_TIMEOUT_S = 30.0


class WatchState:
    OFF = "off"  # turned off in the settings
    STARTING = "starting"
    WATCHING = "watching"
    NO_FOLDERS = "no folders"
    STOPPED = "stopped"  # the window closed, or starting failed


class WatchBridge(QObject):
    """Owns the library's ``FolderWatcher`` for the lifetime of the main window."""

    # Emitted on the watcher's thread; connected queued to the GUI thread.
    batchArrived = Signal(object)
    # A sentence a user can act on (inotify limit, folder missing, index locked...).
    problem = Signal(str)
    # A problem reported before that no longer stands (a missing folder is back), word for word.
    resolved = Signal(str)
    # WatchState value, number of watched folders.
    stateChanged = Signal(str, int)
    # A one-line summary of what the last round of changes did ("2 new, 1 removed").
    activity = Signal(str)

    def __init__(
        self,
        app: App,
        events: LibraryEvents,
        parent: QObject | None = None,
        *,
        settle_s: float = 0.5,
        rescan_s: float = DEFAULT_RESCAN_S,
        flush_ms: int = FLUSH_MS,
    ) -> None:
        super().__init__(parent)
        self._app = app
        self._events = events
        self._settle_s = settle_s
        self._rescan_s = rescan_s
        self.problems: list[str] = []
        self.state = WatchState.STOPPED
        self._roots: list[Path] | None = None  # what the control thread was last asked to watch
        self._control = ThreadPoolExecutor(max_workers=1, thread_name_prefix="watch-control")
        self._shut_down = False
        # Touched only on the control thread.
        self._watcher: FolderWatcher | None = None
        self._watch_library: Library | None = None
        # Collected on the GUI thread between flushes.
        self._changed: set[int] = set()
        self._removed: set[int] = set()
        self._summary = ScanReport()  # what the batches since the last publish did
        self._flush = QTimer(self)
        self._flush.setSingleShot(True)
        self._flush.setInterval(flush_ms)
        self._flush.timeout.connect(self._publish)
        self.batchArrived.connect(self._collect, Qt.ConnectionType.QueuedConnection)
        self.problem.connect(self._remember_problem)
        self.resolved.connect(self._forget_problem)
        self.stateChanged.connect(self._remember_state)

    # -- control, from the GUI thread ------------------------------------------------------

    @property
    def enabled(self) -> bool:
        return self._app.library.setting(WATCH_SETTING, "1") == "1"

    @property
    def watcher(self) -> FolderWatcher | None:
        """The running watcher, if any (tests look at it)."""
        return self._watcher

    def start(self) -> None:
        """Watch the library's folders (if the setting allows); returns at once."""
        if self._shut_down:
            return
        if not self.enabled:
            self._request(None, initial_scan=False, state=WatchState.OFF)
            return
        # Made here, on the GUI thread, so that two threads never race to create it: the
        # watcher and the app's own keyword writes share it (one exiv2 thread, one registry).
        _ = self._app.metadata
        self._request(self._library_roots(), initial_scan=True)

    def follow_folders(self) -> None:
        """The user added or removed a folder: watch the new set, starting with a scan.

        Replacing the watcher leaves a moment with no watcher at all, and stops a batch that was
        under way after it indexed files but before it tagged them or said so; the start-up scan
        (cheap when nothing changed: no decoding) catches both.
        """
        if self._shut_down or not self.enabled or self._roots is None:
            return
        roots = self._library_roots()
        if roots != self._roots:
            self._request(roots, initial_scan=True)

    def set_enabled(self, enabled: bool) -> None:
        """The settings switch: remembered in the library, applied now."""
        self._app.library.set_setting(WATCH_SETTING, "1" if enabled else "0")
        if enabled:
            self._roots = None
            self.start()
        else:
            self._request(None, initial_scan=False, state=WatchState.OFF)

    def shutdown(self, timeout: float = STOP_TIMEOUT_S) -> None:
        """Stop watching and wait for it (the window is closing). Safe to call twice."""
        if self._shut_down:
            return
        self._shut_down = True
        self._flush.stop()
        stopped = self._request(None, initial_scan=False)
        try:
            stopped.result(timeout)
        except Exception:  # noqa: BLE001 - closing must go on; the reason is in the log
            log.exception("the folder watcher did not stop cleanly")
        self._control.shutdown(wait=False)

    def _library_roots(self) -> list[Path]:
        return [path for _, path in self._app.library.folders()]

    def _request(
        self, roots: list[Path] | None, *, initial_scan: bool, state: str = WatchState.STOPPED
    ) -> Future[None]:
        self._roots = roots
        self.problems.clear()  # the new watcher reports again whatever still stands
        if roots:
            self.stateChanged.emit(WatchState.STARTING, len(roots))
        return self._control.submit(self._replace, roots, initial_scan, state)

    # -- the control thread ----------------------------------------------------------------

    def _replace(self, roots: list[Path] | None, initial_scan: bool, idle_state: str) -> None:
        self._stop_current()
        if roots is None:
            self.stateChanged.emit(idle_state, 0)
            return
        if not roots:
            self.stateChanged.emit(WatchState.NO_FOLDERS, 0)
            return
        try:
            self._start_new(roots, initial_scan)
        except Exception as error:  # noqa: BLE001 - say why nothing is watched, don't vanish
            log.exception("could not start the folder watcher")
            self.problem.emit(f"cannot watch the folders: {error}")
            self.stateChanged.emit(WatchState.STOPPED, 0)
            return
        self.stateChanged.emit(WatchState.WATCHING, len(roots))

    def _start_new(self, roots: Sequence[Path], initial_scan: bool) -> None:
        library = self._app.connect()
        try:
            # Its own connection, and the app's pipeline on it: keywords read and written back
            # (as the settings say) exactly as ``organizer watch`` does, with the process's one
            # engine and exiv2 service.
            pipeline = self._app.pipeline(library)
            watcher = FolderWatcher(
                pipeline,
                roots,
                is_own_write=self._app.own_writes.is_own_write,
                settle_s=self._settle_s,
                rescan_s=self._rescan_s,
                initial_scan=initial_scan,
            )
            watcher.add_listener(self.batchArrived.emit)
            watcher.add_problem_listener(self.problem.emit)
            watcher.add_resolved_listener(self.resolved.emit)
            watcher.start()
        except BaseException:
            library.close()
            raise
        self._watcher, self._watch_library = watcher, library

    def _stop_current(self) -> None:
        watcher, library = self._watcher, self._watch_library
        self._watcher = self._watch_library = None
        if watcher is not None:
            watcher.stop(STOP_TIMEOUT_S)
            if watcher.running:
                log.warning("the folder watcher did not stop within %.0f s", STOP_TIMEOUT_S)
        if library is not None:
            # Not App.close(): the exiv2 service belongs to the app's App and lives on.
            library.close()

    # -- results, on the GUI thread --------------------------------------------------------

    @Slot(object)
    def _collect(self, batch: WatchBatch) -> None:
        if self._shut_down:
            return
        if batch.is_empty:
            return  # a start-up scan that found the disk as the index knew it
        report = batch.report
        self._changed.update(batch.changed_ids)
        self._removed.update(batch.removed_ids)
        self._summary.add(report)
        for path, reason in report.failed:
            log.warning("watcher skipped %s: %s", path, reason)
        if not self._flush.isActive():
            self._flush.start()

    def _publish(self) -> None:
        if self._shut_down:
            return
        changed = sorted(self._changed - self._removed)
        removed = sorted(self._removed)
        summary = scan_summary(self._summary)
        self._changed, self._removed, self._summary = set(), set(), ScanReport()
        self._events.diskChanged.emit(changed, removed)
        self.activity.emit(f"{time.strftime('%H:%M')} {summary}")

    @Slot(str)
    def _remember_problem(self, message: str) -> None:
        if message not in self.problems:
            self.problems.append(message)

    @Slot(str)
    def _forget_problem(self, message: str) -> None:
        if message in self.problems:
            self.problems.remove(message)

    @Slot(str, int)
    def _remember_state(self, state: str, _folders: int) -> None:
        self.state = state


class WatchStatus(QLabel):
    """The status bar's watch indicator; a click shows the watcher's problems, non-modally."""

    def __init__(self, bridge: WatchBridge, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._bridge = bridge
        self._state = bridge.state
        self._folders = 0
        self._activity = ""
        self._details: QMessageBox | None = None
        self.setTextFormat(Qt.TextFormat.PlainText)
        bridge.stateChanged.connect(self._on_state)
        bridge.problem.connect(self._on_problem)
        bridge.resolved.connect(self._on_problem)
        bridge.activity.connect(self._on_activity)
        self._render()

    def _on_state(self, state: str, folders: int) -> None:
        self._state, self._folders = state, folders
        self._render()

    def _on_problem(self, _message: str) -> None:
        self._render()

    def _on_activity(self, text: str) -> None:
        self._activity = text
        self._render()

    def _render(self) -> None:
        texts = {
            WatchState.OFF: self.tr("Watching off"),
            WatchState.STARTING: self.tr("Starting to watch…"),
            WatchState.WATCHING: self.tr("Watching {count} folder(s)").format(count=self._folders),
            WatchState.NO_FOLDERS: self.tr("No folders to watch"),
            WatchState.STOPPED: self.tr("Not watching"),
        }
        text = texts.get(self._state, self._state)
        tooltip = [self.tr("New, changed and deleted photos are indexed automatically.")]
        if self._activity:
            tooltip.append(self.tr("Last change: {what}").format(what=self._activity))
        problems = self._bridge.problems
        if problems:
            more = self.tr("{count} problem(s), click for details").format(count=len(problems))
            text = f"⚠ {text} — {more}"
            tooltip.extend(problems)
            self.setCursor(Qt.CursorShape.PointingHandCursor)
        else:
            self.unsetCursor()  # nothing to click for any more
        self.setText(text)
        self.setToolTip("\n".join(tooltip))

    def mousePressEvent(self, event: QMouseEvent) -> None:
        if self._bridge.problems:
            self.show_problems()
        super().mousePressEvent(event)

    def show_problems(self) -> QMessageBox:
        """Non-modal: the user may keep browsing while reading how to fix the problem."""
        if self._details is None:
            self._details = QMessageBox(
                QMessageBox.Icon.Warning,
                self.tr("Watching folders"),
                self.tr("Some changes on disk may be noticed late:"),
                QMessageBox.StandardButton.Close,
                self.window(),
            )
            self._details.setWindowModality(Qt.WindowModality.NonModal)
        self._details.setInformativeText("\n\n".join(self._bridge.problems))
        self._details.show()
        self._details.raise_()
        return self._details


def watcher_threads_alive() -> list[threading.Thread]:
    """Threads a FolderWatcher left running (shutdown checks and tests)."""
    return [t for t in threading.enumerate() if t.name == "folder-watcher" and t.is_alive()]
