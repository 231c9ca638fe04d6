"""Benchmark: how soon a photo dropped into a watched folder is findable by ``organizer search``.

Run: ``python -m bench.bench_watch [--probes 10] [--storm 5000] [--idle-s 20] [--bundle DIR]``

Everything runs on real photos (coco128 from ../shared/data) through the real command line:

1. baseline: with nothing watching, a photo is dropped and ``organizer scan`` is run (what a
   periodic full rescan does at best); latency = drop → scan finished → findable;
2. ``organizer watch`` runs as its own process; its CPU while idle is read from /proc for
   ``--idle-s`` seconds;
3. idle latency: a photo is dropped into ``inbox/``; latency = drop → ``Library.search`` (the
   code ``organizer search`` runs, from this second process) returns it;
4. storm latency: ``--storm`` small photos are copied into ``storm/`` as fast as the disk allows,
   and photos dropped into ``inbox/`` meanwhile are timed the same way.

Probe photos are re-encoded coco images (content the library has not seen: no duplicate
shortcut); each is searched for by a tag the model gives it, computed beforehand.
"""

from __future__ import annotations

import argparse
import os
import platform
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Sequence
from pathlib import Path

from PIL import Image

from organizer.app import App, open_app

REPO_ROOT = Path(__file__).resolve().parent.parent
POLL_S = 0.02
DEADLINE_S = 600.0
RESCAN_PERIOD_S = 60.0
BASELINE_SCANS = 5  # each is a whole ``organizer scan`` process: a few suffice


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--probes", type=int, default=10, help="photos timed per scenario")
    parser.add_argument("--storm", type=int, default=5000, help="files in the big copy")
    parser.add_argument("--idle-s", type=float, default=20.0, help="idle CPU window")
    parser.add_argument("--bundle", type=Path, help="model bundle to use (default: shipped)")
    parser.add_argument("--keep", type=Path, help="work in this folder and keep it")
    args = parser.parse_args(argv)
    work = args.keep or Path(tempfile.mkdtemp(prefix="bench-watch-"))
    try:
        run(work, args)
    finally:
        if args.keep is None:
            shutil.rmtree(work, ignore_errors=True)
    return 0


def run(work: Path, args: argparse.Namespace) -> None:
    coco = shared_data_dir() / "photos" / "coco128" / "images"
    originals = sorted(coco.glob("*.jpg"))
    photos, library_dir = work / "photos", work / "library"
    (photos / "inbox").mkdir(parents=True)
    (photos / "storm").mkdir()
    print(machine_description())
    app = open_app(library_dir)
    try:
        if args.bundle:
            shutil.copytree(args.bundle, library_dir / "models" / "bench")
            app.library.set_setting("active_model", "bench")
        print(f"model {app.engine.bundle.version} on {app.engine.provider}")
        existing = photos / "existing"
        existing.mkdir()
        for original in originals:
            shutil.copyfile(original, existing / original.name)
        app.pipeline().add_folders([photos])
        scans = min(args.probes, BASELINE_SCANS)
        probes = make_probes(app, originals, work / "staging-probes", scans + 2 * args.probes)
        storm_files = make_storm(originals, work / "staging-storm", args.storm)
        baseline = [time_scan_baseline(app, probe, tag, photos) for probe, tag in probes[:scans]]
        results = watch_phases(app, photos, probes[scans:], storm_files, args)
    finally:
        app.close()
    report(baseline, results, args)


# -- inputs ------------------------------------------------------------------------------------


def make_probes(
    app: App, originals: list[Path], staging: Path, count: int
) -> list[tuple[Path, str]]:
    """Re-encoded real photos, each with a tag the active model gives it (to search for)."""
    staging.mkdir()
    made = []
    for original in originals[: count * 2]:
        target = staging / f"probe-{original.name}"
        with Image.open(original) as image:
            image.convert("RGB").save(target, quality=90)
        made.append(target)
    probes = []
    bundle = app.engine.bundle
    for result in app.engine.tag_files(made):
        suggestions = [] if result.error else result.suggestions()
        if suggestions:
            probes.append((result.path, suggestions[0][0]))
    if len(probes) < count:
        raise SystemExit(f"only {len(probes)} probe photos get a tag from {bundle.version}")
    return probes[:count]


def make_storm(originals: list[Path], staging: Path, count: int) -> list[Path]:
    """``count`` small real photos, each with its own content (a unique trailer after EOI)."""
    staging.mkdir()
    small = []
    for original in originals:
        with Image.open(original) as image:
            image.draft("RGB", (320, 320))
            image.thumbnail((320, 320))
            buffer = staging / f"small-{original.name}"
            image.convert("RGB").save(buffer, quality=85)
        small.append(buffer.read_bytes())
    files = []
    for i in range(count):
        target = staging / f"storm-{i:05d}.jpg"
        # JPEG readers stop at the end-of-image marker; the trailer only makes the hash unique.
        target.write_bytes(small[i % len(small)] + f"storm {i}".encode())
        files.append(target)
    return files


# -- baseline: a full rescan -------------------------------------------------------------------


def time_scan_baseline(app: App, probe: Path, tag: str, photos: Path) -> tuple[float, float]:
    """(seconds from drop to findable, CPU seconds of the scan process)."""
    target = photos / "inbox" / probe.name
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    shutil.copyfile(probe, target)
    result = cli(app.library_dir, "scan")
    if result.returncode != 0:
        raise SystemExit(f"organizer scan failed: {result.stderr}")
    if not findable(app, tag, target):
        raise SystemExit(f"{target} not findable by {tag!r} after a scan")
    latency = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return latency, cpu


# -- the watcher -------------------------------------------------------------------------------


class WatchResults:
    def __init__(self) -> None:
        self.idle_cpu_share = 0.0
        self.idle_latency: list[float] = []
        self.storm_latency: list[float] = []
        self.storm_copy_s = 0.0
        self.storm_drain_s = 0.0
        self.peak_rss_mb = 0.0
        self.search_ok = False


def watch_phases(
    app: App,
    photos: Path,
    probes: list[tuple[Path, str]],
    storm_files: list[Path],
    args: argparse.Namespace,
) -> WatchResults:
    results = WatchResults()
    process = subprocess.Popen(
        cli_args(app.library_dir, "watch"),
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
        env=cli_env(),
        cwd=REPO_ROOT,
    )
    lines: list[str] = []
    threading.Thread(target=lambda: lines.extend(process.stdout), daemon=True).start()
    try:
        wait_until(lambda: any(" scan: " in line for line in lines), "the start-up scan")
        time.sleep(1.0)
        results.idle_cpu_share = cpu_share(process.pid, args.idle_s)
        half = len(probes) // 2
        results.idle_latency = [drop_and_time(app, p, t, photos) for p, t in probes[:half]]
        storm_phase(app, photos, probes[half:], storm_files, process.pid, results)
        search = cli(app.library_dir, "search", probes[0][1])
        results.search_ok = search.returncode == 0 and probes[0][0].name in search.stdout
    finally:
        process.send_signal(2)  # SIGINT: the way a user stops it
        process.wait(timeout=120)
    if process.returncode != 0:
        raise SystemExit(f"organizer watch exited with {process.returncode}")
    return results


def storm_phase(
    app: App,
    photos: Path,
    probes: list[tuple[Path, str]],
    storm_files: list[Path],
    pid: int,
    results: WatchResults,
) -> None:
    copied = threading.Event()

    def copy_storm() -> None:
        started = time.perf_counter()
        for source in storm_files:
            shutil.copyfile(source, photos / "storm" / source.name)
        results.storm_copy_s = time.perf_counter() - started
        copied.set()

    started = time.perf_counter()
    threading.Thread(target=copy_storm, daemon=True).start()
    time.sleep(1.0)  # the copy is well under way
    for probe, tag in probes:
        results.storm_latency.append(drop_and_time(app, probe, tag, photos))
        results.peak_rss_mb = max(results.peak_rss_mb, rss_mb(pid))
    copied.wait()
    version = app.engine.bundle.version

    def drained() -> bool:
        results.peak_rss_mb = max(results.peak_rss_mb, rss_mb(pid))
        storm = app.library.known_files_under(photos / "storm")
        return len(storm) == len(storm_files) and all(
            row.tagged_model == version for row in storm.values()
        )

    wait_until(drained, "the storm to be indexed and tagged", poll_s=0.5)
    results.storm_drain_s = time.perf_counter() - started


def drop_and_time(app: App, probe: Path, tag: str, photos: Path) -> float:
    target = photos / "inbox" / probe.name
    started = time.perf_counter()
    shutil.copyfile(probe, target)
    wait_until(lambda: findable(app, tag, target), f"{target.name} to be findable")
    return time.perf_counter() - started


def findable(app: App, tag: str, path: Path) -> bool:
    ids = app.library.search(f'"{tag}"')
    return str(path) in app.library.photo_paths(ids)


# -- measuring ---------------------------------------------------------------------------------


def cpu_share(pid: int, seconds: float) -> float:
    """CPU time of process ``pid`` (all threads) over ``seconds``, as a share of one core."""
    before = process_cpu_s(pid)
    time.sleep(seconds)
    return (process_cpu_s(pid) - before) / seconds


def process_cpu_s(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    ticks = int(fields[11]) + int(fields[12])  # utime, stime
    return ticks / os.sysconf("SC_CLK_TCK")


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def wait_until(condition, what: str, poll_s: float = POLL_S) -> None:  # noqa: ANN001
    deadline = time.monotonic() + DEADLINE_S
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(poll_s)
    raise SystemExit(f"timed out waiting for {what}")


def cli_args(library: Path, *args: str) -> list[str]:
    return [sys.executable, "-m", "organizer", "--library", str(library), *args]


def cli_env() -> dict[str, str]:
    return {**os.environ, "PYTHONPATH": str(REPO_ROOT)}


def cli(library: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        cli_args(library, *args), capture_output=True, text=True, env=cli_env(), cwd=REPO_ROOT
    )


def shared_data_dir() -> Path:
    override = os.environ.get("ORGANIZER_SHARED_DATA")
    return Path(override) if override else REPO_ROOT.parent / "shared" / "data"


def machine_description() -> str:
    load = ", ".join(f"{v:.2f}" for v in os.getloadavg())
    return (
        f"machine: nproc={os.cpu_count()}, {platform.machine()}, Python "
        f"{platform.python_version()}, load average {load} (shared cores: figures vary)"
    )


# -- the table ---------------------------------------------------------------------------------


def percentile(values: list[float], q: float) -> float:
    if len(values) == 1:
        return values[0]
    return statistics.quantiles(values, n=100, method="inclusive")[int(q) - 1]


def report(baseline: list[tuple[float, float]], results: WatchResults, args) -> None:  # noqa: ANN001
    scan_latency = [latency for latency, _ in baseline]
    scan_cpu = statistics.mean(cpu for _, cpu in baseline)
    periodic = [RESCAN_PERIOD_S / 2 + s for s in scan_latency]
    rows = [
        ("organizer watch, idle", results.idle_latency),
        (f"organizer watch, during a {args.storm}-file copy", results.storm_latency),
        ("baseline: organizer scan right after the drop", scan_latency),
        (f"baseline: rescan every {RESCAN_PERIOD_S:.0f} s (mean wait + scan)", periodic),
    ]
    watch_p50 = percentile(results.idle_latency, 50)
    print("\nTime from a photo landing to `organizer search` finding it\n")
    print("| scenario | n | p50 s | p95 s | p50 vs watch idle |")
    print("|---|---|---|---|---|")
    for name, values in rows:
        p50, p95 = percentile(values, 50), percentile(values, 95)
        print(f"| {name} | {len(values)} | {p50:.2f} | {p95:.2f} | {p50 / watch_p50:.1f}x |")
    periodic_cpu = scan_cpu / RESCAN_PERIOD_S
    print("\nCPU while nothing changes (share of one core)\n")
    print("| process | CPU |")
    print("|---|---|")
    print(f"| organizer watch, idle for {args.idle_s:.0f} s | {results.idle_cpu_share:.3%} |")
    print(
        f"| baseline: organizer scan every {RESCAN_PERIOD_S:.0f} s "
        f"({scan_cpu:.2f} CPU s per scan) | {periodic_cpu:.3%} |"
    )
    print("\nStorm\n")
    rate = args.storm / results.storm_drain_s
    print(
        f"{args.storm} files copied in {results.storm_copy_s:.1f} s; all indexed and tagged "
        f"{results.storm_drain_s:.1f} s after the copy began ({rate:.0f} photos/s); watcher "
        f"peak RSS {results.peak_rss_mb:.0f} MB; organizer search during watch: "
        f"{'ok' if results.search_ok else 'FAILED'}"
    )


if __name__ == "__main__":
    raise SystemExit(main())
