"""Features other parts of Organizer provide through the command line (write, train, models).

The command line is a stable contract, so the app runs those commands as child processes
rather than importing modules that may still be changing; a command missing from this build
leaves its action disabled with a tooltip that says so.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

from PySide6.QtCore import QObject, QProcess, Signal


def available_commands() -> set[str]:
    from organizer.cli.main import build_parser

    parser = build_parser()
    for action in parser._actions:  # noqa: SLF001 - argparse has no public accessor
        if isinstance(action, argparse._SubParsersAction):  # noqa: SLF001
            return set(action.choices)
    return set()


class CommandRunner(QObject):
    """Runs ``organizer --library DIR COMMAND ...`` and reports its output when it ends."""

    started = Signal(str)
    output = Signal(str)
    finished = Signal(str, int, str)  # command, exit code, all output

    def __init__(self, library_dir: Path, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.library_dir = Path(library_dir)
        self._running: dict[QProcess, tuple[str, list[str]]] = {}

    def run(
        self,
        command: str,
        arguments: Sequence[str] = (),
        done: Callable[[int, str], None] | None = None,
    ) -> None:
        process = QProcess(self)
        process.setProcessChannelMode(QProcess.ProcessChannelMode.MergedChannels)
        lines: list[str] = []
        self._running[process] = (command, lines)

        def read() -> None:
            text = bytes(process.readAllStandardOutput().data()).decode("utf-8", "replace")
            lines.append(text)
            self.output.emit(text)

        def finish(code: int, _status: QProcess.ExitStatus) -> None:
            read()
            self._running.pop(process, None)
            text = "".join(lines)
            self.finished.emit(command, code, text)
            if done:
                done(code, text)
            process.deleteLater()

        def failed(error: QProcess.ProcessError) -> None:
            if error == QProcess.ProcessError.FailedToStart:
                finish(127, QProcess.ExitStatus.CrashExit)

        process.readyReadStandardOutput.connect(read)
        process.finished.connect(finish)
        process.errorOccurred.connect(failed)
        self.started.emit(command)
        process.start(
            sys.executable,
            ["-m", "organizer", "--library", str(self.library_dir), command, *arguments],
        )

    def busy(self) -> bool:
        return bool(self._running)
