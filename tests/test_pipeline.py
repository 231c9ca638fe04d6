"""Indexing and tagging real photos end to end: a real SQLite file and the real ONNX model."""

from __future__ import annotations

import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from organizer.app import open_app
from organizer.ingest.files import is_photo_name
from tests.helpers import REPO_ROOT, coco_labels, copy_photos

COCO_SAMPLE = 40


@pytest.fixture
def coco_dir(shared_data: Path) -> Path:
    return shared_data / "photos" / "coco128" / "images"


@pytest.fixture
def app(tmp_path: Path):
    app = open_app(tmp_path / "library")
    yield app
    app.close()


def test_add_tags_photos_and_search_finds_them(app, coco_dir, shared_data, tmp_path) -> None:
    names = sorted(coco_labels(shared_data))[:COCO_SAMPLE]
    photos = copy_photos(coco_dir, tmp_path / "photos", names)
    report = app.pipeline().add_folders([tmp_path / "photos"])
    assert report.new == len(photos) and report.tagged == len(photos) and not report.failed
    labels = coco_labels(shared_data)
    person_photos = {str(p) for p in photos if "person" in labels[p.name]}
    found = set(app.library.photo_paths(app.library.search("person")))
    # Search returns exactly the photos whose stored tags say "person"...
    stored = {
        str(p)
        for p in photos
        if "person" in {t.tag for t in app.library.photo_tags(app.library.photo_by_path(p).id)}
    }
    assert found == stored
    # ...and the shipped model, though not perfect, finds most people and mostly people.
    assert len(found & person_photos) >= 0.7 * len(person_photos)
    assert len(found & person_photos) >= 0.5 * len(found)
    row = app.library.photo_by_path(photos[0])
    assert row.tagged_model == app.engine.bundle.version
    assert app.library.embedding(row.id).shape == (1704,)


def test_rescan_detects_new_changed_moved_and_deleted(app, coco_dir, shared_data, tmp_path):
    names = sorted(coco_labels(shared_data))[:6]
    photos = copy_photos(coco_dir, tmp_path / "photos", names)
    pipeline = app.pipeline()
    pipeline.add_folders([tmp_path / "photos"])
    moved_id = app.library.photo_by_path(photos[0]).id
    app.library.set_user_tag([moved_id], "grandma", "confirmed")

    (tmp_path / "photos" / "sub").mkdir()
    moved_to = tmp_path / "photos" / "sub" / "renamed.jpg"
    photos[0].rename(moved_to)
    photos[1].unlink()
    shutil.copy(coco_dir / names[3], photos[2])  # replaced in place by other content
    shutil.copy(coco_dir / names[4], tmp_path / "photos" / "copy.jpg")  # duplicate content
    copy_photos(coco_dir, tmp_path / "photos", [sorted(coco_labels(shared_data))[10]])

    report = pipeline.scan()
    assert (report.moved, report.deleted, report.changed, report.new) == (1, 1, 1, 2)
    assert report.copied == 1
    assert report.tagged == 2  # the changed file and the genuinely new one, not the duplicate
    moved = app.library.photo_by_path(moved_to)
    assert moved.id == moved_id
    assert "grandma" in {t.tag for t in app.library.photo_tags(moved_id)}
    assert app.library.photo_by_path(photos[1]) is None
    assert app.library.photo_count() == 7  # 6 - 1 deleted + 1 duplicate + 1 new


def test_every_malformed_file_is_indexed_or_skipped_with_a_reason(app, shared_data, tmp_path):
    corpus = tmp_path / "corpus"
    shutil.copytree(shared_data / "metadata", corpus)
    report = app.pipeline().add_folders([corpus])
    candidates = {
        str(path) for path in corpus.rglob("*") if path.is_file() and is_photo_name(path.name)
    }
    failed = {path for path, _ in report.failed}
    indexed = {
        row[0]
        for row in app.library.connection.execute(
            "SELECT path FROM photos WHERE tagged_model IS NOT NULL"
        )
    }
    assert candidates == failed | indexed
    assert not failed & indexed
    assert all(reason and "\n" not in reason for _, reason in report.failed)
    assert report.tagged > 50
    # Lying extensions are read by content: the exif-py .jpg that is really HEIC is tagged.
    heic_as_jpg = [p for p in indexed if "heic" in p.lower()]
    assert heic_as_jpg


def test_interrupted_add_resumes_without_redoing_work(shared_data, tmp_path) -> None:
    source = shared_data / "photos" / "miml-scene-dev" / "images"
    names = sorted(os.listdir(source))[:240]
    copy_photos(source, tmp_path / "photos", names)
    library = tmp_path / "library"
    command = [sys.executable, "-m", "organizer", "--library", str(library), "add"]
    env = {**os.environ, "PYTHONPATH": str(REPO_ROOT)}
    process = subprocess.Popen([*command, str(tmp_path / "photos")], env=env, cwd=REPO_ROOT)
    database = library / "library.sqlite"
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and process.poll() is None:
        if database.exists() and _tagged_count(database) >= 64:
            break
        time.sleep(0.05)
    process.send_signal(signal.SIGKILL)
    process.wait()
    tagged_before = _tagged_count(database)
    assert 0 < tagged_before < len(names), "the kill should land mid-run"

    resumed = subprocess.run(
        [*command, str(tmp_path / "photos")],
        env=env,
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert resumed.returncode == 0, resumed.stderr
    connection = sqlite3.connect(database)
    rows = connection.execute("SELECT path, tagged_model FROM photos").fetchall()
    assert sorted(Path(p).name for p, _ in rows) == names
    assert all(model is not None for _, model in rows)
    tagged_now = int(resumed.stdout.split(" tagged")[0].rsplit(" ", 1)[-1])
    assert tagged_now == len(names) - tagged_before


def _tagged_count(database: Path) -> int:
    try:
        connection = sqlite3.connect(f"file:{database}?mode=ro", uri=True, timeout=1)
        try:
            return connection.execute(
                "SELECT COUNT(*) FROM photos WHERE tagged_model IS NOT NULL"
            ).fetchone()[0]
        finally:
            connection.close()
    except sqlite3.Error:
        return 0


def test_the_engine_batches_as_suits_the_provider_that_runs(app) -> None:
    """Two CPU streams of 32-image batches held 680 MB of activations; on the CPU the engine
    uses 8 unless told otherwise (bench/RESULTS.md, 2026-12-01)."""
    from organizer.tagging.engine import CPU_BATCH_SIZE, CPU_PROVIDER, TaggingEngine

    app.set_use_gpu(False)
    engine = app.engine
    assert engine.provider == CPU_PROVIDER
    assert engine.batch_size == CPU_BATCH_SIZE
    assert TaggingEngine(engine.bundle, use_gpu=False, batch_size=3).batch_size == 3


def test_a_folder_found_empty_keeps_its_photos(app, coco_dir, shared_data, tmp_path) -> None:
    """A drive's mount folder left empty (the drive not mounted) looks like every photo
    deleted at once: the scan removes none, corrections included, and says why."""
    from organizer.ingest.pipeline import MIN_REMOVALS_TO_DOUBT

    folder = tmp_path / "drive"
    names = sorted(coco_labels(shared_data))[:MIN_REMOVALS_TO_DOUBT]
    photos = copy_photos(coco_dir, folder, names)
    pipeline = app.pipeline()
    pipeline.add_folders([folder])
    app.library.set_user_tag([app.library.photo_by_path(photos[0]).id], "grandma", "confirmed")
    unplugged = tmp_path / "unplugged"
    folder.rename(unplugged)
    folder.mkdir()

    report = pipeline.scan()
    assert report.deleted == 0
    assert any("none was removed" in line for line in report.skipped), report.skipped
    assert app.library.photo_count() == len(photos)
    assert len(app.library.search("grandma")) == 1

    folder.rmdir()
    unplugged.rename(folder)  # plugged in again: all there, nothing to redo
    report = pipeline.scan()
    assert (report.unchanged, report.new, report.tagged) == (len(photos), 0, 0)
    assert len(app.library.search("grandma")) == 1
    # Fewer photos, or not all of them gone: removed as usual.
    photos[1].unlink()
    assert pipeline.scan().deleted == 1


@pytest.mark.parametrize(
    ("name", "is_photo"),
    [
        ("a.jpg", True), ("IMG_1.JPG", True), ("x.jpeg", True), ("a.b.c.png", True),
        ("a..jpg", True), (".a.jpg", True), ("é.JPEG", True),
        (".jpg", False), ("..jpg", False), ("a", False), ("a.", False), ("x.tar.gz", False),
        ("a.jpg.tmp", False), ("._a.jpg", False), (".~a.jpg", False), (".", False),
    ],
)
def test_photo_names_by_their_extension(name: str, is_photo: bool) -> None:
    """As os.path.splitext reads a bare name: a leading dot is no extension."""
    assert is_photo_name(name) is is_photo
