"""Render the app icon (resources/icons/organizer.svg) as a PNG for the Windows and macOS
builds, whose executables need a bitmap (PyInstaller turns it into .ico / .icns).

    python packaging/render_icon.py [SIZE]   ->  packaging/build/organizer-SIZE.png
"""

import os
import sys
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import Qt  # noqa: E402
from PySide6.QtGui import QGuiApplication, QImage, QPainter  # noqa: E402
from PySide6.QtSvg import QSvgRenderer  # noqa: E402

HERE = Path(__file__).resolve().parent


def main() -> int:
    size = int(sys.argv[1]) if len(sys.argv) > 1 else 512
    QGuiApplication([])
    renderer = QSvgRenderer(str(HERE.parent / "resources" / "icons" / "organizer.svg"))
    image = QImage(size, size, QImage.Format.Format_ARGB32)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    renderer.render(painter)
    painter.end()
    out = HERE / "build" / f"organizer-{size}.png"
    out.parent.mkdir(exist_ok=True)
    if not image.save(str(out)):
        print(f"cannot write {out}", file=sys.stderr)
        return 1
    print(out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
