"""``organizer train``: learn from the user's corrections, export, check, activate if not worse.

    library (stored embeddings + corrections) -> which tags to refit -> fit with K-fold
    validation (organizer_training/retrain_fit.py) -> export ONNX and check it
    (retrain_export.py) ->
    save a new version under <library>/models -> activate it only if no tag got worse on the
    held-out corrections -> re-score the library's suggestions from the stored embeddings.

Progress and results are reported as events (dicts): ``stage``, ``plan``, ``epoch``,
``result``. ``organizer train --progress-json`` prints them as JSON lines for the desktop app.
Nothing touches the active model before the final, atomic activation: cancelling or killing a
run at any earlier point leaves the library exactly as it was.
"""

from __future__ import annotations

import datetime as dt
import json
import shutil
import threading
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np

from organizer.errors import OrganizerError
from organizer.library.store import Library
from organizer.tagging.bundle import EMBEDDING_STATS_FILE, ModelBundle
from organizer.tagging.model_gate import GateReport, compare_on_library
from organizer.tagging.registry import ModelRegistry, file_digest
from organizer.tagging.rescore import HEAD_FILE, HeadArrays, rescore_library
from organizer_training.head_params import HeadParameters
from organizer_training.new_tags import add_new_tags
from organizer_training.retrain_export import export_bundle_model
from organizer_training.retrain_fit import fit_corrections
from organizer_training.retrain_results import EPOCHS, FOLDS, L2, Cancelled, FitResult, TagTask

# A user's own tag becomes a model tag once it has this many confirmed photos. Measured with
# ``python -m organizer_training.measure_few_shot`` (59 concepts of the labelled sets,
# leave-concept-out,
# docs/retraining.md): at the shipped threshold, precision is 0.71 from 3 examples, 0.80 from 5,
# 0.84 from 10; mean AP 0.67 / 0.70 / 0.73. From 1 example there is no threshold to choose.
MIN_CONFIRMED_EXAMPLES = 5
# Uncorrected photos only anchor the refitted tags to their current behaviour; beyond this many
# (a random sample) they add time but no information a 1705-parameter model can use.
MAX_ANCHOR_PHOTOS = 20_000
SEED = 20240607

Emit = Callable[[dict], None]


class NothingToLearn(OrganizerError):
    """No corrections (or no photo with an embedding) to train from.

    ``waiting`` holds the new tags that have corrections but too few confirmed photos yet
    (with how many they have), so a caller can word the reason in its own language.
    """

    def __init__(
        self, message: str, waiting: dict[str, int] | None = None, min_examples: int = 0
    ) -> None:
        super().__init__(message)
        self.waiting = dict(waiting or {})
        self.min_examples = min_examples


@dataclass
class LibraryData:
    photo_ids: np.ndarray  # [N]
    embeddings: np.ndarray  # [N, D] float32
    corrections: dict[str, tuple[np.ndarray, np.ndarray]]  # tag -> (rows, labels)
    total_photos: int  # photos with an embedding in the library (before sampling)


@dataclass
class RetrainOptions:
    activate: bool = True  # activate when not worse; False: always keep as a candidate
    epochs: int = EPOCHS
    folds: int = FOLDS
    l2: float = L2
    max_anchor_photos: int = MAX_ANCHOR_PHOTOS
    min_examples: int = MIN_CONFIRMED_EXAMPLES
    seed: int = SEED


# -- reading the library --------------------------------------------------------------------


def read_corrections(library: Library, embedding_dim: int) -> list[tuple[int, str, float]]:
    """(photo id, tag name, 1 confirmed / 0 rejected) for tags a person decided on: the
    user's, and keywords found in files (they count as confirmed). Only photos whose stored
    embedding has the active model's size count: a photo embedded by an older backbone waits
    for its re-tag."""
    return [
        (pid, name, 1.0 if state == "confirmed" else 0.0)
        for pid, name, state in library.corrections(embedding_dim)
    ]


def read_library(
    library: Library, max_anchor_photos: int, seed: int, embedding_dim: int
) -> LibraryData:
    corrections = read_corrections(library, embedding_dim)
    if not corrections:
        raise NothingToLearn(
            "there are no corrections to learn from yet: confirm or reject some tags first "
            "(organizer tag FILE --add TAG / --remove TAG); photos tagged by an older model "
            "count once the next scan has re-tagged them"
        )
    all_ids = np.array(library.photo_ids_with_embedding(embedding_dim), dtype=np.int64)
    corrected_ids = np.unique([c[0] for c in corrections])
    others = np.setdiff1d(all_ids, corrected_ids)
    if len(others) > max_anchor_photos:
        others = np.random.default_rng(seed).choice(others, max_anchor_photos, replace=False)
    ids = np.sort(np.concatenate([corrected_ids, others]))
    found, embeddings = library.embeddings(ids.tolist(), embedding_dim)
    ids = np.array(found, dtype=np.int64)
    row_of = {int(pid): row for row, pid in enumerate(ids)}
    by_tag: dict[str, tuple[list[int], list[float]]] = {}
    for pid, name, label in corrections:
        if pid not in row_of:
            continue  # removed or re-queued for tagging while we read
        rows, labels = by_tag.setdefault(name, ([], []))
        rows.append(row_of[pid])
        labels.append(label)
    return LibraryData(
        photo_ids=ids,
        embeddings=embeddings,
        corrections={k: (np.array(r), np.array(v, np.float32)) for k, (r, v) in by_tag.items()},
        total_photos=len(all_ids),
    )


def photo_paths(library: Library, ids: np.ndarray, limit: int = 32) -> list[Path]:
    return [Path(p) for p in library.photo_paths([int(i) for i in ids[:limit]])]


# -- what to learn ----------------------------------------------------------------------------


def plan_tasks(
    bundle: ModelBundle, data: LibraryData, min_examples: int
) -> tuple[list[TagTask], dict[str, int]]:
    """Tags to refit (model tags with corrections; user tags with enough confirmed photos)
    and the user tags still waiting for examples (name -> confirmed so far)."""
    column = {name.lower(): i for i, name in enumerate(bundle.tag_names)}
    tasks: list[TagTask] = []
    waiting: dict[str, int] = {}
    for name in sorted(data.corrections, key=str.lower):
        rows, labels = data.corrections[name]
        index = column.get(name.lower())
        user = index is not None and bundle.tags[index].user
        if (index is None or user) and labels.sum() < min_examples:
            waiting[name] = int(labels.sum())  # a user tag below it keeps its column as is
            continue
        tasks.append(TagTask(name if index is None else bundle.tag_names[index], index, rows,
                             labels, user=user))
    return tasks, waiting


# -- the run ----------------------------------------------------------------------------------


def retrain(
    library: Library,
    library_dir: Path,
    options: RetrainOptions | None = None,
    emit: Emit | None = None,
    cancelled: threading.Event | None = None,
) -> dict:
    """One training run; returns the summary (also emitted as the ``result`` event)."""
    options = options or RetrainOptions()
    emit = emit or (lambda event: None)
    started = time.monotonic()
    timings: dict[str, float] = {}
    registry = ModelRegistry(Path(library_dir) / "models", library)
    parent_name = registry.active_name()
    parent = registry.load(parent_name)
    head = HeadParameters.load(parent.directory / HEAD_FILE)

    emit({"event": "stage", "stage": "reading corrections", "done": 0, "total": 1})
    data = read_library(library, options.max_anchor_photos, options.seed,
                        head.weight.shape[0])
    tasks, waiting = plan_tasks(parent, data, options.min_examples)
    timings["read"] = time.monotonic() - started
    emit({"event": "plan", "parent": parent_name, "photos": data.total_photos,
          "training_photos": len(data.photo_ids), "tags": [t.name for t in tasks],
          "new_tags": [t.name for t in tasks if t.index is None],
          "waiting_for_examples": waiting, "min_examples": options.min_examples})
    if not tasks:
        raise NothingToLearn(
            _waiting_message(waiting, options.min_examples), waiting, options.min_examples
        )

    mark = time.monotonic()
    fit = fit_tasks(data, head, parent.thresholds, tasks, options, emit, cancelled)
    timings["fit"] = time.monotonic() - mark
    if cancelled is not None and cancelled.is_set():
        raise Cancelled

    mark = time.monotonic()
    gate = compare_on_library(
        library, HeadArrays(**vars(head)), parent.thresholds, HeadArrays(**vars(fit.head)),
        fit.thresholds, [*parent.tag_names, *(t.name for t in tasks if t.index is None)],
        _corrected_photos(data), _stage_emitter(emit), parent.exclusive_pairs,
    )
    timings["gate"] = time.monotonic() - mark

    mark = time.monotonic()
    emit({"event": "stage", "stage": "exporting and checking", "done": 0, "total": 1})
    name = registry.next_version_name()
    activate = options.activate and fit.not_worse and gate.passed
    with registry.staging() as staging:
        check = export_bundle_model(
            parent, fit.head, staging / "model.onnx", data.embeddings[:512],
            photo_paths(library, data.photo_ids),
        )
        fit.head.save(staging / HEAD_FILE)
        if (parent.directory / EMBEDDING_STATS_FILE).is_file():  # the backbone's, unchanged
            shutil.copyfile(parent.directory / EMBEDDING_STATS_FILE,
                            staging / EMBEDDING_STATS_FILE)
        summary = _summary(name, parent_name, parent, fit, data, tasks, waiting, activate,
                           options, check, gate)
        _write_manifest(staging, parent, fit, name, summary)
        if cancelled is not None and cancelled.is_set():
            raise Cancelled
        registry.publish(staging, name)
    timings["export"] = time.monotonic() - mark

    if activate:
        mark = time.monotonic()
        bundle = registry.activate(name)
        # Past this point the new model is live; stopping half-way would only leave stale
        # suggestions behind, so the re-scoring is not cancellable (a kill is still safe:
        # 'organizer models use VERSION' or the next scan finishes it).
        emit({"event": "activated", "version": name})
        rescore_library(library, bundle, _stage_emitter(emit))
        timings["rescore"] = time.monotonic() - mark
    summary["seconds"] = {k: round(v, 2) for k, v in timings.items()}
    summary["seconds"]["total"] = round(time.monotonic() - started, 2)
    emit({"event": "result", **summary})
    return summary


def fit_tasks(
    data: LibraryData,
    head: HeadParameters,
    thresholds: np.ndarray,
    tasks: list[TagTask],
    options: RetrainOptions,
    emit: Emit,
    cancelled: threading.Event | None = None,
) -> FitResult:
    """The new head: corrected model tags refitted (retrain_fit.py), the user's new tags
    appended as nearest-centroid columns (new_tags.py)."""
    model_tasks = [t for t in tasks if not t.centroid]
    fit = FitResult(head, thresholds.astype(np.float64), [])
    if model_tasks:
        emit({"event": "stage", "stage": "training", "done": 0, "total": options.epochs})
        fit = fit_corrections(
            data.embeddings, head, fit.thresholds, model_tasks,
            n_folds=options.folds, l2=options.l2, epochs=options.epochs, seed=options.seed,
            min_confirmed=options.min_examples,
            on_epoch=lambda m: emit({"event": "epoch", "epochs": options.epochs, **asdict(m)}),
            cancelled=(lambda: cancelled.is_set()) if cancelled is not None else None,
        )
    return add_new_tags(fit, data.embeddings, [t for t in tasks if t.centroid])


def _stage_emitter(emit: Emit) -> Callable[[str, int, int], None]:
    return lambda stage, done, total: emit(
        {"event": "stage", "stage": stage, "done": done, "total": total}
    )


def _waiting_message(waiting: dict[str, int], min_examples: int) -> str:
    if not waiting:
        return "no corrections of any tag to learn from"
    detail = ", ".join(f"{name!r} has {n}" for name, n in sorted(waiting.items()))
    return (f"nothing to train yet: a new tag needs {min_examples} confirmed photos "
            f"({detail})")


def _corrected_photos(data: LibraryData) -> dict[str, tuple[set[int], set[int]]]:
    """Tag -> (photo ids confirmed, photo ids rejected)."""
    found = {}
    for name, (rows, labels) in data.corrections.items():
        ids = data.photo_ids[rows]
        found[name] = ({int(i) for i in ids[labels == 1]}, {int(i) for i in ids[labels == 0]})
    return found


def _summary(
    name: str, parent_name: str, parent: ModelBundle, fit: FitResult, data: LibraryData,
    tasks: list[TagTask], waiting: dict[str, int], activated: bool, options: RetrainOptions,
    check: dict, gate: GateReport,
) -> dict:
    worse = [r.tag for r in fit.reports if not r.not_worse]
    # "outcome" says which decision it was, for the app to word in its language; "decision"
    # words it in English for the command line.
    if activated:
        outcome = "activated"
        decision = ("activated: no tag got worse on the held-out corrections, and no "
                    f"suggestion changed beyond what the corrections explain on the "
                    f"{gate.photos} photos")
    elif gate.problems:
        outcome = "changes elsewhere"
        decision = ("kept as a candidate: " + "; ".join(gate.problems)
                    + f" (activate anyway with 'organizer models use {name}')")
    elif worse:
        outcome = "worse on corrections"
        decision = ("kept as a candidate: worse on the held-out corrections of "
                    + ", ".join(worse) + f" (activate anyway with 'organizer models use {name}')")
    else:
        outcome = "candidate as asked"
        decision = f"kept as a candidate as asked (activate with 'organizer models use {name}')"
    return {
        "version": name,
        "parent": parent_name,
        "parent_bundle_version": parent.version,
        "activated": activated,
        "outcome": outcome,
        "worse_tags": worse,
        "decision": decision,
        "new_tags": [t.name for t in tasks if t.index is None],
        "retrained_tags": [t.name for t in tasks if t.index is not None],
        "waiting_for_examples": waiting,
        "min_confirmed_examples": options.min_examples,
        # New tags whose confirmed photos have little in common: never suggested on their own.
        "unsuggested_new_tags": [r.tag for r in fit.reports
                                 if r.new and r.threshold_after is None],
        "photos": data.total_photos,
        "training_photos": int(len(data.photo_ids)),
        "corrections": int(sum(len(r) for r, _ in data.corrections.values())),
        "per_tag": [_rounded(asdict(r)) for r in fit.reports],
        "gate": {"photos": gate.photos, "passed": gate.passed,
                 "changes": [asdict(c) for c in gate.changes]},
        "history": [_rounded(asdict(m)) for m in fit.history],
        "settings": {"folds": options.folds, "l2": options.l2, "epochs": options.epochs,
                     "seed": options.seed, "max_anchor_photos": options.max_anchor_photos},
        "export_check": check,
    }


def _rounded(values: dict) -> dict:
    return {k: round(v, 4) if isinstance(v, float) else v for k, v in values.items()}


def _write_manifest(
    staging: Path, parent: ModelBundle, fit: FitResult, name: str, summary: dict
) -> None:
    manifest = json.loads(json.dumps(parent.metadata))  # a deep copy
    manifest.pop("metrics", None)  # the parent's validation numbers don't describe this model
    tags = list(manifest["tags"])
    for tag in summary["new_tags"]:
        tags.append({"name": tag, "display": {"en": tag}, "aliases": [], "parent": None,
                     "threshold": 0.5, "source": "user"})
    for entry, threshold in zip(tags, fit.thresholds, strict=True):
        entry["threshold"] = round(float(threshold), 4) if np.isfinite(threshold) else None
    manifest.update({
        "version": name,
        "created": dt.datetime.now().isoformat(timespec="seconds"),
        "model_file": "model.onnx",
        "tags": tags,
        "threshold_rule": "retrained tags: weighted-F1 optimum on held-out (K-fold) scores; "
                          "new tags: nearest-centroid score, 0.5 at the 70th percentile of the "
                          "examples' leave-one-out scores, shown on at most 25% of the library, "
                          "not suggested if a typical example stands out from less than 80% of "
                          "it; "
                          "other tags: unchanged from the parent model",
        "training": summary,
        "files": {f: file_digest(staging / f)
                  for f in ("model.onnx", HEAD_FILE, EMBEDDING_STATS_FILE)
                  if (staging / f).is_file()},
    })
    (staging / "bundle.json").write_text(
        json.dumps(manifest, indent=2, ensure_ascii=False) + "\n", encoding="utf-8"
    )
