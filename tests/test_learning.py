"""Learning what the model does not know, as a user teaches it (issue #12): a new concept from
10 photos, an invented tag that must not take over, and a gate that refuses a damaging model.

Real photos (houses-rooms bathrooms, taught as the user's own tag "loo": a new tag is learnt
from the stored embeddings alone, and the backbone that makes them never saw these labels; the
shipped bundle's heads did learn a "bathroom" tag, which these tests do not use), the shipped
model, a real library, ``organizer train`` as the user runs it.
"""

from __future__ import annotations

import csv
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from organizer.app import open_app
from organizer.tagging.evaluation import average_precision
from organizer.tagging.model_gate import compare_on_library
from organizer.tagging.rescore import HEAD_FILE, HeadArrays
from tests.helpers import REPO_ROOT, run_cli

# ``organizer`` as installed by the README's quick start: no PyTorch (``import torch`` fails).
WITHOUT_TORCH = """
import sys
sys.modules["torch"] = None
from organizer.cli import main
sys.exit(main(sys.argv[1:]))
"""


def run_cli_without_torch(*args: str | Path, library: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(REPO_ROOT)}
    return subprocess.run(
        [sys.executable, "-c", WITHOUT_TORCH, "--library", str(library), *map(str, args)],
        capture_output=True,
        text=True,
        timeout=600,
        env=env,
        cwd=REPO_ROOT,
    )


CONCEPT = "bathroom"
PER_CLASS = 30
TAUGHT = 10
# Chance is the concept's share of the held-out photos (~0.22). The leave-concept-out
# measurement (docs/retraining.md) gives bathroom AP 0.83 from 10 photos in a 7,000-photo mixed
# library; this library is smaller and its other rooms are the hardest negatives there are.
AP_FLOOR = 0.7


@pytest.fixture(scope="module")
def rooms(shared_data: Path, tmp_path_factory: pytest.TempPathFactory) -> dict:
    root = tmp_path_factory.mktemp("learning")
    source = shared_data / "photos" / "houses-rooms"
    with open(source / "labels.csv", newline="") as handle:
        labels = {row["file"]: set(row["labels"].split(";")) for row in csv.DictReader(handle)}
    kinds = ("bathroom", "bedroom", "kitchen", "house")
    chosen = {
        kind: sorted(f for f, ls in labels.items() if kind in ls)[:PER_CLASS] for kind in kinds
    }
    folder = root / "photos"
    folder.mkdir()
    for names in chosen.values():
        for name in names:
            shutil.copyfile(source / "images" / name, folder / name)
    coco = sorted((shared_data / "photos" / "coco128" / "images").glob("*.jpg"))[:PER_CLASS]
    for photo in coco:
        shutil.copyfile(photo, folder / photo.name)
    receipt = shared_data / "photos" / "receipts-sroie" / "images" / "train_000.jpg"
    shutil.copyfile(receipt, folder / receipt.name)
    library = root / "library"
    assert run_cli("config", "use_gpu", "0", library=library).returncode == 0
    added = run_cli("add", folder, library=library)
    assert added.returncode == 0, added.stderr
    return {"library": library, "folder": folder, "chosen": chosen, "coco": [p.name for p in coco],
            "receipt": receipt.name}


def _scores(library: Path, tag: str) -> dict[str, float]:
    """The new tag's score on every photo, from the active head and the stored embeddings."""
    app = open_app(library)
    try:
        bundle = app.active_bundle()
        head = HeadArrays.load(bundle.directory / HEAD_FILE)
        column = bundle.tag_names.index(tag)
        ids = app.library.photo_ids_with_embedding(head.weight.shape[0])
        found, x = app.library.embeddings(ids, head.weight.shape[0])
        probabilities = head.probabilities(x)[:, column]
        return {
            Path(app.library.photo_path(pid)).name: float(p)
            for pid, p in zip(found, probabilities, strict=True)
        }
    finally:
        app.close()


def test_more_like_these_from_the_first_confirmed_photo(rooms) -> None:
    library, folder = rooms["library"], rooms["folder"]
    first = rooms["chosen"][CONCEPT][-1]
    assert run_cli("tag", folder / first, "--add", "loo", library=library).returncode == 0
    queue = run_cli("suggest", "loo", "--limit", "10", "--json", library=library)
    assert queue.returncode == 0, queue.stderr
    names = [Path(p["path"]).name for p in json.loads(queue.stdout)["photos"]]
    assert len(names) == 10 and first not in names
    hits = sum(name in rooms["chosen"][CONCEPT] for name in names)
    assert hits >= 7, names  # a quarter of the library is bathrooms: chance gives 2 or 3
    unknown = run_cli("suggest", "unicorn", library=library)
    assert unknown.returncode == 1 and "no tag named 'unicorn'" in unknown.stderr


def test_a_model_tag_it_never_suggests_still_has_a_review_queue(rooms) -> None:
    """chair has no validated threshold (the model card says why): nothing is suggested, but
    "more like these" ranks every photo by the model's score so the user can confirm some."""
    library = rooms["library"]
    bundle = json.loads((REPO_ROOT / "models" / "default" / "bundle.json").read_text())
    assert next(t for t in bundle["tags"] if t["name"] == "chair")["threshold"] is None
    assert run_cli("search", "chair", library=library).stdout.strip() == ""
    queue = run_cli("suggest", "chair", "--limit", "5", "--json", library=library)
    assert queue.returncode == 0, queue.stderr
    scores = [p["score"] for p in json.loads(queue.stdout)["photos"]]
    assert len(scores) == 5 and scores == sorted(scores, reverse=True)


def test_a_new_concept_taught_from_ten_photos(rooms) -> None:
    library, folder = rooms["library"], rooms["folder"]
    taught = rooms["chosen"][CONCEPT][:TAUGHT]
    tagged = run_cli("tag", *(folder / n for n in taught), "--add", "wc", library=library)
    assert tagged.returncode == 0, tagged.stderr
    trained = run_cli_without_torch("train", "--json", library=library)
    assert trained.returncode == 0, trained.stderr
    summary = json.loads(trained.stdout.strip().splitlines()[-1])
    assert summary["new_tags"] == ["wc"] and summary["activated"], summary["decision"]
    assert summary["gate"]["passed"]

    scores = _scores(library, "wc")
    held_out = [name for name in scores if name not in taught]
    truth = np.array([name in rooms["chosen"][CONCEPT] for name in held_out])
    values = np.array([scores[name] for name in held_out])
    ap = average_precision(values, truth)
    assert ap >= AP_FLOOR, ap
    shown = values >= 0.5  # new tags are shown at probability 0.5 (few_shot.head_column)
    precision = (shown & truth).sum() / max(shown.sum(), 1)
    assert shown.sum() >= 3 and precision >= 0.8, (shown.sum(), precision)


def test_an_invented_tag_on_unrelated_photos_does_not_take_over(rooms) -> None:
    library, folder = rooms["library"], rooms["folder"]
    # One photo of each kind the library holds: they have nothing in common.
    unrelated = [rooms["chosen"]["kitchen"][0], rooms["chosen"]["bedroom"][0],
                 rooms["chosen"]["house"][1], rooms["coco"][2], rooms["receipt"]]
    tagged = run_cli(
        "tag", *(folder / n for n in unrelated), "--add", "camera test", library=library
    )
    assert tagged.returncode == 0, tagged.stderr
    trained = run_cli("train", library=library)
    assert trained.returncode == 0, trained.stderr
    # Five photos with nothing in common make no concept: the tag is learnt, not suggested.
    assert "camera test: its confirmed photos have little in common" in trained.stdout
    found = run_cli("search", '"camera test"', "--json", library=library)
    paths = {Path(p).name for p in json.loads(found.stdout)["paths"]}
    assert paths == set(unrelated)  # was 99.2% of a library (issue #12)
    # "wc", a user tag since the first retraining, is learnt again as one: centroid column,
    # shown at 0.5, not refitted as a classifier (that moved it to 0.10 and onto 13%).
    app = open_app(library)
    try:
        (wc,) = [t for t in app.active_bundle().tags if t.name == "wc"]
        assert wc.user and wc.threshold == 0.5
    finally:
        app.close()
    # Its review queue still ranks the other photos by likeness to the five.
    queue = run_cli("suggest", "camera test", "--limit", "5", "--json", library=library)
    assert queue.returncode == 0, queue.stderr
    assert len(json.loads(queue.stdout)["photos"]) == 5


def test_the_retrain_dialog_says_why_an_invented_tag_is_not_suggested(qtbot, rooms) -> None:
    """Model → Retrain on the same library (after the test above confirmed "camera test")."""
    from organizer.ui.retrain_dialog import RetrainDialog

    dialog = RetrainDialog(rooms["library"], extra_arguments=["--candidate"])
    qtbot.addWidget(dialog)
    with qtbot.waitSignal(dialog.finished_training, timeout=180_000) as blocker:
        dialog.start()
    result = blocker.args[0]
    assert result["unsuggested_new_tags"] == ["camera test"]
    assert "“camera test”: its confirmed photos have little in common" in dialog.decision.text()


def test_the_gate_refuses_a_model_that_wrecks_a_tag_nobody_corrected(rooms) -> None:
    app = open_app(rooms["library"])
    try:
        bundle = app.active_bundle()
        head = HeadArrays.load(bundle.directory / HEAD_FILE)
        names = bundle.tag_names
        ids, x = app.library.embeddings(
            app.library.photo_ids_with_embedding(head.weight.shape[0]), head.weight.shape[0]
        )
        suggested = head.probabilities(x) >= bundle.thresholds
        shown = suggested.sum(axis=0)
        victim = int(np.argmax(shown))  # the tag suggested most often here (indoor, say)
        damaged = HeadArrays(**{**vars(head), "bias": head.bias.copy()})
        damaged.bias[victim] -= 20.0
        same = compare_on_library(
            app.library, head, bundle.thresholds, head, bundle.thresholds, names, {}
        )
        assert same.passed and same.changes == []
        report = compare_on_library(
            app.library, head, bundle.thresholds, damaged, bundle.thresholds, names, {}
        )
        assert not report.passed
        (change,) = report.changes
        assert change.tag == names[victim] and change.disappeared == shown[victim] > 5
        assert f"{shown[victim]} → 0 suggestions on photos you didn't correct" in change.problem
        assert len(change.lost) == min(6, shown[victim])
        # The same loss, where the user rejected the tag on half of those photos, is what the
        # corrections explain: it passes.
        showing = [pid for pid, row in zip(ids, suggested, strict=True) if row[victim]]
        rejected = set(showing[: len(showing) // 2])
        explained = compare_on_library(
            app.library,
            head,
            bundle.thresholds,
            damaged,
            bundle.thresholds,
            names,
            {names[victim]: (set(), rejected)},
        )
        (change,) = explained.changes
        assert change.disappeared == len(showing) - len(rejected)
        assert change.problem is None and explained.passed
    finally:
        app.close()


def test_a_user_tag_with_too_few_confirmations_left_waits_and_training_runs(rooms) -> None:
    """The user takes back most of "wc" (rejects it on 6 of its 10 photos): no centroid can be
    learnt from 4; training still runs and says the tag waits for more."""
    library, folder = rooms["library"], rooms["folder"]
    taken_back = rooms["chosen"][CONCEPT][:6]
    assert run_cli("tag", *(folder / n for n in taken_back), "--remove", "wc",
                   library=library).returncode == 0
    trained = run_cli("train", "--json", "--candidate", library=library)
    assert trained.returncode == 0, trained.stderr
    summary = json.loads(trained.stdout.strip().splitlines()[-1])
    assert summary["waiting_for_examples"]["wc"] == 4
    assert "wc" not in [t["tag"] for t in summary["per_tag"]]
