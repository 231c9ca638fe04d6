"""A progress bar on stderr for terminals; silent when stderr is not a terminal."""

from __future__ import annotations

import sys
import time
from typing import TextIO


class TerminalProgress:
    """Callable progress sink: ``progress(stage, done, total)``; redraws at most 10 times/s."""

    def __init__(self, stream: TextIO | None = None, width: int = 30) -> None:
        self.stream = stream or sys.stderr
        self.enabled = self.stream.isatty()
        self.width = width
        self._last_draw = 0.0
        self._stage = ""
        self._started = time.monotonic()

    def __call__(self, stage: str, done: int, total: int) -> None:
        if not self.enabled:
            return
        now = time.monotonic()
        if stage != self._stage:
            self._finish_line()
            self._stage = stage
            self._started = now
        elif done < total and now - self._last_draw < 0.1:
            return
        self._last_draw = now
        fraction = done / total if total else 1.0
        filled = int(self.width * fraction)
        rate = done / max(now - self._started, 1e-6)
        self.stream.write(
            f"\r{stage:<18} [{'#' * filled}{'.' * (self.width - filled)}] "
            f"{done}/{total} ({rate:.0f}/s)"
        )
        self.stream.flush()
        if done >= total:
            self._finish_line()

    def _finish_line(self) -> None:
        if self._stage:
            self.stream.write("\n")
            self.stream.flush()
            self._stage = ""

    def close(self) -> None:
        if self.enabled:
            self._finish_line()
