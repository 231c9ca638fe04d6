"""The backbone as a measured choice (issue #11): EfficientNet-Lite0 and -Lite2, each in float32
and in int8, measured on the same photos, the same folds and the same protocols.

For every candidate this writes a model bundle (the backbone with the untrained ImageNet head of
the default vocabulary) under ``--out``, embeds every labelled photo of ../shared/data/photos
with it through the app's own engine, and measures what the embedding offers the two ways the
app learns:

- **trained heads**: a ridge probe (standardised columns, 5 folds fixed by a seed, the same for
  every candidate) per label of the MIML scenes, the COCO classes, and the single-label sets
  merged into one (a label's negatives are the photos of the other sets and of its own set's
  other labels). Mean AP per group. It is a cheap stand-in for the default build's logistic
  heads, which take minutes per candidate; the chosen backbone's build then gives the real
  cross-validated figures in its model card.
- **new tags from a few photos**: the leave-concept-out measure of
  ``organizer_training.measure_few_shot``
  at k = 5 and 10 (mean AP, precision at the chosen threshold).

int8 models are quantised by ONNX Runtime (static, QDQ, per-channel weights), calibrated on 256
labelled photos drawn with a fixed seed. Speed is measured by the tagging benchmark on the same
bundles in one run: ``python -m bench.bench_tagging --bundle OUT/*`` (printed at the end).

    python -m organizer_training.compare_backbones [--candidates lite0 lite0-int8 lite2 lite2-int8]
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import random
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import onnxruntime as ort
from onnxruntime.quantization import CalibrationDataReader, QuantFormat, QuantType, quantize_static
from onnxruntime.quantization.shape_inference import quant_pre_process

from organizer.tagging.bundle import InputSpec, load_bundle
from organizer.tagging.evaluation import average_precision
from organizer.tagging.preprocess import load_model_input
from organizer_training.backbone import BACKBONES, MEAN, STD, Backbone, load_backbone
from organizer_training.build_default_model import REPO_ROOT, base_head
from organizer_training.datasets import default_data_dir
from organizer_training.export import export_onnx
from organizer_training.labelled_embeddings import (
    LabelledEmbeddings,
    labelled_embeddings,
    read_sets,
)
from organizer_training.measure_few_shot import measure, set_truth
from organizer_training.vocabulary import VOCABULARY, class_to_tag_matrix, read_imagenet_classes
from organizer_training.wordnet import DEFAULT_WORDNET_DIR, WordNet

CANDIDATES = ("lite0", "lite0-int8", "lite2", "lite2-int8")
CALIBRATION_PHOTOS = 256
FOLDS = 5
SEED = 20240601
PROBE_MIN_POSITIVES = 5
FEW_SHOT_KS = (5, 10)
GROUPS = {
    "MIML scenes": lambda name: name.startswith("miml"),
    "COCO classes": lambda name: name.startswith("coco"),
    "single-label sets merged": lambda name: not name.startswith(("miml", "coco")),
}


def _backbone(candidate: str) -> tuple[Backbone, bool]:
    key, _, precision = candidate.partition("-")
    return BACKBONES[key], precision == "int8"


def write_bundle(candidate: str, out: Path, data_dir: Path) -> Path:
    """The candidate's bundle directory (made once): backbone + the untrained ImageNet head."""
    directory = out / candidate
    if (directory / "bundle.json").is_file():
        return directory
    spec, int8 = _backbone(candidate)
    directory.mkdir(parents=True, exist_ok=True)
    network = load_backbone(spec)
    classes = read_imagenet_classes(data_dir / "imagenet" / "classes.csv")
    head = base_head(network, class_to_tag_matrix(VOCABULARY, classes,
                                                  WordNet(DEFAULT_WORDNET_DIR)))
    head.save(directory / "head.npz")
    float_model = directory / ("float.onnx" if int8 else "model.onnx")
    export_onnx(network, head, float_model)
    manifest = {
        "format": 1,
        "version": f"backbone-{candidate}",
        "created": dt.date.today().isoformat(),
        "model_file": "model.onnx",
        "input": {"name": "image", "size": spec.input_size,
                  "resize_shorter": spec.resize_shorter, "resample": "bicubic", "mean": MEAN,
                  "std": STD, "color": "RGB", "layout": "NCHW"},
        "outputs": {"probabilities": "probabilities", "embedding": "embedding"},
        "tags": [{"name": s.name, "display": {"en": s.en, "zh_CN": s.zh},
                  "aliases": list(s.aliases), "parent": s.parent, "threshold": None}
                 for s in VOCABULARY],
    }
    if int8:
        quantise(float_model, directory / "model.onnx",
                 InputSpec(size=spec.input_size, resize_shorter=spec.resize_shorter), data_dir)
        float_model.unlink()
    # Last: a directory with bundle.json is complete, and reused as it is by the next run.
    (directory / "bundle.json").write_text(json.dumps(manifest, indent=1), encoding="utf-8")
    return directory


class _Calibration(CalibrationDataReader):
    def __init__(self, paths: list[Path], spec: InputSpec) -> None:
        self._batches = self._read(paths, spec)

    @staticmethod
    def _read(paths: list[Path], spec: InputSpec) -> Iterator[dict[str, np.ndarray]]:
        for path in paths:
            pixels, _ = load_model_input(path, spec)
            yield {spec.name: pixels[None]}

    def get_next(self) -> dict[str, np.ndarray] | None:
        return next(self._batches, None)


def quantise(source: Path, target: Path, spec: InputSpec, data_dir: Path) -> None:
    entries = read_sets(data_dir / "photos")
    paths = [path for _, path, _ in random.Random(SEED).sample(entries, CALIBRATION_PHOTOS)]
    prepared = target.with_name("prepared.onnx")
    quant_pre_process(str(source), str(prepared))
    quantize_static(str(prepared), str(target), _Calibration(paths, spec),
                    quant_format=QuantFormat.QDQ, per_channel=True,
                    activation_type=QuantType.QUInt8, weight_type=QuantType.QInt8)
    prepared.unlink()
    ort.InferenceSession(str(target), providers=["CPUExecutionProvider"])  # loads, or raises


def probe_map(data: LabelledEmbeddings, rows: np.ndarray) -> tuple[float, int]:
    """Mean AP of per-label ridge classifiers over ``rows``, cross-validated on fixed folds."""
    x = data.embeddings[rows].astype(np.float64)
    names = sorted({label for r in rows for label in data.labels[r]})
    y = np.array([[label in data.labels[r] for label in names] for r in rows], dtype=np.float64)
    y = y[:, y.sum(axis=0) >= PROBE_MIN_POSITIVES]
    fold = np.random.default_rng(SEED).integers(0, FOLDS, len(rows))
    scores = np.zeros_like(y)
    for k in range(FOLDS):
        train, test = fold != k, fold == k
        mean, scale = x[train].mean(axis=0), x[train].std(axis=0) + 1e-6
        a, b = (x[train] - mean) / scale, (x[test] - mean) / scale
        gram = a.T @ a + a.shape[1] * np.eye(a.shape[1])
        scores[test] = b @ np.linalg.solve(gram, a.T @ (2 * y[train] - 1))
    aps = [average_precision(scores[:, j], y[:, j] > 0) for j in range(y.shape[1])]
    return float(np.mean(aps)), len(aps)


def measure_candidate(data: LabelledEmbeddings, photos_dir: Path) -> dict:
    result: dict = {"photos": len(data.embeddings), "embedding_dim": data.embeddings.shape[1]}
    for group, member in GROUPS.items():
        rows = np.flatnonzero([member(name) for name in data.sets])
        result[group], result[f"{group} labels"] = probe_map(data, rows)
    few = measure(data, set_truth(data, photos_dir), seeds=3)
    for k in FEW_SHOT_KS:
        at_k = [r for r in few if r["k"] == k]
        result[f"new tag AP k={k}"] = float(np.mean([r["AP"] for r in at_k]))
        result[f"new tag precision k={k}"] = float(np.nanmean([r["precision"] for r in at_k]))
    return result


def table(results: dict[str, dict]) -> str:
    columns = [*GROUPS, *(f"new tag AP k={k}" for k in FEW_SHOT_KS),
               *(f"new tag precision k={k}" for k in FEW_SHOT_KS)]
    lines = ["| candidate | embedding | " + " | ".join(columns) + " |",
             "|---" * (len(columns) + 2) + "|"]
    for candidate, r in results.items():
        cells = [f"{r[c]:.3f}" for c in columns]
        lines.append(f"| {candidate} | {r['embedding_dim']} | " + " | ".join(cells) + " |")
    first = next(iter(results.values()))
    lines.append("")
    lines.append("Ridge probes over " + ", ".join(f"{first[f'{g} labels']} {g}" for g in GROUPS)
                 + f"; new tags: leave-concept-out, 3 seeds, {first['photos']} photos.")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--candidates", nargs="+", choices=CANDIDATES, default=list(CANDIDATES))
    parser.add_argument("--data", type=Path, default=default_data_dir())
    parser.add_argument("--out", type=Path, default=REPO_ROOT / ".cache" / "backbones")
    parser.add_argument("--json", type=Path, help="write the figures here")
    args = parser.parse_args(argv)
    results = {}
    for candidate in args.candidates:
        directory = write_bundle(candidate, args.out, args.data)
        data = labelled_embeddings(args.data / "photos", load_bundle(directory),
                                   directory / "labelled-embeddings.npz")
        results[candidate] = measure_candidate(data, args.data / "photos")
        print(candidate, json.dumps(results[candidate]), flush=True)
    print(table(results))
    if args.json:
        args.json.write_text(json.dumps(results, indent=1), encoding="utf-8")
    bundles = " ".join(str(args.out / c) for c in args.candidates)
    print(f"\nspeed, same files, one run: python -m bench.bench_tagging --bundle {bundles}")


if __name__ == "__main__":
    main()
