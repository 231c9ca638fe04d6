"""Build a demo library from ../shared/data and save screenshots of the main views.

Run under a real X server so fonts and styles are what users see::

    xvfb-run -a python scripts/screenshots.py [--out docs/screenshots] [--library /tmp/shots]

Uses the shipped model when ``models/default`` holds one, else the tests' tiny colour model.
"""

from __future__ import annotations

import argparse
import shutil
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(REPO), str(REPO / "tests")]

from PIL import Image, ImageEnhance  # noqa: E402
from PySide6.QtCore import QEventLoop, QTimer  # noqa: E402
from PySide6.QtWidgets import QApplication, QWidget  # noqa: E402

from organizer.app import open_app  # noqa: E402
from organizer.tagging.bundle import default_bundle_dir  # noqa: E402
from organizer.ui.application import build_context  # noqa: E402
from organizer.ui.main_window import MainWindow  # noqa: E402
from organizer.ui.retrain_dialog import RetrainDialog  # noqa: E402
from organizer.ui.translations import install_translators  # noqa: E402


def build_library(library: Path, data: Path, count: int) -> None:
    shutil.rmtree(library, ignore_errors=True)
    app = open_app(library)
    if not (default_bundle_dir() / "bundle.json").is_file():
        from ui_helpers import write_tiny_bundle

        write_tiny_bundle(library / "models" / "tiny")
        app.library.set_setting("active_model", "tiny")
    photos = library.parent / (library.name + "-photos")
    shutil.rmtree(photos, ignore_errors=True)
    for sub, source in (("coco", "coco128"), ("scenes", "miml-scene-dev")):
        (photos / sub).mkdir(parents=True)
        for path in sorted((data / "photos" / source / "images").glob("*.jpg"))[:count]:
            shutil.copy2(path, photos / sub / path.name)
    # Something for View -> Show Duplicates: an exact copy and a retouched one.
    (photos / "copies").mkdir()
    first, second = sorted((photos / "coco").glob("*.jpg"))[:2]
    shutil.copy2(first, photos / "copies" / f"copy of {first.name}")
    with Image.open(second) as image:
        ImageEnhance.Contrast(image.convert("RGB")).enhance(1.2).save(
            photos / "copies" / "retouched.jpg", quality=92)
    print(app.pipeline().add_folders([photos]).summary())
    app.close()


def pump(application: QApplication, ms: int) -> None:
    """Let the window load and paint for ``ms`` (worker results arrive as queued signals)."""
    loop = QEventLoop()
    QTimer.singleShot(ms, loop.quit)
    loop.exec()


def save(widget: QWidget, path: Path) -> None:
    widget.grab().save(str(path))
    print("saved", path)


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--out", type=Path, default=REPO / "docs" / "screenshots")
    parser.add_argument("--library", type=Path, default=Path("/tmp/organizer-shots/library"))
    parser.add_argument("--data", type=Path, default=REPO.parent / "shared" / "data")
    parser.add_argument("--count", type=int, default=60)
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    build_library(args.library, args.data, args.count)

    application = QApplication(sys.argv[:1])
    application.setOrganizationName("Organizer-screenshots")
    application.setApplicationName("Organizer-screenshots")

    empty_app = open_app(args.library.parent / "empty-library")
    window = MainWindow(build_context(empty_app, application))
    window.resize(1360, 860)
    window.show()
    pump(application, 800)
    save(window, args.out / "empty-state.png")
    window.close()

    app = open_app(args.library)
    context = build_context(app, application)
    window = MainWindow(context)
    window.resize(1360, 860)
    window.show()
    pump(application, 2500)
    save(window, args.out / "album.png")

    first_tag = window.tags.model.tag_at(0)
    window.tags.search.set_query(first_tag.name if first_tag else "")
    pump(application, 800)
    view = window.album.view
    view.setCurrentIndex(window.album.model.index(1))
    pump(application, 1500)
    save(window, args.out / "filtered-with-details.png")

    window.tags.search.edit.setText("reddish AND (")
    window.tags.search._validate_and_emit()
    pump(application, 300)
    save(window, args.out / "query-error.png")
    window.tags.search.set_query("")
    pump(application, 800)

    view.selectAll()
    pump(application, 1500)
    save(window, args.out / "multi-selection.png")

    window.review_tag("person")
    pump(application, 2500)
    save(window, args.out / "review-queue.png")
    window.leave_ranking()
    pump(application, 800)

    window.show_duplicates()
    pump(application, 2500)
    save(window, args.out / "duplicates.png")
    window.leave_ranking()
    pump(application, 800)

    window.open_photo(window.album.model.path_at(2) or "")
    view.setCurrentIndex(window.album.model.index(2))
    pump(application, 1500)
    save(window, args.out / "photo-view.png")
    window.close_photo()

    retrain_screenshot(application, window, args.out / "retrain.png")

    install_translators(application, "zh_CN")
    context.set_tag_language("zh_CN")
    chinese = MainWindow(context)
    chinese.resize(1360, 860)
    chinese.show()
    pump(application, 2500)
    chinese.album.view.setCurrentIndex(chinese.album.model.index(0))
    pump(application, 1500)
    save(chinese, args.out / "album-zh_CN.png")
    context.set_tag_language("en")

    context.work.wait()
    window.album.loader.wait()
    chinese.album.loader.wait()
    return 0


def retrain_screenshot(application: QApplication, window: MainWindow, out: Path) -> None:
    """Model → Retrain… after a session's corrections: the most common tag rejected on four
    photos that show it, a tag of the user's own confirmed on five (kept as a candidate)."""
    library = window.context.library
    common = window.tags.model.tag_at(0)
    if common is None:
        return
    library.set_user_tag(library.search(common.name)[:4], common.name, "rejected")
    library.set_user_tag(library.search(f"NOT {common.name}")[:5], "my favourites", "confirmed")
    dialog = RetrainDialog(window.context.app.library_dir, window, ["--candidate"],
                           samples=window.model_menu.load_samples)
    dialog.show()
    loop = QEventLoop()
    dialog.finished_training.connect(lambda _result: loop.quit())
    QTimer.singleShot(300_000, loop.quit)
    dialog.start()
    loop.exec()
    changes = dialog.result_event.get("gate", {}).get("changes", [])
    row = next((i for i, change in enumerate(changes) if change["gained"] or change["lost"]), 0)
    dialog.changes.selectRow(row)
    dialog.results.setCurrentIndex(1)
    pump(application, 3000)
    save(dialog, out)
    dialog.close()


if __name__ == "__main__":
    raise SystemExit(main())
