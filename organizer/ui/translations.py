"""Loading the UI translation (.qm) for the chosen language or the system locale."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

from PySide6.QtCore import QLibraryInfo, QLocale, QTranslator
from PySide6.QtWidgets import QApplication


def _translations_dir() -> Path:
    """Installed as the package ``organizer.translations``; ``resources/translations`` in a
    source checkout that was not installed."""
    try:
        return Path(str(resources.files("organizer.translations")))
    except ModuleNotFoundError:
        return Path(__file__).resolve().parents[2] / "resources" / "translations"


TRANSLATIONS_DIR = _translations_dir()


def install_translators(application: QApplication, language: str | None) -> list[QTranslator]:
    """Install Organizer's and Qt's own translations; returns them (they must stay alive)."""
    locale = QLocale(language) if language and language != "system" else QLocale.system()
    QLocale.setDefault(locale)  # dates and numbers in the UI's language
    installed = []
    ours = QTranslator(application)
    if ours.load(locale, "organizer", "_", str(TRANSLATIONS_DIR)):
        application.installTranslator(ours)
        installed.append(ours)
    # Qt's standard dialogs (buttons, file dialog) in the same language.
    qt = QTranslator(application)
    qt_dir = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
    if qt.load(locale, "qtbase", "_", qt_dir):
        application.installTranslator(qt)
        installed.append(qt)
    return installed
