"""Work off the GUI thread, with results, progress and errors delivered as signals.

Three pools, because they have different needs:
- ``reads``: queries for the grid and panels; several may run, stale ones are ignored by caller.
- ``edits``: the user's tag corrections; one thread, so edits and their undos apply in order.
- ``jobs``: long pipeline work (scan, retag); one at a time, with progress and cancel.

SQLite connections are per thread: every task opens its own ``Library`` connection (WAL lets
readers and one writer work side by side) and closes it when done.
"""

from __future__ import annotations

import itertools
import logging
import threading
import traceback
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal, Slot

from organizer.app import App
from organizer.errors import OrganizerError
from organizer.ingest.pipeline import Pipeline, Progress
from organizer.library.store import Library

log = logging.getLogger(__name__)

Task = Callable[[Library], object]
# What a task or job returns, and so what its on_done callback is given.
Result = TypeVar("Result")
PipelineJob = Callable[[Pipeline, Progress, threading.Event], Result]


class _Bridge(QObject):
    """Lives on the GUI thread: signals emitted from workers arrive here queued."""

    done = Signal(int, object)
    failed = Signal(int, str, str)
    progress = Signal(int, str, int, int)
    problem = Signal(str, str)


class _Runnable(QRunnable):
    def __init__(self, work: Callable[[], object], token: int, bridge: _Bridge) -> None:
        super().__init__()
        self._work = work
        self._token = token
        self._bridge = bridge

    def run(self) -> None:
        try:
            result = self._work()
        except OrganizerError as error:
            self._bridge.failed.emit(self._token, str(error), "")
        except Exception as error:  # noqa: BLE001 - a bug in a task must reach the user
            details = traceback.format_exc()
            log.error("background task failed:\n%s", details)
            self._bridge.failed.emit(self._token, f"{type(error).__name__}: {error}", details)
        else:
            self._bridge.done.emit(self._token, result)


@dataclass
class _Callbacks(Generic[Result]):
    on_done: Callable[[Result], None] | None
    on_error: Callable[[str, str], None] | None
    on_progress: Callable[[str, int, int], None] | None = None
    cancel: threading.Event = field(default_factory=threading.Event)


class BackgroundWork(QObject):
    """Runs tasks in worker threads; callbacks run on the GUI thread."""

    jobStarted = Signal(str)
    jobProgress = Signal(str, int, int)
    jobFinished = Signal(str, object)
    jobFailed = Signal(str, str)
    # An error no caller handled: the window shows it (never a silent failure).
    unhandledError = Signal(str, str)

    def __init__(self, app: App, parent: QObject | None = None):
        super().__init__(parent)
        self.app = app
        self._bridge = _Bridge(self)
        self._bridge.done.connect(self._on_done)
        self._bridge.failed.connect(self._on_failed)
        self._bridge.progress.connect(self._on_progress)
        self._bridge.problem.connect(self.unhandledError)
        self._tokens = itertools.count(1)
        # Any: a result crosses the thread boundary as a plain object; read() and edit() tie
        # each callback's type to its task's.
        self._callbacks: dict[int, _Callbacks[Any]] = {}
        self._job_names: dict[int, str] = {}
        self.reads = self._pool(2)
        self.edits = self._pool(1)
        self.jobs = self._pool(1)

    def _pool(self, threads: int) -> QThreadPool:
        pool = QThreadPool(self)
        pool.setMaxThreadCount(threads)
        return pool

    # -- submitting ------------------------------------------------------------------------

    def read(
        self,
        task: Callable[[Library], Result],
        on_done: Callable[[Result], None],
        on_error: Callable[[str, str], None] | None = None,
    ) -> int:
        return self._submit(self.reads, task, _Callbacks(on_done, on_error))

    def read_with_progress(
        self,
        task: Callable[[Library, Progress, threading.Event], Result],
        on_done: Callable[[Result], None],
        on_progress: Callable[[str, int, int], None],
        on_error: Callable[[str, str], None] | None = None,
    ) -> threading.Event:
        """A read that says how far it is and can be stopped (a duplicate search of a big
        library takes seconds): ``task(library, progress, cancel)``. Setting the returned
        event cancels it."""
        token = next(self._tokens)
        callbacks = _Callbacks(on_done, on_error, on_progress)

        def progress(stage: str, done: int, total: int) -> None:
            self._bridge.progress.emit(token, stage, done, total)

        def work(library: Library) -> Result:
            return task(library, progress, callbacks.cancel)

        self._callbacks[token] = callbacks
        self.reads.start(_Runnable(self._with_library(work), token, self._bridge))
        return callbacks.cancel

    def edit(
        self,
        task: Callable[[Library], Result],
        on_done: Callable[[Result], None] | None = None,
        on_error: Callable[[str, str], None] | None = None,
    ) -> int:
        return self._submit(self.edits, task, _Callbacks(on_done, on_error))

    def run_job(
        self,
        name: str,
        job: PipelineJob[Result],
        on_done: Callable[[Result], None] | None = None,
    ) -> int:
        """A pipeline job (scan, retag...) with progress and cancel, shown in the status bar."""
        token = next(self._tokens)
        callbacks = _Callbacks(on_done, None)
        self._job_names[token] = name

        def work(library: Library) -> Result:
            self.jobStarted.emit(name)
            # The same pipeline as the command line's: file keywords imported, write-back
            # and the active model followed as the library's settings say.
            pipeline = self.app.pipeline(library)

            def progress(stage: str, done: int, total: int) -> None:
                self._bridge.progress.emit(token, stage, done, total)

            return job(pipeline, progress, callbacks.cancel)

        self._callbacks[token] = callbacks
        self.jobs.start(_Runnable(self._with_library(work), token, self._bridge))
        return token

    def cancel_jobs(self) -> None:
        """Stop the running job after its current batch; queued ones stop as soon as they start."""
        for token in list(self._job_names):
            self._callbacks[token].cancel.set()

    def report_problem(self, message: str, details: str = "") -> None:
        """Show a problem found by a task that otherwise succeeded (any thread)."""
        self._bridge.problem.emit(message, details)

    def pending_jobs(self) -> int:
        return len(self._job_names)

    def _submit(
        self, pool: QThreadPool, task: Callable[[Library], Result], callbacks: _Callbacks[Result]
    ) -> int:
        token = next(self._tokens)
        self._callbacks[token] = callbacks
        pool.start(_Runnable(self._with_library(task), token, self._bridge))
        return token

    def open_library(self) -> Library:
        """A new connection for the calling worker thread; the caller closes it."""
        return self.app.connect()

    def _with_library(self, task: Task) -> Callable[[], object]:
        def work() -> object:
            library = self.open_library()
            try:
                return task(library)
            finally:
                library.close()

        return work

    def drop_callbacks(self) -> None:
        """The widgets that asked are gone: results still to come are dropped, not delivered."""
        self._callbacks.clear()
        self._job_names.clear()

    def wait(self, msecs: int = 30000) -> bool:
        """Block until every pool is idle (shutdown and tests)."""
        return all(pool.waitForDone(msecs) for pool in (self.reads, self.edits, self.jobs))

    # -- results, on the GUI thread --------------------------------------------------------

    @Slot(int, object)
    def _on_done(self, token: int, result: object) -> None:
        callbacks = self._callbacks.pop(token, None)
        name = self._job_names.pop(token, None)
        if name is not None:
            self.jobFinished.emit(name, result)
        if callbacks and callbacks.on_done:
            callbacks.on_done(result)

    @Slot(int, str, str)
    def _on_failed(self, token: int, message: str, details: str) -> None:
        callbacks = self._callbacks.pop(token, None)
        name = self._job_names.pop(token, None)
        if name is not None:
            self.jobFailed.emit(name, message)
        if callbacks and callbacks.on_error:
            callbacks.on_error(message, details)
        else:
            self.unhandledError.emit(message, details)

    @Slot(int, str, int, int)
    def _on_progress(self, token: int, stage: str, done: int, total: int) -> None:
        callbacks = self._callbacks.get(token)
        if callbacks and callbacks.on_progress:
            callbacks.on_progress(stage, done, total)
        if token in self._job_names:  # the status bar shows jobs, not reads
            self.jobProgress.emit(stage, done, total)
