"""``organizer write [PATH...]``: put the index's tags into the photos' metadata or sidecars."""

from __future__ import annotations

import argparse
import sys
import threading
from pathlib import Path

from organizer.app import App
from organizer.cli.progress import TerminalProgress
from organizer.errors import OrganizerError
from organizer.ingest.writeback import WriteMode
from organizer.text import printable


def register(commands: argparse._SubParsersAction) -> None:
    parser = commands.add_parser(
        "write", help="write tags into the files' metadata (or .xmp sidecars)"
    )
    parser.add_argument("paths", nargs="*", type=Path, metavar="PATH")
    parser.add_argument(
        "--mode",
        choices=[WriteMode.CONFIRMED.value, WriteMode.ALL.value],
        help="confirmed tags only, or suggestions too (default: the library's setting, "
        "else confirmed)",
    )
    parser.set_defaults(run=run_write)


def run_write(app: App, args: argparse.Namespace) -> int:
    mode = WriteMode(args.mode) if args.mode else app.write_mode()
    if mode is WriteMode.OFF:
        mode = WriteMode.CONFIRMED
    photo_ids = _photo_ids(app, args.paths)
    progress = TerminalProgress()
    cancel = threading.Event()
    try:
        report = app.writeback().write(photo_ids, mode, progress, cancel)
    finally:
        progress.close()
    for path, reason in report.failed:
        print(f"not written {printable(path)}: {printable(reason)}", file=sys.stderr)
    for note in report.notes:
        if "sidecar" in note:  # the keywords are not in the photo itself: say where they are
            print(f"note: {printable(note)}", file=sys.stderr)
    print(report.summary())
    return 1 if report.failed else 0


def _photo_ids(app: App, paths: list[Path]) -> list[int]:
    if not paths:
        return app.library.all_photo_ids()
    ids: list[int] = []
    for path in paths:
        found = app.library.photo_ids_under(path.resolve())
        if not found:
            raise OrganizerError(f"{path} holds no photo of the library")
        ids.extend(found)
    return ids
