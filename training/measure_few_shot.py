"""Leave-concept-out measurement of new tags taught from k confirmed photos (issue #12).

For every concept with at least ``MIN_POSITIVES`` photos in one labelled set of
../shared/data/photos, its photos in that set are split in two halves; k photos of the first
half are confirmed, exactly as ``organizer train`` would learn them (organizer.tagging.few_shot,
with the library = every labelled photo), and the new tag is judged on every photo except the
first half: AP, and precision / recall at the chosen threshold. A photo counts as a positive if
any set labels it with the concept; partially labelled sets make the measured precision
conservative (a dog photo with a person in it counts as a false "person").

The method never reads the model's tags, so no model tag needs removing: what it learns comes
from the confirmed photos alone. Run:

    python -m training.measure_few_shot [--seeds 3] [--json results.json]
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import numpy as np

from organizer.tagging import few_shot
from organizer.tagging.bundle import default_bundle_dir, load_bundle
from organizer.tagging.evaluation import average_precision
from training.labelled_embeddings import LabelledEmbeddings, labelled_embeddings

MIN_POSITIVES = 30
KS = (1, 3, 5, 10, 20)
REPO = Path(__file__).resolve().parent.parent


def concepts(data: LabelledEmbeddings) -> list[tuple[str, str]]:
    """(set, label) pairs with enough photos in the set, and photos outside the label."""
    found = []
    for name in sorted(set(data.sets.tolist())):
        in_set = data.sets == name
        labels = sorted({label for row, keep in zip(data.labels, in_set, strict=True)
                         if keep for label in row})
        for label in labels:
            count = len(data.positives(label, name))
            if count >= MIN_POSITIVES and count < len(data.labels) // 2:
                found.append((name, label))
    return found


def measure(data: LabelledEmbeddings, seeds: int) -> list[dict]:
    stats = few_shot.EmbeddingStats.of(data.embeddings)
    results = []
    for set_name, label in concepts(data):
        truth = np.array([label in row for row in data.labels])
        own = data.positives(label, set_name)
        for seed in range(seeds):
            rng = np.random.default_rng(seed)
            order = rng.permutation(own)
            teach, _ = order[: len(order) // 2], order[len(order) // 2 :]
            universe = np.setdiff1d(np.arange(len(truth)), teach)
            for k in KS:
                if k > len(teach):
                    continue
                confirmed = data.embeddings[teach[:k]]
                tag = few_shot.centroid_tag(stats, confirmed, data.embeddings)
                scores = tag.scores(data.embeddings[universe])
                positive = truth[universe]
                shown = scores >= tag.threshold
                tp = int((shown & positive).sum())
                results.append({
                    "set": set_name, "label": label, "seed": seed, "k": k,
                    "AP": average_precision(scores, positive),
                    "precision": tp / shown.sum() if shown.sum() else float("nan"),
                    "recall": tp / positive.sum(),
                    "shown_share": float(shown.mean()),
                    "true_share": float(positive.mean()),
                })
    return results


def summarise(results: list[dict]) -> str:
    lines = [f"{'k':>3} {'concepts':>8} {'mean AP':>8} {'precision':>9} {'recall':>7} "
             f"{'shown':>6} {'none shown':>10}"]
    for k in KS:
        rows = [r for r in results if r["k"] == k]
        if not rows:
            continue
        precision = [r["precision"] for r in rows if not np.isnan(r["precision"])]
        empty = sum(1 for r in rows if np.isnan(r["precision"]))
        lines.append(
            f"{k:>3} {len({(r['set'], r['label']) for r in rows}):>8} "
            f"{np.mean([r['AP'] for r in rows]):>8.3f} {np.mean(precision):>9.3f} "
            f"{np.mean([r['recall'] for r in rows]):>7.3f} "
            f"{np.mean([r['shown_share'] for r in rows]):>6.3f} {empty:>10}"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--photos", type=Path, default=REPO.parent / "shared" / "data" / "photos")
    parser.add_argument("--cache", type=Path, default=REPO / ".cache" / "labelled-embeddings.npz")
    parser.add_argument("--seeds", type=int, default=3)
    parser.add_argument("--json", type=Path, help="write every measurement here")
    args = parser.parse_args(argv)
    data = labelled_embeddings(args.photos, load_bundle(default_bundle_dir()), args.cache)
    results = measure(data, args.seeds)
    print(summarise(results))
    if args.json:
        args.json.write_text(json.dumps(results, indent=1))


if __name__ == "__main__":
    main()
