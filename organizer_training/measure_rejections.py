"""What rejecting a tag's systematic mistakes does to the tag elsewhere (issue #12, item 2).

The library is every labelled photo of ../shared/data/photos, as the shipped model embeds and
suggests them. A systematic mistake is a shipped tag suggested on photos of one set whose labels
say it is absent there (flower on grocery shelves, person on pets): at least ``2 * k`` such
false positives. Half of them, picked at random, are "like the rejected ones"; k photos of the
other half are rejected, and the model is retrained exactly as ``organizer train`` does
(plan_tasks, fit_tasks: the refit of the tag from its corrections, anchored on the library).
Then, on photos nobody touched, at the shipped and the retrained thresholds:

- how many of the held-back false positives still show the tag (the mistake should go), and
- the tag's recall on the photos whose sets label it (the tag should stay): the target is a
  drop of at most 5 points.

    python -m organizer_training.measure_rejections [--ks 3 8] [--max-mistakes 12] [--json out.json]
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import numpy as np

from organizer.tagging.bundle import default_bundle_dir, load_bundle, suggested_mask
from organizer.tagging.rescore import HEAD_FILE, HeadArrays
from organizer_training.head_params import HeadParameters
from organizer_training.labelled_embeddings import add_data_arguments, labelled_embeddings
from organizer_training.measure_few_shot import SetTruth, set_truth
from organizer_training.retrain import LibraryData, RetrainOptions, fit_tasks, plan_tasks


def mistakes(
    sets: np.ndarray, truth: SetTruth, shown: np.ndarray, columns: dict[str, int], k: int
) -> list[tuple[str, str, np.ndarray]]:
    """(tag, set, rows) of every tag's false positives in one set, at least ``2 k`` of them,
    most first."""
    found = []
    for tag, column in columns.items():
        wrong = shown[:, column] & truth.known[:, truth.tag_names.index(tag)] \
            & ~truth.labels[:, truth.tag_names.index(tag)]
        for name in sorted(set(sets.tolist())):
            rows = np.flatnonzero(wrong & (sets == name))
            if len(rows) >= 2 * k:
                found.append((tag, name, rows))
    return sorted(found, key=lambda m: -len(m[2]))


def measure(photos: Path, cache: Path, ks: list[int], max_mistakes: int, seed: int) -> list[dict]:
    bundle = load_bundle(default_bundle_dir())
    data = labelled_embeddings(photos, bundle, cache)
    truth = set_truth(data, photos)
    head = HeadParameters.load(bundle.directory / HEAD_FILE)
    x = data.embeddings
    before = suggested_mask(HeadArrays(**vars(head)).probabilities(x), bundle.thresholds,
                            bundle.exclusive_pairs)
    columns = {t.name: i for i, t in enumerate(bundle.tags)
               if t.suggested and t.name in truth.tag_names}
    results = []
    for k in ks:
        for tag, set_name, rows in mistakes(data.sets, truth, before, columns, k)[:max_mistakes]:
            order = np.random.default_rng(seed).permutation(rows)
            rejected, like_them = order[:k], order[len(order) // 2:]
            library = LibraryData(
                photo_ids=np.arange(len(x)), embeddings=x,
                corrections={tag: (rejected, np.zeros(k, np.float32))}, total_photos=len(x))
            tasks, _ = plan_tasks(bundle, library, RetrainOptions().min_examples)
            fit = fit_tasks(library, head, bundle.thresholds, tasks, RetrainOptions(),
                            lambda event: None)
            after = suggested_mask(HeadArrays(**vars(fit.head)).probabilities(x),
                                   fit.thresholds, bundle.exclusive_pairs)
            column, label = columns[tag], truth.tag_names.index(tag)
            untouched = np.ones(len(x), bool)
            untouched[rejected] = False
            positives = untouched & truth.known[:, label] & truth.labels[:, label]
            known = untouched & truth.known[:, label]

            results.append({"tag": tag, "set": set_name, "k": k, "mistakes": len(rows),
                            "like_rejected": len(like_them), "positives": int(positives.sum()),
                            "threshold_before": float(bundle.thresholds[column]),
                            "threshold_after": float(fit.thresholds[column]),
                            "before": _rates(before[:, column], positives, known, like_them),
                            "after": _rates(after[:, column], positives, known, like_them)})
    return results


def _rates(shown: np.ndarray, positives: np.ndarray, known: np.ndarray,
           like_rejected: np.ndarray) -> dict:
    right = int((shown & positives).sum())
    return {
        "like_rejected_shown": int(shown[like_rejected].sum()),
        "recall": right / max(int(positives.sum()), 1),
        "precision": right / max(int((shown & known).sum()), 1),
        "shown_where_known": int((shown & known).sum()),
    }


def summarise(results: list[dict]) -> str:
    lines = [f"{'tag':<14} {'set':<18} {'k':>2} {'like rejected shown':>19} "
             f"{'recall':>13} {'precision':>13} {'threshold':>12}"]
    for r in results:
        b, a = r["before"], r["after"]
        lines.append(
            f"{r['tag']:<14} {r['set']:<18} {r['k']:>2} "
            f"{b['like_rejected_shown']:>8} -> {a['like_rejected_shown']:<7} "
            f"{b['recall']:.3f} -> {a['recall']:.3f} {b['precision']:.3f} -> {a['precision']:.3f} "
            f"{r['threshold_before']:.2f} -> {r['threshold_after']:.2f}")
    for k in sorted({r["k"] for r in results}):
        rows = [r for r in results if r["k"] == k]
        drops = [100 * (r["before"]["recall"] - r["after"]["recall"]) for r in rows]
        gone = [1 - r["after"]["like_rejected_shown"] / max(r["before"]["like_rejected_shown"], 1)
                for r in rows]
        lines.append(
            f"k = {k}: {len(rows)} mistakes; held-back false positives removed "
            f"{100 * np.mean(gone):.0f}% on average; recall drop {np.mean(drops):.1f} points "
            f"on average, {np.max(drops):.1f} at most; {sum(d <= 5 for d in drops)} of "
            f"{len(rows)} within 5 points")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    add_data_arguments(parser)
    parser.add_argument("--ks", type=int, nargs="+", default=[3, 8])
    parser.add_argument("--max-mistakes", type=int, default=12)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--json", type=Path)
    args = parser.parse_args(argv)
    results = measure(args.photos, args.cache, args.ks, args.max_mistakes, args.seed)
    print(summarise(results))
    if args.json:
        args.json.write_text(json.dumps(results, indent=1))


if __name__ == "__main__":
    main()
