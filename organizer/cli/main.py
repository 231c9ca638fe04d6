"""Argument parsing and the commands. Each command is a small function over an ``App``."""

from __future__ import annotations

import argparse
import importlib
import json
import logging
import os
import pkgutil
import sys
import threading
from collections.abc import Callable, Sequence
from importlib import resources
from pathlib import Path

from organizer.app import App, open_app
from organizer.cli.progress import TerminalProgress
from organizer.errors import OrganizerError
from organizer.ingest.pipeline import ScanReport
from organizer.library import browse
from organizer.library.tag_names import valid_tag_name
from organizer.text import json_text, printable

log = logging.getLogger("organizer")


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    logging.basicConfig(
        level=logging.INFO if args.verbose else logging.ERROR,
        format="%(levelname)s %(name)s: %(message)s",
    )
    # Pillow warns about oddities in real files (corrupt EXIF...): log them, don't print them.
    logging.captureWarnings(True)
    command: Callable[[App, argparse.Namespace], int] = args.run
    try:
        app = open_app(args.library)
        try:
            return command(app, args)
        finally:
            app.close()
    except OrganizerError as error:
        print(f"organizer: error: {printable(str(error))}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("organizer: cancelled", file=sys.stderr)
        return 130
    except BrokenPipeError:
        # The reader went away (``organizer search ... | head``): not an error of ours.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="organizer", description="Tag, search and organise your photos."
    )
    parser.add_argument("--library", type=Path, help="library folder (index, thumbnails, models)")
    parser.add_argument("-v", "--verbose", action="store_true", help="log every skipped file")
    parser.set_defaults(run=run_gui)
    commands = parser.add_subparsers(title="commands", metavar="COMMAND")

    gui = commands.add_parser("gui", help="open the desktop app")
    gui.add_argument("photos", nargs="*", type=Path, metavar="PHOTO",
                     help="a photo to show large when the app opens (\"Open with\")")
    gui.set_defaults(run=run_gui)

    add = commands.add_parser("add", help="add folders to the library, index and tag them")
    add.add_argument("folders", nargs="+", type=Path, metavar="DIR")
    add.set_defaults(run=run_add)

    scan = commands.add_parser("scan", help="reconcile the index with disk and tag new photos")
    scan.add_argument("folders", nargs="*", type=Path, metavar="DIR")
    scan.set_defaults(run=run_scan)

    retag = commands.add_parser("retag", help="run the active model again on photos under PATH")
    retag.add_argument("paths", nargs="+", type=Path, metavar="PATH")
    retag.set_defaults(run=run_retag)

    search = commands.add_parser("search", help="print paths of photos matching a tag query")
    search.add_argument("query", metavar="QUERY")
    search.add_argument("--limit", type=_count, help="print at most this many paths")
    search.add_argument("--json", action="store_true", help="machine-readable output")
    search.set_defaults(run=run_search)

    show = commands.add_parser("show", help="a photo's tags with source, score and state")
    show.add_argument("file", type=Path, metavar="FILE")
    show.add_argument("--json", action="store_true", help="machine-readable output")
    show.set_defaults(run=run_show)

    demo = commands.add_parser("demo", help="tag a few bundled sample photos and print their tags")
    demo.set_defaults(run=run_demo)

    tag = commands.add_parser("tag", help="correct tags: --add confirms, --remove rejects")
    tag.add_argument("files", nargs="+", type=Path, metavar="FILE")
    tag.add_argument("--add", action="append", default=[], metavar="TAG")
    tag.add_argument("--remove", action="append", default=[], metavar="TAG")
    tag.set_defaults(run=run_tag)
    for module in _command_modules():
        module.register(commands)
    return parser


def _command_modules() -> list:
    """Commands that live in their own module, ``organizer/cli/cmd_<name>.py``.

    Each such module has ``register(commands)``, adding its subparser with ``set_defaults(run=...)``
    where ``run(app, args) -> int``; this keeps this file from growing with every feature.
    """
    import organizer.cli as package

    names = sorted(
        m.name for m in pkgutil.iter_modules(package.__path__) if m.name.startswith("cmd_")
    )
    return [importlib.import_module(f"organizer.cli.{name}") for name in names]


# -- commands ------------------------------------------------------------------------------


def run_gui(app: App, args: argparse.Namespace) -> int:
    if _no_display():
        raise OrganizerError(
            "no display to open the desktop app on; use the command line (organizer --help)"
        )
    try:
        from organizer.ui import run
    except ImportError as error:
        raise OrganizerError(f"the desktop app needs PySide6 ({error})") from error
    return run(app, [os.fspath(photo.resolve()) for photo in args.photos])


def run_add(app: App, args: argparse.Namespace) -> int:
    folders = [_existing_folder(path) for path in args.folders]
    return run_job(lambda progress, cancel: app.pipeline().add_folders(folders, progress, cancel))


def run_scan(app: App, args: argparse.Namespace) -> int:
    folders = [_existing_folder(path) for path in args.folders]
    for folder in folders:
        if app.library.folder_for(folder) is None:
            raise OrganizerError(f"{folder} is not in the library; add it with 'organizer add'")
    if not folders and not app.library.folders():
        raise OrganizerError("the library has no folders yet; add one with 'organizer add DIR'")
    return run_job(lambda progress, cancel: app.pipeline().scan(folders, progress, cancel))


def run_retag(app: App, args: argparse.Namespace) -> int:
    paths = [path.resolve() for path in args.paths]
    for path in paths:
        if not path.exists():
            raise OrganizerError(f"{path} does not exist")
        if app.library.folder_for(path) is None:
            raise OrganizerError(f"{path} is not in the library; add it with 'organizer add'")
    return run_job(lambda progress, cancel: app.pipeline().retag(paths, progress, cancel))


def run_search(app: App, args: argparse.Namespace) -> int:
    ids = app.library.search(args.query, limit=args.limit)
    for name in browse.unknown_tags(app.library, args.query):
        print(f"organizer: note: no tag named {name!r} in this library", file=sys.stderr)
    paths = app.library.photo_paths(ids)
    if args.json:
        print(json.dumps({"query": args.query, "count": len(paths), "paths": paths}))
    else:
        for path in paths:
            print(printable(path))
    return 0


def run_show(app: App, args: argparse.Namespace) -> int:
    photo = app.library.photo_by_path(args.file)
    if photo is None:
        raise OrganizerError(f"{args.file} is not in the library")
    tags = app.library.photo_tags(photo.id)
    if args.json:
        print(
            json_text(
                {
                    "path": photo.path,
                    "model": photo.tagged_model,
                    "tags": [
                        {
                            "tag": t.tag,
                            "parent": t.parent,
                            "source": t.source,
                            "score": None if t.score is None else round(t.score, 4),
                            "state": t.state,
                            "model_version": t.model_version,
                        }
                        for t in tags
                    ],
                },
            )
        )
        return 0
    print(printable(photo.path))
    if not tags:
        print("  (no tags)")
    for t in tags:
        score = "-" if t.score is None else f"{t.score:.2f}"
        print(f"  {printable(t.tag):<20} {t.source:<6} {score:>5}  {t.state}")
    return 0


def known_photo_ids(app: App, files: Sequence[Path]) -> list[int]:
    """The library's ids of ``files``; the first one it does not hold is an error."""
    ids = []
    for file in files:
        photo = app.library.photo_by_path(file)
        if photo is None:
            raise OrganizerError(f"{printable(file)} is not in the library")
        ids.append(photo.id)
    return ids


def _count(text: str) -> int:
    """A --limit: a whole number, 0 or more."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number: {text!r}") from None
    if value < 0:
        raise argparse.ArgumentTypeError(f"must be 0 or more, not {value}")
    return value


def run_tag(app: App, args: argparse.Namespace) -> int:
    if not args.add and not args.remove:
        raise OrganizerError("say what to change with --add TAG and/or --remove TAG")
    photo_ids = known_photo_ids(app, args.files)
    confirm = [valid_tag_name(name) for name in args.add]
    reject = [valid_tag_name(name) for name in args.remove]
    report = app.correct_tags(photo_ids, confirm, reject)
    for path, reason in report.failed if report else ():
        print(f"not written {printable(path)}: {printable(reason)}", file=sys.stderr)
    print(
        f"{len(photo_ids)} photo(s): confirmed {', '.join(args.add) or 'nothing'}; "
        f"rejected {', '.join(args.remove) or 'nothing'}"
    )
    return 0


def run_demo(app: App, args: argparse.Namespace) -> int:
    """The quick start's main job: copy the bundled samples into the library and tag them."""
    folder = app.library_dir / "sample-photos"
    folder.mkdir(parents=True, exist_ok=True)
    samples = resources.files("organizer.resources") / "sample_photos"
    for sample in samples.iterdir():
        if sample.name.endswith(".jpg") and not (folder / sample.name).exists():
            (folder / sample.name).write_bytes(sample.read_bytes())
    status = run_job(
        lambda progress, cancel: app.pipeline().add_folders([folder], progress, cancel)
    )
    print(f"model {app.engine.bundle.version} on {app.engine.provider}; library {app.library_dir}")
    for path in sorted(folder.glob("*.jpg")):
        photo = app.library.photo_by_path(path)
        tags = app.library.photo_tags(photo.id) if photo else []
        shown = ", ".join(f"{t.tag} {t.score:.2f}" for t in tags if t.score is not None)
        print(f"{path.name}: {shown or '(no tags)'}")
    print(f'try: organizer --library {app.library_dir} search "dog OR cat"')
    return status


# -- helpers -------------------------------------------------------------------------------


def _no_display() -> bool:
    """On X11/Wayland systems Qt aborts the process when there is no display; say why instead."""
    if sys.platform in ("win32", "darwin") or os.environ.get("QT_QPA_PLATFORM"):
        return False
    return not (os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))


def _existing_folder(path: Path) -> Path:
    if not path.exists():
        raise OrganizerError(f"{path} does not exist")
    if not path.is_dir():
        raise OrganizerError(f"{path} is not a folder")
    return path.resolve()


def run_job(job: Callable[[TerminalProgress, threading.Event], ScanReport]) -> int:
    """Run a long job with a progress bar; Ctrl-C stops it after the current batch."""
    progress = TerminalProgress()
    cancel = threading.Event()
    try:
        report = job(progress, cancel)
    finally:
        progress.close()
    for path, reason in report.failed:
        print(f"skipped {printable(path)}: {printable(reason)}", file=sys.stderr)
    for line in report.skipped:
        log.info("skipped %s", line)
    print(report.summary())
    return 0
