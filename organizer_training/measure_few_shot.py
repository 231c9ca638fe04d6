"""Leave-concept-out measurement of new tags taught from k confirmed photos (issue #12).

For every tag that one labelled set of ../shared/data/photos labels on at least
``MIN_POSITIVES`` of its photos, that set's photos of it are split in two halves; k photos of the
first half are confirmed under a new name, exactly as ``organizer train`` learns them
(organizer.tagging.few_shot, with the library = every labelled photo), and the new tag is judged
on the photos outside the first half whose sets say whether they show it: AP, and precision /
recall at the chosen threshold. What a set says is what the default model's build learns from
(organizer_training/set_labels.py): its own labels, matched to the vocabulary ("mountains" is
mountain),
and what its subject rules out; a cat photo of a single-label set says nothing about "person"
and is left out of person's measure instead of counting as a false positive.

Invented tags: k photos drawn at random from the whole library, confirmed under a name they
share nothing for; the measure is the share of the library the tag is then shown on (a user's
"camera test" must not take over the library).

The method never reads the model's tags, so no model tag needs removing: what it learns comes
from the confirmed photos alone. Run:

    python -m organizer_training.measure_few_shot [--seeds 3] [--json results.json]
"""

from __future__ import annotations

import argparse
import json
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from organizer.tagging import few_shot
from organizer.tagging.bundle import default_bundle_dir, load_bundle
from organizer.tagging.evaluation import TagLookup, average_precision, match_labels
from organizer_training.datasets import read_labelled_set
from organizer_training.labelled_embeddings import (
    LabelledEmbeddings,
    add_data_arguments,
    labelled_embeddings,
)
from organizer_training.set_labels import ABSENT_UNLESS_LABELLED, assumed_absent, label_matrix
from organizer_training.vocabulary import VOCABULARY

MIN_POSITIVES = 30
KS = (1, 3, 5, 10, 20)
INVENTED_KS = (3, 5, 10)


@dataclass
class SetTruth:
    """What the sets say about each tag on each photo of ``LabelledEmbeddings``' rows."""

    tag_names: list[str]
    labels: np.ndarray  # [N, T] bool: the photo's set labels it with the tag
    known: np.ndarray  # [N, T] bool: the photo's set says whether it shows the tag
    named: dict[str, set[int]]  # per set, the tags its own labels name (not derived ones)


def set_truth(data: LabelledEmbeddings, photos_dir: Path) -> SetTruth:
    tag_names = [spec.name for spec in VOCABULARY]
    tag_index = {name: i for i, name in enumerate(tag_names)}
    lookup = TagLookup.from_tags((spec.name, spec.aliases) for spec in VOCABULARY)
    sets = [read_labelled_set(photos_dir / name) for name in sorted(set(data.sets.tolist()))]
    absent = assumed_absent(sets, tag_index)
    keys = zip(data.sets.tolist(), data.files.tolist(), strict=True)
    row_of = {key: i for i, key in enumerate(keys)}
    labels = np.zeros((len(data.files), len(tag_names)), dtype=bool)
    known = np.zeros_like(labels)
    named = {}
    for photo_set in sets:
        matrix = label_matrix(photo_set, lookup, tag_index, absent[photo_set.name],
                              ABSENT_UNLESS_LABELLED.get(photo_set.name, {}))
        for j, path in enumerate(photo_set.paths):
            i = row_of.get((photo_set.name, path.name))
            if i is not None:
                labels[i] = matrix.labels[j] > 0
                known[i] = matrix.known[j] > 0
        matched, _ = match_labels({x for row in photo_set.labels for x in row}, lookup)
        named[photo_set.name] = {tag_index[tag] for tag in matched.values()}
    return SetTruth(tag_names, labels, known, named)


def concepts(data: LabelledEmbeddings, truth: SetTruth) -> list[tuple[str, int]]:
    """(set, tag column) pairs for the tags a set names on enough of its photos (not the
    parents and indoor/outdoor labels derived from them), with as many known negatives."""
    found = []
    for name in sorted(set(data.sets.tolist())):
        in_set = data.sets == name
        for column in sorted(truth.named[name]):
            count = int((truth.labels[in_set, column]).sum())
            negatives = int((truth.known[:, column] & ~truth.labels[:, column]).sum())
            if count >= MIN_POSITIVES and negatives >= count:
                found.append((name, column))
    return found


def judged(tag: few_shot.CentroidTag, x: np.ndarray, positive: np.ndarray) -> dict:
    scores = tag.scores(x)
    shown = tag.shown(x)
    tp = int((shown & positive).sum())
    return {
        "AP": average_precision(scores, positive),
        "precision": tp / shown.sum() if shown.sum() else float("nan"),
        "recall": tp / positive.sum(),
        "shown_share": float(shown.mean()),
        "true_share": float(positive.mean()),
    }


def measure(data: LabelledEmbeddings, truth: SetTruth, seeds: int) -> list[dict]:
    stats = few_shot.EmbeddingStats.of(data.embeddings)
    results = []
    for set_name, column in concepts(data, truth):
        own = np.flatnonzero((data.sets == set_name) & truth.labels[:, column])
        for seed in range(seeds):
            order = np.random.default_rng(seed).permutation(own)
            teach = order[: len(order) // 2]
            judge = truth.known[:, column].copy()
            judge[teach] = False
            for k in KS:
                if k > len(teach):
                    continue
                tag = few_shot.centroid_tag(stats, data.embeddings[teach[:k]], data.embeddings)
                results.append({"set": set_name, "label": truth.tag_names[column],
                                "seed": seed, "k": k,
                                **judged(tag, data.embeddings[judge],
                                         truth.labels[judge, column])})
    return results


def measure_invented(data: LabelledEmbeddings, seeds: int) -> list[dict]:
    """Share of the library shown a tag confirmed on k photos drawn at random."""
    stats = few_shot.EmbeddingStats.of(data.embeddings)
    results = []
    for seed in range(seeds * 10):
        rng = np.random.default_rng(1000 + seed)
        for k in INVENTED_KS:
            picked = rng.choice(len(data.embeddings), k, replace=False)
            tag = few_shot.centroid_tag(stats, data.embeddings[picked], data.embeddings)
            rest = np.setdiff1d(np.arange(len(data.embeddings)), picked)
            shown = tag.shown(data.embeddings[rest])
            results.append({"seed": seed, "k": k, "shown_share": float(shown.mean())})
    return results


def summarise(results: list[dict], invented: list[dict]) -> str:
    lines = [f"{'k':>3} {'concepts':>8} {'mean AP':>8} {'precision':>9} {'recall':>7} "
             f"{'shown':>6} {'none shown':>10}"]
    for k in KS:
        rows = [r for r in results if r["k"] == k]
        if not rows:
            continue
        precision = [r["precision"] for r in rows if not np.isnan(r["precision"])]
        empty = len(rows) - len(precision)
        mean_precision = f"{np.mean(precision):>9.3f}" if precision else f"{'-':>9}"
        lines.append(
            f"{k:>3} {len({(r['set'], r['label']) for r in rows}):>8} "
            f"{np.mean([r['AP'] for r in rows]):>8.3f} {mean_precision} "
            f"{np.mean([r['recall'] for r in rows]):>7.3f} "
            f"{np.mean([r['shown_share'] for r in rows]):>6.3f} {empty:>10}"
        )
    lines.append("")
    lines.append("invented tags (k random photos): share of the library shown the tag")
    lines.append(f"{'k':>3} {'tries':>5} {'mean':>6} {'max':>6} {'none shown':>10}")
    for k in INVENTED_KS:
        shares = np.array([r["shown_share"] for r in invented if r["k"] == k])
        lines.append(f"{k:>3} {len(shares):>5} {shares.mean():>6.3f} {shares.max():>6.3f} "
                     f"{int((shares == 0).sum()):>10}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    add_data_arguments(parser)
    parser.add_argument("--seeds", type=int, default=3)
    parser.add_argument("--json", type=Path, help="write every measurement here")
    args = parser.parse_args(argv)
    data = labelled_embeddings(args.photos, load_bundle(default_bundle_dir()), args.cache)
    truth = set_truth(data, args.photos)
    results = measure(data, truth, args.seeds)
    invented = measure_invented(data, args.seeds)
    print(summarise(results, invented))
    if args.json:
        args.json.write_text(json.dumps({"concepts": results, "invented": invented}, indent=1))


if __name__ == "__main__":
    main()
