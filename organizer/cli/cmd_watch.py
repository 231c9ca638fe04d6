"""``organizer watch``: keep the index following the library's folders, headless.

Runs until Ctrl-C (SIGINT) or SIGTERM and then stops cleanly (exit status 0): the batch in
progress stops at its next commit. Other processes (``organizer search``) can read the library
meanwhile: the database is in WAL mode and the watcher's write transactions are short.
"""

from __future__ import annotations

import argparse
import contextlib
import signal
import sys
import threading
import time
from collections.abc import Iterator

from organizer.app import App
from organizer.errors import OrganizerError
from organizer.ingest.watcher import FolderWatcher, WatchBatch
from organizer.text import printable


def register(commands: argparse._SubParsersAction) -> None:
    watch = commands.add_parser("watch", help="watch the library's folders headless")
    watch.add_argument(
        "--settle",
        type=float,
        default=0.5,
        metavar="SECONDS",
        help="quiet time after a file is closed before it is indexed (default 0.5)",
    )
    watch.add_argument(
        "--rescan",
        type=float,
        default=300.0,
        metavar="SECONDS",
        help="how often folders that cannot be watched are rescanned (default 300)",
    )
    watch.add_argument(
        "--no-initial-scan",
        dest="initial_scan",
        action="store_false",
        help="skip reconciling the folders with disk on start",
    )
    watch.set_defaults(run=run_watch)


def run_watch(app: App, args: argparse.Namespace) -> int:
    folders = [path for _, path in app.library.folders()]
    if not folders:
        raise OrganizerError("the library has no folders yet; add one with 'organizer add DIR'")
    watcher = FolderWatcher(
        app.pipeline(),
        folders,
        is_own_write=app.own_writes.is_own_write,
        settle_s=args.settle,
        rescan_s=args.rescan,
        initial_scan=args.initial_scan,
    )
    watcher.add_listener(_print_batch)
    watcher.add_problem_listener(_print_problem)
    watcher.add_resolved_listener(_print_resolved)
    stop = threading.Event()
    with _stop_on_signals(stop):
        watcher.start()
        print(f"watching {len(folders)} folder(s); Ctrl-C to stop", flush=True)
        stop.wait()
        print("stopping...", flush=True)
        watcher.stop()
    print("stopped", flush=True)
    return 0


def _print_batch(batch: WatchBatch) -> None:
    stamp = time.strftime("%H:%M:%S")
    scope = "scan" if batch.rescanned else "change"
    print(f"{stamp} {scope}: {batch.report.summary()}", flush=True)
    for path, reason in batch.report.failed:
        print(f"skipped {printable(path)}: {printable(reason)}", file=sys.stderr, flush=True)


def _print_problem(message: str) -> None:
    print(f"organizer: warning: {printable(message)}", file=sys.stderr, flush=True)


def _print_resolved(message: str) -> None:
    print(f"organizer: resolved: {printable(message)}", file=sys.stderr, flush=True)


@contextlib.contextmanager
def _stop_on_signals(stop: threading.Event) -> Iterator[None]:
    """SIGINT and SIGTERM ask for a clean stop instead of a KeyboardInterrupt mid-commit."""
    previous = {sig: signal.getsignal(sig) for sig in (signal.SIGINT, signal.SIGTERM)}
    for sig in previous:
        signal.signal(sig, lambda signum, frame: stop.set())
    try:
        yield
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
