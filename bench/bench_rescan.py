"""Benchmark: rescanning an unchanged library of 100,000 photos (``Pipeline.scan``).

Run: ``python -m bench.bench_rescan [--files 100000] [--folders 1000] [--runs 3]``
(a million: ``--files 1000000 --skip-hash-baseline``; the hash baseline alone takes minutes)

The library is made, not tagged: hard links to one real JPEG (a fresh copy every 65,000
links, ext4's limit) spread over 1,000 folders (paths differ, so each is a photo of its own to
the scanner), and one index row per file written straight into SQLite with the size, mtime
and content hash the scanner will find and ``tagged_model`` = the active model's version, so
the scan has nothing to hash or tag.
The files are kept under /tmp between runs; the index is rebuilt each run.

Measured: ``App.pipeline().scan()``, i.e. walk, compare with the index by (size, mtime), look
for vanished rows, look for untagged rows. The model is loaded before the clock starts.

Baselines in the same run, on the same tree:
- ``os.walk`` + ``os.stat`` per file: the floor for any rescan that notices edits by mtime;
- naive rescan: ``os.walk`` + a content hash (the pipeline's own) of every file.
The OS caches are warm for all three (the tree was just listed); state them as such.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

from bench.common import (
    Linker,
    load_now,
    machine_description,
    measured,
    print_table,
    shared_data_dir,
)

SOURCE_PHOTO = "photos/coco128/images/000000000009.jpg"
TREE_DIR = Path(tempfile.gettempdir()) / "organizer-bench" / "rescan-tree"
# The targets: 10 s at 100,000 files, 60 s at a million.
TARGET_S = {100_000: 10.0, 1_000_000: 60.0}


def build_tree(source: Path, files: int, folders: int) -> Path:
    """``files`` hard links to ``source`` in ``folders`` folders; reused when already there."""
    root = TREE_DIR / f"{files}-in-{folders}"
    done = root / ".complete"
    if done.exists():
        return root
    per_folder = -(-files // folders)
    made = 0
    linker = Linker(source)
    for folder_index in range(folders):
        folder = (
            root
            / f"{2000 + folder_index // 12:04d}"
            / f"{folder_index % 12 + 1:02d}-{folder_index:04d}"
        )
        folder.mkdir(parents=True, exist_ok=True)
        for index in range(min(per_folder, files - made)):
            linker.make(folder / f"IMG_{made + index:06d}.jpg")
        made += min(per_folder, files - made)
    done.touch()
    return root


def synthesise_index(app: object, root: Path, model_version: str) -> int:
    """One row per file, as if an earlier scan had indexed and tagged them all."""
    from organizer.ingest.files import content_hash, walk_photos

    library = app.library
    folder_id = library.add_folder(root)
    stats = list(walk_photos(root.resolve()))
    digests: dict[tuple[int, int], str] = {}
    now = time.time()
    rows = []
    for stat in stats:
        # Hard links share one inode, so one hash per (size, mtime) is the real hash of each.
        key = (stat.size, stat.mtime_ns)
        if key not in digests:
            digests[key] = content_hash(stat.path)
        rows.append(
            (folder_id, stat.path, stat.size, stat.mtime_ns, digests[key], model_version, now)
        )
    with library.transaction() as db:
        db.executemany(
            "INSERT INTO photos (folder_id, path, size, mtime_ns, content_hash, tagged_model,"
            " indexed_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
            rows,
        )
    library.connection.execute("ANALYZE")
    return len(rows)


def walk_and_stat(root: Path) -> int:
    count = 0
    for directory, _, names in os.walk(root):
        for name in names:
            if name.lower().endswith(".jpg"):
                os.stat(os.path.join(directory, name))
                count += 1
    return count


def walk_and_hash(root: Path) -> int:
    from organizer.ingest.files import content_hash

    count = 0
    for directory, _, names in os.walk(root):
        for name in names:
            if name.lower().endswith(".jpg"):
                content_hash(os.path.join(directory, name))
                count += 1
    return count


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", type=int, default=100_000)
    parser.add_argument("--folders", type=int, default=1000)
    parser.add_argument("--runs", type=int, default=3, help="timed scans (the median is shown)")
    parser.add_argument("--skip-hash-baseline", action="store_true")
    parser.add_argument("--bundle", type=Path, help="model bundle (default: the shipped one)")
    args = parser.parse_args(argv)

    from organizer.app import open_app
    from organizer.tagging.bundle import default_bundle_dir, load_bundle
    from organizer.tagging.engine import TaggingEngine

    source = shared_data_dir() / SOURCE_PHOTO
    if not source.is_file():
        print(f"real photo not found: {source} (set ORGANIZER_SHARED_DATA)", file=sys.stderr)
        return 2
    print(machine_description())
    with measured() as build:
        root = build_tree(source, args.files, args.folders)
    print(f"tree: {root} ({args.files} files in {args.folders} folders; {build.wall_s:.1f} s)")
    engine = TaggingEngine(load_bundle(args.bundle or default_bundle_dir()))

    scans = []
    with tempfile.TemporaryDirectory(prefix="organizer-bench-rescan-") as scratch:
        app = open_app(Path(scratch) / "library")
        try:
            count = synthesise_index(app, root, engine.bundle.version)
            # The app loads its model lazily; hand it the loaded one so loading stays untimed.
            app._engine = engine
            pipeline = app.pipeline()
            for run in range(args.runs):
                with measured() as scan:
                    report = pipeline.scan([root])
                scans.append(scan)
                print(
                    f"scan {run + 1}: {scan.wall_s:.2f} s ({report.summary()}); load {load_now()}"
                )
                if report.unchanged != count or report.tagged or report.new or report.deleted:
                    print("  warning: the scan did not see an unchanged library", file=sys.stderr)
        finally:
            app.close()
    with measured() as stat_only:
        stat_count = walk_and_stat(root)
    hashed = None
    if not args.skip_hash_baseline:
        with measured() as hashed:
            walk_and_hash(root)

    scan_s = statistics.median(m.wall_s for m in scans)
    scan_cpu = statistics.median(m.cpu_s for m in scans)
    rows = [
        [
            f"Pipeline.scan, unchanged (median of {len(scans)})",
            f"{scan_s:.2f}",
            f"{scan_cpu:.2f}",
            "-",
            _target(args.files, scan_s),
        ],
        [
            "baseline: os.walk + os.stat per file",
            f"{stat_only.wall_s:.2f}",
            f"{stat_only.cpu_s:.2f}",
            f"scan is {scan_s / stat_only.wall_s:.1f}x the floor",
            "-",
        ],
    ]
    if hashed is not None:
        rows.append(
            [
                "baseline: os.walk + content hash per file",
                f"{hashed.wall_s:.2f}",
                f"{hashed.cpu_s:.2f}",
                f"scan is {hashed.wall_s / scan_s:.1f}x faster",
                "-",
            ]
        )
    print()
    print(f"{stat_count} files")
    print_table(("run", "wall s", "CPU s", "ratio", "target"), rows)
    return 0


def _target(files: int, scan_s: float) -> str:
    target = TARGET_S.get(files)
    if target is None:
        return "-"
    return f"<= {target:.0f} s {'ok' if scan_s <= target else 'MISS'}"


if __name__ == "__main__":
    raise SystemExit(main())
