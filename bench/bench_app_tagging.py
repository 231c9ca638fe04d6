"""The desktop app's memory while it adds and tags a folder of real photos.

    QT_QPA_PLATFORM=offscreen python bench/bench_app_tagging.py [--photos 5000]

A folder of ``--photos`` real photos from ../shared/data (hard links) is added through the main
window's Add Folder path (``MainWindow.add_folders``, what the menu calls once the folder
dialog returns), in a fresh process with the watcher running, and the process's resident memory
is sampled every 0.2 s until the job is done and the grid shows every photo. Baseline in the
same run: ``organizer add`` on the same folder in a fresh library, its peak RSS and time.

Target (issue #13): the app's peak RSS <= 600 MB while tagging (it reached 1.1 GB after 5,000
photos once).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from bench.common import link_or_copy, machine_description, shared_data_dir  # noqa: E402

TARGET_MB = 600
SAMPLE_S = 0.2


def photo_folder(target: Path, count: int) -> Path:
    """``count`` real photos from every labelled set, as links under ``target``."""
    sources = sorted((shared_data_dir() / "photos").glob("*/images/*.jpg"))
    if len(sources) < count:
        raise SystemExit(f"only {len(sources)} photos in {shared_data_dir()}")
    step = len(sources) / count
    for index in range(count):
        source = sources[int(index * step)]
        link_or_copy(source, target / f"{index // 500:02d}" / f"{index:05d}-{source.name}")
    return target


def rss_mb() -> float:
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return float("nan")


def measure(folder: Path, library: Path, photos: int) -> dict[str, float]:
    """One run in this process: add ``folder`` through the main window and sample memory."""
    import resource

    from PySide6.QtCore import QEventLoop, QTimer
    from PySide6.QtWidgets import QApplication

    from organizer.app import open_app
    from organizer.ui.application import build_context
    from organizer.ui.main_window import MainWindow

    application = QApplication(sys.argv[:1])
    application.setOrganizationName("Organizer-bench")
    app = open_app(library)
    context = build_context(app, application, watch=True)  # as the desktop app runs
    window = MainWindow(context)
    window.resize(1360, 860)
    window.show()
    application.processEvents()
    started = time.perf_counter()
    window.add_folders([folder])
    samples = [rss_mb()]
    loop = QEventLoop()

    def sample() -> None:
        # On a timer inside the app's own event loop: polling processEvents() in a loop
        # would keep a core busy and slow the app it measures.
        samples.append(rss_mb())
        done = context.work.pending_jobs() == 0 and window.album.model.rowCount() == photos
        if done or time.perf_counter() - started > 3600:
            loop.quit()

    timer = QTimer()
    timer.timeout.connect(sample)
    timer.start(int(SAMPLE_S * 1000))
    loop.exec()
    timer.stop()
    peak = max(samples)
    seconds = time.perf_counter() - started
    indexed = app.library.photo_count()
    context.work.wait()
    window.close()
    app.close()
    return {
        "photos": indexed,
        "seconds": seconds,
        "photos_per_s": indexed / seconds,
        "peak_rss_mb": max(peak, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
        "rss_at_end_mb": samples[-1],
    }


def cli_baseline(folder: Path, library: Path) -> dict[str, float]:
    """``organizer add`` in a child process: its time and peak RSS."""
    started = time.perf_counter()
    child = subprocess.Popen(
        [sys.executable, "-m", "organizer", "--library", str(library), "add", str(folder)],
        cwd=REPO,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    _pid, status, usage = os.wait4(child.pid, 0)
    seconds = time.perf_counter() - started
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit("organizer add failed")
    return {"seconds": seconds, "peak_rss_mb": usage.ru_maxrss / 1024}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--photos", type=int, default=5000)
    parser.add_argument("--measure", nargs=3, help=argparse.SUPPRESS)  # folder library count
    args = parser.parse_args()
    if args.measure:
        folder, library, count = args.measure
        print(json.dumps(measure(Path(folder), Path(library), int(count))))
        return 0
    print(machine_description())
    with tempfile.TemporaryDirectory(prefix="organizer-bench-app-tagging-") as scratch:
        root = Path(scratch)
        folder = photo_folder(root / "photos", args.photos)
        output = subprocess.run(
            [sys.executable, __file__, "--measure", str(folder), str(root / "app-library"),
             str(args.photos)],
            check=True, capture_output=True, text=True,
            env={**os.environ, "QT_QPA_PLATFORM": os.environ.get("QT_QPA_PLATFORM", "offscreen")},
        ).stdout
        app_run = json.loads(output.strip().splitlines()[-1])
        cli_run = cli_baseline(folder, root / "cli-library")
    verdict = "ok" if app_run["peak_rss_mb"] <= TARGET_MB else "MISS"
    print(f"\n{args.photos} photos added and tagged")
    print(f"{'run':<34}{'seconds':>9}{'photos/s':>10}{'peak RSS MB':>13}{'RSS at end':>12}")
    print(
        f"{'app: Add Folder (watcher on)':<34}{app_run['seconds']:>9.1f}"
        f"{app_run['photos_per_s']:>10.1f}{app_run['peak_rss_mb']:>13.0f}"
        f"{app_run['rss_at_end_mb']:>12.0f}"
    )
    print(
        f"{'baseline: organizer add':<34}{cli_run['seconds']:>9.1f}"
        f"{args.photos / cli_run['seconds']:>10.1f}{cli_run['peak_rss_mb']:>13.0f}{'-':>12}"
    )
    print(f"target: app peak RSS <= {TARGET_MB} MB: {verdict}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
