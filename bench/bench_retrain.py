"""Retraining time from corrections, with 10,000 and 100,000 photos in the library.

    python bench/bench_retrain.py [--sizes 10000 100000] [--skip-baseline-above 20000]

Each library is a real SQLite index whose embedding rows are real embeddings (the shipped
model's training photos, cached by organizer_training/backbone.py) plus Gaussian noise, with the
corrections of a realistic session: one new tag confirmed on 10 photos, two model tags
rejected on 8 photos each, one confirmed on 5. Timed: reading embeddings and corrections from
the database, the fit exactly as ``organizer train`` runs it (``fit_tasks``: the K-fold
refit of the corrected model tags, centroid columns for new tags). Export (independent of
library size) and re-scoring the library's suggestions are timed separately. The fit is numpy
only (no torch); torch only embeds the real photos the rows are made from (cached after the
first run).

Baseline, same run: refit every tag of the head on every photo (soft targets = the model's own
predictions, no anchor sampling; same K-fold validation), the straightforward approach.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from organizer.app import open_app  # noqa: E402
from organizer.tagging.rescore import rescore_library  # noqa: E402
from organizer_training.backbone import cached_embeddings, load_backbone  # noqa: E402
from organizer_training.datasets import default_data_dir, read_labelled_set  # noqa: E402
from organizer_training.head_params import HeadParameters, head_probabilities  # noqa: E402
from organizer_training.retrain import (  # noqa: E402
    MAX_ANCHOR_PHOTOS,
    RetrainOptions,
    fit_tasks,
    plan_tasks,
    read_library,
)
from organizer_training.retrain_fit import fit_corrections  # noqa: E402
from organizer_training.retrain_results import TagTask  # noqa: E402


def real_embeddings() -> np.ndarray:
    data = default_data_dir()
    backbone = load_backbone()
    cache = Path(os.environ.get("TMPDIR", "/tmp")) / "organizer-emb"
    sets = [read_labelled_set(data / "photos" / n) for n in ("miml-scene-dev", "coco128")]
    return np.concatenate([cached_embeddings(backbone, s.paths, cache) for s in sets])


def build_library(directory: Path, n: int, source: np.ndarray, seed: int) -> None:
    """n photo rows with noisy real embeddings and a session's worth of corrections."""
    rng = np.random.default_rng(seed)
    app = open_app(directory)
    db = app.library
    folder = db.add_folder(directory)
    picks = rng.integers(0, len(source), n)
    noise = rng.normal(0, 0.05 * source.std(0), (n, source.shape[1]))
    x = (source[picks] + noise).astype(np.float16)
    with db.transaction() as conn:
        conn.executemany(
            "INSERT INTO photos (folder_id, path, size, mtime_ns, embedding, tagged_model,"
            " indexed_at) VALUES (?, ?, 1, 1, ?, 'bench', 0)",
            ((folder, f"/bench/{i}.jpg", x[i].tobytes()) for i in range(n)),
        )
    ids = [r[0] for r in db.database.execute("SELECT id FROM photos ORDER BY id")]
    chosen = rng.choice(ids, 31, replace=False).tolist()
    db.set_user_tag(chosen[:10], "grandma", "confirmed")
    db.set_user_tag(chosen[10:18], "desert", "rejected")
    db.set_user_tag(chosen[18:26], "sea", "rejected")
    db.set_user_tag(chosen[26:31], "dog", "confirmed")
    app.close()


def time_ours(directory: Path) -> dict[str, float]:
    app = open_app(directory)
    parent = app.active_bundle()
    head = HeadParameters.load(parent.directory / "head.npz")
    started = time.perf_counter()
    data = read_library(app.library, MAX_ANCHOR_PHOTOS, 0, head.weight.shape[0])
    tasks, _ = plan_tasks(parent, data, 8)
    read = time.perf_counter() - started
    fit_tasks(data, head, parent.thresholds, tasks, RetrainOptions(), lambda _event: None)
    total = time.perf_counter() - started
    mark = time.perf_counter()
    app.library.database.execute("UPDATE photos SET tagged_model = 'bench'")
    rescore_library(app.library, parent)
    rescore = time.perf_counter() - mark
    app.close()
    return {"read": read, "fit": total - read, "total": total, "rescore": rescore}


def time_baseline(directory: Path) -> float:
    """Every tag, every photo: what retraining costs without our shortcuts."""
    app = open_app(directory)
    parent = app.active_bundle()
    head = HeadParameters.load(parent.directory / "head.npz")
    started = time.perf_counter()
    ids = [r[0] for r in app.library.database.execute(
        "SELECT id FROM photos WHERE embedding IS NOT NULL ORDER BY id")]
    blob = b"".join(r[0] for r in app.library.database.execute(
        "SELECT embedding FROM photos WHERE embedding IS NOT NULL ORDER BY id"))
    x = np.frombuffer(blob, np.float16).reshape(len(ids), -1).astype(np.float32)
    tasks = [TagTask(name, i, np.array([0]), np.array([float(head_probabilities(x[:1], head)[0,
             i] > 0.5)], np.float32)) for i, name in enumerate(parent.tag_names)]
    fit_corrections(x, head, parent.thresholds.astype(np.float64), tasks)
    app.close()
    return time.perf_counter() - started


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--skip-baseline-above", type=int, default=20_000,
                        help="the baseline takes minutes on large libraries")
    args = parser.parse_args(argv)
    source = real_embeddings()
    rows = []
    for n in args.sizes:
        with tempfile.TemporaryDirectory() as tmp:
            build_library(Path(tmp), n, source, seed=n)
            ours = time_ours(Path(tmp))
            baseline = None if n > args.skip_baseline_above else time_baseline(Path(tmp))
        rows.append((n, ours, baseline))
        print(f"done {n}", file=sys.stderr)
    print(f"{'photos':>8} {'read s':>7} {'fit s':>7} {'train s':>8} {'baseline s':>11} "
          f"{'speed-up':>9} {'rescore s':>10}")
    for n, ours, baseline in rows:
        base = "-" if baseline is None else f"{baseline:.1f}"
        ratio = "-" if baseline is None else f"{baseline / ours['total']:.1f}x"
        print(f"{n:>8} {ours['read']:>7.2f} {ours['fit']:>7.2f} {ours['total']:>8.2f} "
              f"{base:>11} {ratio:>9} {ours['rescore']:>10.2f}")
    print(f"machine: {os.cpu_count()} CPUs, numpy {np.__version__} "
          "(no torch); train = read + fit "
          "(export is ~constant, see docs/retraining.md)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
