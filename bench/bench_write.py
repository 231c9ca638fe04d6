"""Milliseconds per keyword write on 12 MP JPEGs: Organizer vs exiftool, in the same run.

Makes N 12-megapixel JPEGs (a real photo from shared/data/photos upscaled with Pillow, quality
92) in a temp folder, then times, per file:

- organizer: ``MetadataService.write_keywords`` (all checks on: decode check, exiv2 edit, temp
  file, fsync, re-read verification, image fingerprint, atomic replace);
- exiftool: one ``exiftool -overwrite_original`` process per file writing the same keywords to
  XMP-dc:Subject, IPTC:Keywords and XPKeywords (what a naive integration does);
- exiftool -stay_open: one long-running exiftool fed file after file (its best case).

exiftool does not fsync and does not verify; Organizer does both (about 5 ms of fsync here).

Usage: python bench/bench_write.py [--files 20] [--data ../shared/data]
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from PIL import Image

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from organizer.metadata import MetadataService  # noqa: E402

KEYWORDS = ["beach", "sunset", "family", "中文", "Crème brûlée"]
SIZE = (4000, 3000)  # 12 MP


def make_photos(source: Path, folder: Path, count: int) -> list[Path]:
    with Image.open(source) as image:
        big = image.convert("RGB").resize(SIZE, Image.Resampling.BICUBIC)
    first = folder / "photo_000.jpg"
    big.save(first, quality=92)
    photos = [first]
    for index in range(1, count):
        copy = folder / f"photo_{index:03d}.jpg"
        shutil.copyfile(first, copy)
        photos.append(copy)
    return photos


def time_organizer(photos: list[Path]) -> list[float]:
    times = []
    with MetadataService() as service:
        for photo in photos:
            start = time.perf_counter()
            service.write_keywords(photo, KEYWORDS)
            times.append((time.perf_counter() - start) * 1000)
    return times


def _exiftool_args(photo: Path) -> list[str]:
    args = ["-overwrite_original", "-charset", "iptc=UTF8", "-codedcharacterset=utf8"]
    for keyword in KEYWORDS:
        args += [f"-XMP-dc:Subject+={keyword}", f"-IPTC:Keywords+={keyword}"]
    args += [f"-XPKeywords={';'.join(KEYWORDS)}", str(photo)]
    return args


def time_exiftool_per_file(photos: list[Path]) -> list[float]:
    times = []
    for photo in photos:
        start = time.perf_counter()
        subprocess.run(["exiftool", "-q", *_exiftool_args(photo)], check=True)
        times.append((time.perf_counter() - start) * 1000)
    return times


def time_exiftool_stay_open(photos: list[Path]) -> list[float]:
    process = subprocess.Popen(
        ["exiftool", "-stay_open", "True", "-@", "-"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert process.stdin is not None and process.stdout is not None
    times = []
    for photo in photos:
        start = time.perf_counter()
        process.stdin.write("\n".join([*_exiftool_args(photo), "-execute", ""]))
        process.stdin.flush()
        while process.stdout.readline().strip() != "{ready}":
            pass
        times.append((time.perf_counter() - start) * 1000)
    process.stdin.write("-stay_open\nFalse\n")
    process.stdin.close()
    process.wait()
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", type=int, default=20)
    default_data = Path(__file__).resolve().parents[2] / "shared" / "data"
    parser.add_argument("--data", type=Path, default=default_data)
    args = parser.parse_args()
    source = sorted((args.data / "photos" / "coco128" / "images").glob("*.jpg"))[0]

    rows = []
    with tempfile.TemporaryDirectory(prefix="bench-write-") as tmp:
        runs = {
            "organizer": time_organizer,
            "exiftool (process per file)": time_exiftool_per_file,
            "exiftool -stay_open": time_exiftool_stay_open,
        }
        for name, run in runs.items():
            folder = Path(tmp) / name.split()[0].strip("-")
            folder.mkdir(exist_ok=True)
            photos = make_photos(source, folder, args.files)
            size_mb = photos[0].stat().st_size / 1e6
            os.sync()  # flush the freshly made photos so their writeback is not timed
            rows.append((name, run(photos)))
            for photo in photos:
                os.unlink(photo)

    baseline = statistics.median(rows[1][1])
    print(f"{args.files} JPEGs, {SIZE[0]}x{SIZE[1]} (12 MP), {size_mb:.1f} MB each, quality 92")
    print(f"{'writer':30} {'median ms':>10} {'p90 ms':>8} {'vs exiftool':>12}")
    for name, times in rows:
        median = statistics.median(times)
        p90 = sorted(times)[int(0.9 * (len(times) - 1))]
        print(f"{name:30} {median:10.1f} {p90:8.1f} {median / baseline:11.2f}x")


if __name__ == "__main__":
    main()
