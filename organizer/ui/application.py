"""Builds the UI objects from an ``App`` and runs the event loop."""

from __future__ import annotations

import sys
from collections.abc import Sequence
from pathlib import Path

from PySide6.QtCore import QObject
from PySide6.QtGui import QUndoStack
from PySide6.QtWidgets import QApplication

from organizer.app import App
from organizer.ingest.watcher import DEFAULT_RESCAN_S
from organizer.thumbnails import ThumbnailCache
from organizer.ui.app_icon import app_icon
from organizer.ui.context import LibraryEvents, UiContext
from organizer.ui.errors import ExceptionReporter
from organizer.ui.jobs import BackgroundWork
from organizer.ui.main_window import MainWindow
from organizer.ui.single_instance import InstanceServer, hand_over
from organizer.ui.translations import install_translators
from organizer.ui.watch_bridge import WatchBridge


def build_context(
    app: App,
    parent: QObject | None = None,
    *,
    watch: bool = False,
    watch_settle_s: float = 0.5,
    watch_rescan_s: float = DEFAULT_RESCAN_S,
) -> UiContext:
    """The shared objects the widgets need; tests build their windows the same way.

    ``watch``: the main window follows the library's folders on disk (the desktop app does;
    tests of other features leave it off so that no rescan refreshes their views mid-test).
    """
    work = BackgroundWork(app, parent)
    events = LibraryEvents(parent)
    watcher = (
        WatchBridge(app, events, parent, settle_s=watch_settle_s, rescan_s=watch_rescan_s)
        if watch
        else None
    )
    return UiContext(
        app=app,
        work=work,
        thumbnails=ThumbnailCache(Path(app.library_dir) / "thumbnails"),
        events=events,
        undo=QUndoStack(parent),
        watcher=watcher,
        tag_names_language=app.library.setting("tag_language", "en") or "en",
        min_display_score=_float_setting(app, "min_display_score"),
    )


def _float_setting(app: App, key: str) -> float:
    try:
        return float(app.library.setting(key, "0") or 0)
    except ValueError:  # hand-edited database: fall back to the default
        return 0.0


def configure_application(application: QApplication) -> None:
    """Names (where QSettings are kept), the desktop entry and the icon of every window."""
    application.setOrganizationName("Organizer")
    application.setApplicationName("Organizer")
    # resources/desktop/organizer.desktop: desktops match the running app to its entry by this name.
    application.setDesktopFileName("organizer")
    application.setWindowIcon(app_icon())


def _bring_forward(window: MainWindow, photos: Sequence[str]) -> None:
    """A later start on this library: show its photo, and this window in front."""
    if photos:
        window.open_photo(photos[0])
    window.showNormal()
    window.raise_()
    window.activateWindow()


def run_app(app: App, argv: list[str] | None = None, photos: Sequence[str] = ()) -> int:
    existing = QApplication.instance()
    application = (
        existing if isinstance(existing, QApplication) else QApplication(argv or sys.argv[:1])
    )
    if hand_over(app.library_dir, photos):
        return 0  # the app already open on this library shows them
    configure_application(application)
    translators = install_translators(application, app.library.setting("ui_language"))
    context = build_context(app, application, watch=True)
    window = MainWindow(context)
    reporter = ExceptionReporter(lambda: window)
    reporter.install()
    server = InstanceServer(app.library_dir, lambda later: _bring_forward(window, later))
    try:
        window.show()
        if photos:
            window.open_photo(photos[0])
        return application.exec()
    finally:
        server.close()
        reporter.uninstall()
        if context.watcher is not None:
            context.watcher.shutdown()  # already done when the window closed; this is cheap
        context.work.cancel_jobs()
        context.work.wait(60000)
        window.album.loader.wait(10000)
        del translators
