"""The desktop app on a 100,000-photo library: time to first painted grid, scroll stalls, RSS.

Rows are synthesised in SQLite (paths, hashes, dates, ~5 tags each); thumbnails are placeholders
made from a few real photos and stored under fake content hashes. Baseline in the same run:
the same measurements on a 1,000-photo library, so the table shows how the figures scale.

    xvfb-run -a python bench/bench_gui.py            # or QT_QPA_PLATFORM=offscreen
    QT_QPA_PLATFORM=offscreen python bench/bench_gui.py --count 1000000   # a million

Targets: first painted grid <= 1.5 s, longest GUI stall while scrolling <= 50 ms, RSS <= 600 MB.
The machine is shared and small, so each figure is the median of ``--runs`` runs (3).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import random
import resource
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from PySide6.QtCore import QElapsedTimer, QEvent, QEventLoop, QObject, QTimer  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

from bench.common import Linker  # noqa: E402
from organizer.app import open_app  # noqa: E402
from organizer.library.migrations import MIGRATIONS  # noqa: E402
from organizer.thumbnails import ThumbnailCache  # noqa: E402

TAGS = [f"tag{i:03d}" for i in range(300)]


def schema_stamp(count: int) -> str:
    """Identifies the schema a synthetic library was built with."""
    schema = "\n".join(sql for _number, _name, sql in MIGRATIONS)
    return f"{count} {hashlib.sha256(schema.encode()).hexdigest()[:16]}"


def synthesise(library_dir: Path, count: int, data: Path) -> None:
    shutil.rmtree(library_dir, ignore_errors=True)
    app = open_app(library_dir)
    db = app.library.connection
    rng = random.Random(7)
    folder = library_dir / "photos"
    with app.library.transaction():
        db.execute("INSERT INTO folders (id, path, added_at) VALUES (1, ?, 0)", (str(folder),))
        db.executemany(
            "INSERT INTO tags (id, name, display_en, origin) VALUES (?, ?, ?, 'model')",
            [(i + 1, name, name) for i, name in enumerate(TAGS)],
        )
        db.executemany(
            "INSERT INTO photos (id, folder_id, path, size, mtime_ns, content_hash, taken_at,"
            " tagged_model, indexed_at) VALUES (?, 1, ?, 1, 1, ?, ?, 'bench', 0)",
            (
                (
                    i,
                    f"{folder}/{i // 1000:03d}/IMG_{i:06d}.jpg",
                    f"{i:032x}",
                    f"20{10 + i % 14}-{1 + i % 12:02d}-{1 + i % 28:02d}T12:00:00",
                )
                for i in range(1, count + 1)
            ),
        )
        db.executemany(
            "INSERT OR IGNORE INTO photo_tags (photo_id, tag_id, source, state, score,"
            " updated_at) VALUES (?, ?, 'model', 'suggested', 0.9, 0)",
            (
                (i, 1 + int(rng.paretovariate(1.2)) % len(TAGS))
                for i in range(1, count + 1)
                for _ in range(5)
            ),
        )
    app.close()
    # Placeholder thumbnails: a few real photos under the fake hashes (the cache is by hash).
    cache = ThumbnailCache(library_dir / "thumbnails")
    sources = sorted((data / "photos" / "coco128" / "images").glob("*.jpg"))[:8]
    # Hard links: a million thumbnails take the space of a few dozen.
    linkers = [Linker(cache.ensure("seed" + source.stem, source)) for source in sources]
    for i in range(1, count + 1):
        target = cache.path_for(f"{i:032x}")
        target.parent.mkdir(parents=True, exist_ok=True)
        linkers[i % len(linkers)].make(target)


class StallMeter(QObject):
    """A 1 ms timer on the GUI thread: the longest gap between ticks is the longest stall."""

    def __init__(self) -> None:
        super().__init__()
        self.clock = QElapsedTimer()
        self.gaps: list[int] = []
        self.timer = QTimer(self)
        self.timer.setInterval(1)
        self.timer.timeout.connect(self._tick)

    def start(self) -> None:
        self.gaps = []
        self.clock.start()
        self.timer.start()

    def _tick(self) -> None:
        self.gaps.append(self.clock.restart())


class PaintWatcher(QObject):
    def __init__(self) -> None:
        super().__init__()
        self.painted = False

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Paint:
            self.painted = True
        return False


def wait(ms: int) -> None:
    loop = QEventLoop()
    QTimer.singleShot(ms, loop.quit)
    loop.exec()


def measure(application: QApplication, library_dir: Path) -> dict[str, float]:
    from organizer.ui.application import build_context
    from organizer.ui.main_window import MainWindow

    started = time.perf_counter()
    app = open_app(library_dir)
    context = build_context(app, application)
    window = MainWindow(context)
    watcher = PaintWatcher()
    window.album.view.viewport().installEventFilter(watcher)
    window.resize(1360, 860)
    window.show()
    model = window.album.model
    # First painted grid: ids loaded and the viewport painted with rows in it.
    while not (model.rowCount() > 0 and watcher.painted):
        application.processEvents(QEventLoop.ProcessEventsFlag.WaitForMoreEvents, 5)
        if model.rowCount() == 0:
            watcher.painted = False
    first_grid = time.perf_counter() - started
    wait(1500)  # let the first screen of thumbnails arrive

    meter = StallMeter()
    bar = window.album.view.verticalScrollBar()
    meter.start()
    scroll_started = time.perf_counter()
    steps = 200
    for step in range(steps):
        # Jumps across the whole library, like dragging the scrollbar, plus small wheel steps.
        bar.setValue(bar.maximum() * step // steps if step % 2 else bar.value() + 120)
        wait(16)
    scroll_seconds = time.perf_counter() - scroll_started
    meter.timer.stop()
    gaps = sorted(meter.gaps)
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    context.work.wait()
    window.album.loader.clear_pending()
    window.album.loader.wait()
    window.album.model.wait_for_pages()
    window.close()
    app.close()
    return {
        "photos": model.rowCount(),
        "first_grid_s": first_grid,
        "longest_stall_ms": gaps[-1],
        # On a shared 2-core machine the longest gap is often the OS's doing; these two show
        # whether long stalls are a pattern or a one-off.
        "p99_gap_ms": gaps[len(gaps) * 99 // 100],
        "gaps_over_50ms": sum(gap > 50 for gap in gaps),
        "frames_per_s": steps / scroll_seconds,
        "peak_rss_mb": rss,
    }


def measure_in_new_process(library_dir: Path) -> dict[str, float]:
    """One run in a fresh process: its peak RSS and first paint owe nothing to earlier runs."""
    output = subprocess.run(
        [sys.executable, __file__, "--measure", str(library_dir)],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    return json.loads(output.strip().splitlines()[-1])


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--count", type=int, default=100_000)
    parser.add_argument("--baseline", type=int, default=1_000)
    parser.add_argument("--work", type=Path, default=Path("/tmp/organizer-bench-gui"))
    parser.add_argument("--data", type=Path, default=REPO.parent / "shared" / "data")
    parser.add_argument("--runs", type=int, default=3, help="the table shows medians")
    parser.add_argument("--measure", type=Path, help=argparse.SUPPRESS)  # one run, JSON out
    args = parser.parse_args()
    if args.measure is not None:
        application = QApplication(sys.argv[:1])
        application.setOrganizationName("Organizer-bench")
        print(json.dumps(measure(application, args.measure)))
        return 0
    for count in (args.baseline, args.count):
        marker = args.work / f"lib{count}" / "synthesised"
        # Synthesising 100k rows and thumbnails takes minutes: reuse a library, but only one
        # built with today's schema (an index added to a migration must be in the bench too).
        stamp = schema_stamp(count)
        if marker.exists() and marker.read_text() == stamp:
            continue
        started = time.perf_counter()
        synthesise(args.work / f"lib{count}", count, args.data)
        marker.write_text(stamp)
        print(f"synthesised {count} photos in {time.perf_counter() - started:.1f} s")
    runs: list[tuple[dict[str, float], dict[str, float]]] = []
    for _ in range(args.runs):
        # Alternating, so that a burst of load on the machine hits both columns alike.
        base = measure_in_new_process(args.work / f"lib{args.baseline}")
        runs.append((base, measure_in_new_process(args.work / f"lib{args.count}")))
    print(f"\n{'measure':<20}{'baseline':>12}{'library':>12}{'ratio':>8}  target   library runs")
    targets = {"first_grid_s": "<= 1.5", "longest_stall_ms": "<= 50", "peak_rss_mb": "<= 600"}
    for key in runs[0][0]:
        base_value = statistics.median(b[key] for b, _ in runs)
        values = [big[key] for _, big in runs]
        value = statistics.median(values)
        ratio = value / base_value if base_value else float("nan")
        each = " ".join(f"{v:.4g}" for v in values)
        print(
            f"{key:<20}{base_value:>12.2f}{value:>12.2f}{ratio:>8.2f}"
            f"  {targets.get(key, ''):<8} {each}"
        )
    print(f"(medians of {args.runs} runs, each in a new process: peak RSS is that run's own)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
