"""'More like these' latency: the review queue and "find similar" on 10,000 and 100,000 photos.

Photos are rows with noisy copies of real stored embeddings (the labelled shared photos, as the
shipped model embeds them); "grandma" is a user tag with 10 confirmed photos (ranked by its
nearest centroid over every photo), "similar" ranks every photo by likeness to one, "dog" a
model tag (its stored suggestions). The app keeps the embeddings in memory (EmbeddingIndex):
"warm" is every ranking after the first, "first" the first one, which reads them (as one
`organizer suggest` run does) without, and "first, copy" with the copy of them an earlier
process left in the library folder (EmbeddingCache). Baseline in the same run: reading the
stored embeddings alone, which every ranking paid before the index.

"duplicates" finds every group of near duplicates (organizer/tagging/duplicates.py; the noisy
copies make ~14 near copies of each real photo, a worst case); its baseline, for sizes up to
20,000, compares every pair.

    python bench/bench_suggest.py [--sizes 10000 100000] [--runs 5]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.bench_retrain import build_library  # noqa: E402
from organizer.app import open_app  # noqa: E402
from organizer.tagging import duplicates  # noqa: E402
from organizer.tagging.bundle import default_bundle_dir, load_bundle  # noqa: E402
from organizer.tagging.embedding_index import EmbeddingCache, EmbeddingIndex  # noqa: E402
from organizer.tagging.rescore import rescore_library  # noqa: E402
from organizer.tagging.review import review_queue, similar_photos  # noqa: E402
from organizer_training.labelled_embeddings import labelled_embeddings  # noqa: E402

REPO = Path(__file__).resolve().parent.parent
TARGET_MS = 200


def median_ms(work, runs: int) -> float:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        work()
        times.append((time.perf_counter() - started) * 1000)
    return float(np.median(times))


def measure(folder: Path, bundle, dim: int, runs: int) -> str:
    app = open_app(folder)
    # The library's suggestions, as tagging would have stored them (not timed).
    app.library.database.execute("UPDATE photos SET tagged_model = 'bench'")
    rescore_library(app.library, bundle)
    ids = app.library.photo_ids_with_embedding(dim)
    read = median_ms(lambda: app.library.embeddings(ids, dim), runs)
    first = median_ms(
        lambda: review_queue(app.library, bundle, EmbeddingIndex(), "grandma", 50), runs)
    # A fresh process with the copy an earlier one left in the library folder.
    cache = EmbeddingCache(folder / "embeddings")
    review_queue(app.library, bundle, EmbeddingIndex(cache), "grandma", 50)
    mapped = median_ms(
        lambda: review_queue(app.library, bundle, EmbeddingIndex(cache), "grandma", 50), runs)
    index = EmbeddingIndex()
    user = median_ms(lambda: review_queue(app.library, bundle, index, "grandma", 50), runs)
    similar = median_ms(lambda: similar_photos(app.library, index, [ids[7]], 50), runs)
    model = median_ms(lambda: review_queue(app.library, bundle, index, "dog", 50), runs)
    stats = bundle.reference_stats()
    groups: list = []
    dups = median_ms(lambda: groups.extend(
        duplicates.find_duplicates(app.library, index, dim, stats)), 1)
    pairs = (median_ms(lambda: every_pair(index.current(app.library, dim), stats), 1)
             if len(ids) <= 20_000 else float("nan"))
    app.close()
    return (f"{user:>8.0f}ms {similar:>8.0f}ms {model:>8.0f}ms {first:>8.0f}ms "
            f"{mapped:>10.0f}ms {read:>8.0f}ms {dups:>8.0f}ms {pairs:>10.0f}ms  <= {TARGET_MS} ms "
            f"({len(groups)} duplicate groups)")


def every_pair(stored, stats) -> int:
    """The baseline: every pair's similarity, in blocks; returns the pairs above threshold."""
    z = stats.standardise(stored.matrix).astype(np.float32)
    z /= np.linalg.norm(z, axis=1, keepdims=True)
    found = 0
    for start in range(0, len(z), 4096):
        found += int((z[start:start + 4096] @ z.T >= duplicates.NEAR_SIMILARITY).sum())
    return found


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args(argv)
    bundle = load_bundle(default_bundle_dir())
    source = labelled_embeddings(
        REPO.parent / "shared" / "data" / "photos",
        bundle,
        REPO / ".cache" / "labelled-embeddings.npz",
    ).embeddings
    print(f"{'photos':>8} {'user tag':>10} {'similar':>10} {'model tag':>10} {'first':>10} "
          f"{'first, copy':>12} {'read only':>10} {'duplicates':>10} {'every pair':>12}  "
          "target (warm)")
    for n in args.sizes:
        with tempfile.TemporaryDirectory() as folder:
            build_library(Path(folder), n, source, seed=0)
            print(f"{n:>8} " + measure(Path(folder), bundle, source.shape[1], args.runs))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
