"""The application icon (``resources/icons/organizer.svg``)."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

from PySide6.QtGui import QIcon

ICON_NAME = "organizer"


def _icons_dir() -> Path:
    """Installed as the package ``organizer.icons``; ``resources/icons`` in a source checkout
    that was not installed."""
    try:
        return Path(str(resources.files("organizer.icons")))
    except ModuleNotFoundError:
        return Path(__file__).resolve().parents[2] / "resources" / "icons"


ICON_PATH = _icons_dir() / f"{ICON_NAME}.svg"


def app_icon() -> QIcon:
    """The desktop theme's icon when one is installed under the desktop entry's name, else ours."""
    return QIcon.fromTheme(ICON_NAME, QIcon(str(ICON_PATH)))
