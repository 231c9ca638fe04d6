"""The desktop app (PySide6). The only package that imports Qt."""

from __future__ import annotations

from collections.abc import Sequence

from organizer.app import App


def run(app: App, photos: Sequence[str] = ()) -> int:
    """Open the main window on ``app`` (showing the first of ``photos`` large, as "Open with"
    from a file manager asks) and run until it is closed; returns the exit status."""
    from organizer.ui.application import run_app

    return run_app(app, photos=photos)
