"""What every Organizer package carries besides the Python code: one list, read by the Linux
.deb build (packaging/linux/build-deb.sh), the PyInstaller spec shared by Linux, Windows and
macOS (packaging/organizer.spec), and the tests (the wheel's contents, the desktop entry).

Paths are relative to the repository root; ``PACKAGE_DATA`` names files as they sit inside the
installed ``organizer`` package (the wheel, and PyInstaller's ``_internal`` folder).
"""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

APP_ID = "io.github.organizer.Organizer"  # AppStream component id
DESKTOP_ENTRY = "resources/desktop/organizer.desktop"
METAINFO = f"resources/desktop/{APP_ID}.metainfo.xml"
ICON = "resources/icons/organizer.svg"
# The photo formats the app opens ("Open with"); the desktop entry and metainfo list the same.
MIME_TYPES = ("image/jpeg", "image/png", "image/heic", "image/heif", "image/tiff", "image/webp")

PACKAGE_DATA = (
    "organizer/bundled_models/default/bundle.json",
    "organizer/bundled_models/default/model.onnx",
    "organizer/bundled_models/default/head.npz",
    "organizer/bundled_models/default/embedding_stats.npz",
    "organizer/bundled_models/default/MODEL_CARD.md",
    "organizer/translations/organizer_zh_CN.qm",
    "organizer/icons/organizer.svg",
    "organizer/desktop_files/organizer.desktop",
    f"organizer/desktop_files/{APP_ID}.metainfo.xml",
    "organizer/resources/sample_photos/000000000309.jpg",
)

# Packages whose every module goes in: the CLI finds its cmd_*.py modules by name at run time,
# which a freezer cannot see.
ALL_MODULES_OF = ("organizer", "organizer_training")
# Never in a package: torch is only for building the default model (the [train] extra).
EXCLUDES = ("torch", "torchvision", "efficientnet_lite_pytorch", "tkinter")


def version() -> str:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    return project["version"]


def desktop_mime_types() -> tuple[str, ...]:
    """The MimeType key of the desktop entry, in order."""
    text = (ROOT / DESKTOP_ENTRY).read_text(encoding="utf-8")
    found = re.search(r"^MimeType=(.*)$", text, re.MULTILINE)
    return tuple(t for t in (found.group(1) if found else "").split(";") if t)
