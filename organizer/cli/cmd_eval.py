"""``organizer eval DATASET_DIR``: the active model's quality on a labelled photo folder."""

from __future__ import annotations

import argparse
import csv
import sys
import threading
from pathlib import Path

import numpy as np

from organizer.app import App
from organizer.cli.progress import TerminalProgress
from organizer.errors import OrganizerError
from organizer.tagging.evaluation import TagLookup, evaluate
from organizer.text import printable


def register(commands: argparse._SubParsersAction) -> None:
    parser = commands.add_parser(
        "eval", help="evaluate the active model on DATASET_DIR/images + labels.csv"
    )
    parser.add_argument("dataset", type=Path, metavar="DATASET_DIR")
    parser.add_argument("--json", action="store_true", help="machine-readable output")
    parser.set_defaults(run=run_eval)


def read_labels(dataset: Path) -> dict[str, set[str]]:
    """``labels.csv`` with header ``file,labels``; labels joined by ``;``, empty = none."""
    labels_file = dataset / "labels.csv"
    if not (dataset / "images").is_dir() or not labels_file.is_file():
        raise OrganizerError(f"{dataset} must contain images/ and labels.csv")
    try:
        with open(labels_file, newline="", encoding="utf-8-sig") as handle:
            reader = csv.DictReader(handle)
            if not reader.fieldnames or not {"file", "labels"} <= set(reader.fieldnames):
                raise OrganizerError(f"{labels_file} needs the header 'file,labels'")
            return {
                row["file"]: {
                    label.strip() for label in (row["labels"] or "").split(";") if label.strip()
                }
                for row in reader
            }
    except (OSError, UnicodeDecodeError, csv.Error) as error:
        raise OrganizerError(f"cannot read {labels_file}: {error}") from error


def run_eval(app: App, args: argparse.Namespace) -> int:
    labels = read_labels(args.dataset)
    if not labels:
        raise OrganizerError(f"{args.dataset / 'labels.csv'} lists no images")
    engine = app.engine
    paths = [args.dataset / "images" / name for name in labels]
    progress = TerminalProgress()
    rows: dict[str, np.ndarray] = {}
    failed: list[tuple[Path, str]] = []
    for done, result in enumerate(engine.tag_files(paths, threading.Event()), start=1):
        if result.error is not None:
            failed.append((result.path, result.error))
        else:
            # TaggingEngine gives every result without an error its scores.
            assert result.probabilities is not None
            rows[result.path.name] = result.probabilities
        progress("evaluating", done, len(paths))
    progress.close()
    for path, reason in failed:
        print(f"skipped {printable(path)}: {printable(reason)}", file=sys.stderr)
    if not rows:
        raise OrganizerError("no image of the dataset could be read")
    names = list(rows)
    bundle = engine.bundle
    probabilities = np.stack([rows[name] for name in names])
    report = evaluate(
        probabilities,
        bundle.tag_names,
        bundle.thresholds,
        [labels[name] for name in names],
        TagLookup.from_tags((tag.name, tag.aliases) for tag in bundle.tags),
        suggested=bundle.suggested(probabilities),
    )
    report.extra["model"] = bundle.version
    report.extra["skipped"] = len(failed)
    trained_on = bundle.metadata.get("provenance", {}).get("training_sets", [])
    report.extra["model_trained_on_a_set_of_this_name"] = args.dataset.resolve().name in trained_on
    if report.extra["model_trained_on_a_set_of_this_name"]:
        print(f"note: {bundle.version} was trained on a photo set named "
              f"{args.dataset.resolve().name!r}; if this is that set, these figures are "
              "optimistic (the model card has cross-validated ones)", file=sys.stderr)
    if args.json:
        print(report.to_json())
    else:
        print(_table(report, {tag.name for tag in bundle.tags if not tag.suggested}))
    return 0


def _table(report, not_suggested: set[str]) -> str:
    """What the user sees per tag: precision, recall and F1 of the suggestions at the
    shipped thresholds, next to AP (the ranking quality, threshold-free)."""
    lines = [f"{'label':<20} {'tag':<16} {'AP':>6} {'prec.':>6} {'recall':>6} {'F1':>6} "
             f"{'positives':>9}"]
    for label, row in sorted(report.per_label.items(), key=lambda item: -item[1]["positives"]):
        ap = "-" if np.isnan(row["AP"]) else f"{row['AP']:.3f}"
        shown = (f"{row['precision']:>6.3f} {row['recall']:>6.3f} {row['f1']:>6.3f}"
                 if row["tag"] not in not_suggested else f"{'not suggested':>20}")
        lines.append(f"{label:<20} {row['tag']:<16} {ap:>6} {shown} {row['positives']:>9}")
    lines.append(
        f"mAP {report.mean_average_precision:.4f} over "
        f"{sum(1 for r in report.per_label.values() if not np.isnan(r['AP']))} tags; "
        f"at the shipped thresholds: micro-precision {report.micro_precision:.4f}, "
        f"micro-recall {report.micro_recall:.4f}, micro-F1 {report.micro_f1:.4f}, "
        f"macro-F1 {report.macro_f1:.4f}; {report.images} images"
    )
    if not_suggested & {row["tag"] for row in report.per_label.values()}:
        lines.append("not suggested: the model has no validated threshold for the tag; it "
                     "never suggests it on its own (its AP still counts)")
    if report.unmatched:
        lines.append(f"labels matching no tag: {', '.join(report.unmatched)}")
    return "\n".join(lines)
