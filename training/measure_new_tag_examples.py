"""How many confirmed examples does a brand-new tag need? A measurement on real photos.

    python -m training.measure_new_tag_examples [--seeds 5] [--data DIR]

For each concept (the 5 MIML scenes and the COCO classes with >= 20 photos) the labelled
photos are split in half: a "library" and an evaluation half. In the library, k photos of the
concept are confirmed under a new tag name; every other library photo is left unlabelled (the
other photos of the concept included, as in a real library). The new tag is trained exactly as
``organizer train`` does (``fit_corrections``) and its AP is measured on the evaluation half.
Prints mean AP per k; ``MIN_CONFIRMED_EXAMPLES`` in training/retrain.py comes from this table.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

import numpy as np
import torch

from organizer.tagging.evaluation import average_precision
from training.backbone import cached_embeddings, load_backbone
from training.build_default_model import base_head, default_data_dir
from training.datasets import read_labelled_set
from training.retrain_fit import L2, TagTask, fit_corrections

KS = (1, 2, 3, 5, 8, 10, 15, 20)
MIN_CONCEPT_PHOTOS = 20


def concepts(labels: list[set[str]]) -> list[str]:
    counts: dict[str, int] = {}
    for image_labels in labels:
        for label in image_labels:
            counts[label] = counts.get(label, 0) + 1
    return sorted(name for name, n in counts.items() if n >= MIN_CONCEPT_PHOTOS)


def new_tag_ap(
    x: np.ndarray, truth: np.ndarray, library: np.ndarray, evaluation: np.ndarray, k: int,
    head, rng: np.random.Generator, l2: float,
) -> float | None:
    candidates = library[truth[library]]
    if len(candidates) < k or truth[evaluation].sum() == 0:
        return None
    confirmed = rng.choice(candidates, k, replace=False)
    rows = np.searchsorted(library, confirmed)
    task = TagTask("new concept", None, rows, np.ones(k, np.float32))
    thresholds = np.full(head.n_tags, 0.5)
    fit = fit_corrections(x[library], head, thresholds, [task], l2=l2,
                          seed=int(rng.integers(1 << 30)))
    column = head.n_tags
    z = x[evaluation] @ fit.head.weight[:, column] + fit.head.bias[column]
    return average_precision(z, truth[evaluation])


def measure(data_dir: Path, seeds: int, l2_values: tuple[float, ...], ks: tuple[int, ...]):
    backbone = load_backbone()
    sets = [read_labelled_set(data_dir / "photos" / name) for name in ("miml-scene-dev",
                                                                        "coco128")]
    cache = Path(os.environ.get("TMPDIR", "/tmp")) / "organizer-emb"
    x = np.concatenate([cached_embeddings(backbone, s.paths, cache) for s in sets])
    labels = [lab for s in sets for lab in s.labels]
    class_map = np.zeros((1000, 1), np.float32)
    head = base_head(backbone, class_map)
    results: dict = {}
    for l2 in l2_values:
        table: dict[str, dict[int, list[float]]] = {}
        for concept in concepts(labels):
            truth = np.array([concept in lab for lab in labels])
            table[concept] = {k: [] for k in ks}
            for seed in range(seeds):
                rng = np.random.default_rng(seed)
                order = rng.permutation(len(x))
                library = np.sort(order[: len(x) // 2])
                evaluation = np.sort(order[len(x) // 2 :])
                for k in ks:
                    ap = new_tag_ap(x, truth, library, evaluation, k, head, rng, l2)
                    if ap is not None:
                        table[concept][k].append(ap)
        results[str(l2)] = table
    return results


def summarise(results: dict, ks: tuple[int, ...]) -> None:
    for l2, table in results.items():
        print(f"\nl2 = {l2}: mean AP on the evaluation half (rows: concept; columns: k)")
        print(f"{'concept':<14}" + "".join(f"{k:>7}" for k in ks))
        means = {k: [] for k in ks}
        for concept, by_k in table.items():
            cells = []
            for k in ks:
                if by_k[k]:
                    value = float(np.mean(by_k[k]))
                    means[k].append(value)
                    cells.append(f"{value:7.3f}")
                else:
                    cells.append(f"{'-':>7}")
            print(f"{concept:<14}" + "".join(cells))
        print(f"{'mean':<14}" + "".join(f"{np.mean(means[k]):7.3f}" for k in ks))
        print(f"{'worst concept':<14}" + "".join(f"{np.min(means[k]):7.3f}" for k in ks))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=default_data_dir())
    parser.add_argument("--seeds", type=int, default=5)
    parser.add_argument("--l2", type=float, nargs="+", default=[L2])
    parser.add_argument("--json", type=Path, help="also write the raw numbers here")
    args = parser.parse_args(argv)
    torch.set_num_threads(os.cpu_count() or 1)
    results = measure(args.data, args.seeds, tuple(args.l2), KS)
    summarise(results, KS)
    if args.json:
        args.json.write_text(json.dumps(results, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
