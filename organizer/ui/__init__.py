"""The desktop app (PySide6). The only package that imports Qt."""

from __future__ import annotations

from organizer.app import App


def run(app: App) -> int:
    """Open the main window on ``app`` and run until it is closed; returns the exit status."""
    from organizer.ui.application import run_app

    return run_app(app)
