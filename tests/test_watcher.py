"""The folder watcher on real file operations: real photos, inotify, SQLite and the ONNX model.

Every wait polls the index with a deadline; nothing asserts how long anything took.
"""

from __future__ import annotations

import errno
import json
import os
import shutil
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from PIL import Image

from organizer.app import App, open_app
from organizer.ingest.changes import PendingChanges
from organizer.ingest.files import content_hash
from organizer.ingest.watcher import FolderWatcher, WatchBatch
from tests.helpers import REPO_ROOT, copy_photos, run_cli, wait_for

SETTLE_S = 0.3


@pytest.fixture
def coco_dir(shared_data: Path) -> Path:
    return shared_data / "photos" / "coco128" / "images"


@pytest.fixture
def names(coco_dir: Path) -> list[str]:
    return sorted(p.name for p in coco_dir.glob("*.jpg"))


@pytest.fixture
def photos_dir(tmp_path: Path) -> Path:
    folder = tmp_path / "photos"
    folder.mkdir()
    return folder


@pytest.fixture
def app(tmp_path: Path, photos_dir: Path) -> Iterator[App]:
    app = open_app(tmp_path / "library")
    app.library.add_folder(photos_dir)
    yield app
    app.close()


@pytest.fixture
def reader(app: App) -> Iterator[App]:
    """A second connection, as another process (or the UI thread) would read the index."""
    other = open_app(app.library_dir)
    yield other
    other.close()


@contextmanager
def watching(app: App, **options) -> Iterator[tuple[FolderWatcher, list[WatchBatch]]]:
    watcher = FolderWatcher(app.pipeline(), settle_s=SETTLE_S, **options)
    batches: list[WatchBatch] = []
    watcher.add_listener(batches.append)
    watcher.start()
    try:
        yield watcher, batches
    finally:
        watcher.stop()
    assert not watcher.running


def holds_for(condition: Callable[[], object], seconds: float) -> bool:
    """``condition`` stays true for ``seconds`` (checked every 50 ms)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if not condition():
            return False
        time.sleep(0.05)
    return True


def tagged(reader: App, path: Path) -> bool:
    row = reader.library.photo_by_path(path)
    return row is not None and row.tagged_model is not None


def model_version(app: App) -> str:
    return app.engine.bundle.version


# -- settling rules, on a clock we control -----------------------------------------------------


class FakeClock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_written_file_waits_for_close_then_settle(tmp_path: Path) -> None:
    clock = FakeClock()
    pending = PendingChanges(closes_reported=True, settle_s=1.0, stall_s=30.0, clock=clock)
    path = tmp_path / "a.jpg"
    path.write_bytes(b"partial")
    pending.note_written(str(path))
    clock.now += 10
    assert not pending.take_batch(), "a file still open for writing must not be taken"
    pending.note_closed(str(path))
    clock.now += 0.5
    assert not pending.take_batch(), "taken before the settle delay"
    clock.now += 0.6
    assert pending.take_batch().files == [str(path)]


def test_storm_beyond_memory_budget_folds_into_folders(tmp_path: Path) -> None:
    clock = FakeClock()
    pending = PendingChanges(closes_reported=True, settle_s=1.0, max_paths=10, clock=clock)
    for i in range(1000):
        pending.note_closed(str(tmp_path / "storm" / f"{i}.jpg"))
    assert len(pending) == 11  # ten files and their folder, not a thousand entries
    assert pending.overflowed == 990
    clock.now += 2
    batch = pending.take_batch()
    assert len(batch.files) == 10 and batch.trees == [str(tmp_path / "storm")]


def test_removals_wait_for_the_files_they_may_have_moved_to(tmp_path: Path) -> None:
    clock = FakeClock()
    pending = PendingChanges(closes_reported=True, settle_s=1.0, batch_paths=2, clock=clock)
    for i in range(3):
        (tmp_path / f"{i}.jpg").write_bytes(b"x")
        pending.note_closed(str(tmp_path / f"{i}.jpg"))
    pending.note_removed(str(tmp_path / "old.jpg"))
    clock.now += 2
    first = pending.take_batch()
    assert len(first.files) == 2 and not first.removed_files
    second = pending.take_batch()
    assert len(second.files) == 1 and second.removed_files == [str(tmp_path / "old.jpg")]
    assert pending._files == {}  # noqa: SLF001 - nothing left behind


# -- real files, real inotify ------------------------------------------------------------------


def test_start_reconciles_changes_made_while_not_watching(app, reader, coco_dir, names, photos_dir):
    photos = copy_photos(coco_dir, photos_dir, names[:3])
    with watching(app) as (_, batches):
        wait_for(lambda: all(tagged(reader, p) for p in photos), "the start-up scan")
    assert batches[0].rescanned == (photos_dir.resolve(),)


def test_slow_copy_is_tagged_only_once_complete(app, reader, coco_dir, names, photos_dir):
    source = (coco_dir / names[0]).read_bytes()
    target = photos_dir / "slow.jpg"
    with watching(app) as (_, batches):
        wait_for(lambda: batches, "the start-up scan")
        half = len(source) // 2
        with open(target, "wb") as handle:
            for start in range(0, half, 4096):
                handle.write(source[start : min(start + 4096, half)])
                handle.flush()
                time.sleep(0.01)
            # Half written and quiet for many settle delays: still not a photo to index.
            assert holds_for(lambda: reader.library.photo_by_path(target) is None, 8 * SETTLE_S)
            handle.write(source[half:])
        wait_for(lambda: tagged(reader, target), "the completed copy to be tagged")
    row = reader.library.photo_by_path(target)
    assert row.content_hash == content_hash(target) and row.size == len(source)


def test_renamed_and_moved_folder_keeps_tags_and_corrections(
    app, reader, coco_dir, names, photos_dir
):
    album = photos_dir / "album"
    photos = copy_photos(coco_dir, album, names[:4])
    with watching(app):
        wait_for(lambda: all(tagged(reader, p) for p in photos), "the album to be tagged")
        ids = {p.name: reader.library.photo_by_path(p).id for p in photos}
        first = ids[photos[0].name]
        model_tags = reader.library.photo_tags(first)
        rejected = model_tags[0].tag if model_tags else None
        app_corrections(reader, first, rejected)
        before = {t.tag: (t.source, t.state) for t in reader.library.photo_tags(first)}

        renamed = photos_dir / "holiday"
        album.rename(renamed)
        (photos_dir / "archive").mkdir()
        moved = photos_dir / "archive" / "holiday 2024"
        renamed.rename(moved)

        def all_moved() -> bool:
            rows = [reader.library.photo_by_path(moved / name) for name in ids]
            return all(row is not None for row in rows)

        wait_for(all_moved, "the rows to follow the folder")
    for name, photo_id in ids.items():
        assert reader.library.photo_by_path(moved / name).id == photo_id
    assert reader.library.photo_count() == len(photos)
    after = {t.tag: (t.source, t.state) for t in reader.library.photo_tags(first)}
    assert after == before
    assert after["grandma"] == ("user", "confirmed")
    if rejected:
        assert after[rejected] == ("user", "rejected")


def app_corrections(app: App, photo_id: int, rejected: str | None) -> None:
    app.library.set_user_tag([photo_id], "grandma", "confirmed")
    if rejected:
        app.library.set_user_tag([photo_id], rejected, "rejected")


def test_deleted_files_and_folders_leave_the_index(app, reader, coco_dir, names, photos_dir):
    loose = copy_photos(coco_dir, photos_dir, names[:2])
    nested = copy_photos(coco_dir, photos_dir / "trip" / "day1", names[2:5])
    with watching(app):
        wait_for(lambda: reader.library.photo_count() == 5, "five rows")
        loose[0].unlink()
        shutil.rmtree(photos_dir / "trip")
        wait_for(lambda: reader.library.photo_count() == 1, "the deleted rows to go")
    assert reader.library.photo_by_path(loose[1]) is not None
    assert all(reader.library.photo_by_path(p) is None for p in nested)


def test_folder_moved_out_and_back_in(app, reader, coco_dir, names, photos_dir, tmp_path):
    photos = copy_photos(coco_dir, photos_dir / "event", names[:3])
    outside = tmp_path / "elsewhere"
    with watching(app):
        wait_for(lambda: reader.library.photo_count() == 3, "three rows")
        (photos_dir / "event").rename(outside)
        wait_for(lambda: reader.library.photo_count() == 0, "the moved-out tree to leave")
        outside.rename(photos_dir / "back")
        back = [photos_dir / "back" / p.name for p in photos]
        wait_for(lambda: all(tagged(reader, p) for p in back), "the moved-in tree to be tagged")


def test_a_copy_becomes_a_duplicate_sharing_tags(app, reader, coco_dir, names, photos_dir):
    (original,) = copy_photos(coco_dir, photos_dir, names[:1])
    with watching(app) as (_, batches):
        wait_for(lambda: tagged(reader, original), "the original to be tagged")
        reader.library.set_user_tag(
            [reader.library.photo_by_path(original).id], "grandma", "confirmed"
        )
        duplicate = photos_dir / "copy of it.jpg"
        shutil.copy2(original, duplicate)
        wait_for(lambda: tagged(reader, duplicate), "the duplicate to be indexed")
    first, second = (reader.library.photo_by_path(p) for p in (original, duplicate))
    assert first.id != second.id and first.content_hash == second.content_hash
    tags = {t.tag: (t.source, t.state) for t in reader.library.photo_tags(second.id)}
    assert tags["grandma"] == ("user", "confirmed")
    assert sum(b.report.copied for b in batches) == 1


def test_five_hundred_files_at_once_are_batched(app, reader, coco_dir, names, photos_dir, tmp_path):
    staging = tmp_path / "staging"
    small = _small_distinct_photos(coco_dir, names, staging, 500)
    with watching(app) as (_, batches):
        wait_for(lambda: batches, "the start-up scan")  # an empty folder still reports once
        for photo in small:
            shutil.copy(photo, photos_dir / photo.name)

        def all_tagged() -> bool:
            version = model_version(reader)
            return reader.library.photo_count() == 500 and not reader.library.photos_needing_tags(
                version
            )

        wait_for(all_tagged, "500 photos to be tagged", deadline_s=300)
    work = batches[1:]
    assert sum(b.report.new for b in work) == 500
    assert sum(b.report.tagged for b in work) == 500
    assert len(work) <= 100, f"{len(work)} batches for 500 files: events were not coalesced"
    assert not any(b.report.failed for b in work)


def _small_distinct_photos(
    coco_dir: Path, names: list[str], target: Path, count: int
) -> list[Path]:
    """Downscaled copies of real photos (several sizes, so every file has its own content)."""
    target.mkdir()
    made: list[Path] = []
    for size in (160, 128, 96):
        for name in names:
            if len(made) == count:
                return made
            with Image.open(coco_dir / name) as image:
                image.thumbnail((size, size))
                path = target / f"{size}-{name}"
                image.convert("RGB").save(path, quality=85)
            made.append(path)
    return made


def test_file_replaced_in_place_is_tagged_again(app, reader, coco_dir, names, photos_dir):
    (photo,) = copy_photos(coco_dir, photos_dir, names[:1])
    with watching(app):
        wait_for(lambda: tagged(reader, photo), "the photo to be tagged")
        row = reader.library.photo_by_path(photo)
        reader.library.set_user_tag([row.id], "grandma", "confirmed")
        # An editor saving over the file (write in place), then one saving via a temp + rename.
        shutil.copyfile(coco_dir / names[1], photo)
        wait_for(lambda: _retagged_as(reader, photo, coco_dir / names[1]), "re-tag after overwrite")
        temp = photos_dir / "photo.jpg_exiftool_tmp"
        shutil.copyfile(coco_dir / names[2], temp)
        os.replace(temp, photo)
        wait_for(lambda: _retagged_as(reader, photo, coco_dir / names[2]), "re-tag after rename")
    after = reader.library.photo_by_path(photo)
    assert after.id == row.id and reader.library.photo_count() == 1
    tags = {t.tag: t.state for t in reader.library.photo_tags(after.id)}
    assert tags["grandma"] == "confirmed"


def _retagged_as(reader: App, photo: Path, source: Path) -> bool:
    row = reader.library.photo_by_path(photo)
    return row is not None and row.content_hash == content_hash(source) and row.tagged_model


def test_own_keyword_write_back_is_not_retagged(app, reader, coco_dir, names, photos_dir):
    pytest.importorskip("pyexiv2")
    app.library.set_setting("write_keywords", "all")  # write tags into files once tagged
    with watching(app, is_own_write=app.own_writes.is_own_write) as (_, batches):
        wait_for(lambda: batches, "the start-up scan")
        photo = photos_dir / names[0]
        shutil.copyfile(coco_dir / names[0], photo)  # (copy2 would keep the read-only mode)
        wait_for(lambda: tagged(reader, photo), "the photo to be tagged")
        photo_id = reader.library.photo_by_path(photo).id
        wait_for(lambda: reader.library.written_keywords(photo_id)[0], "the write-back")
        assert reader.library.photo_by_path(photo).content_hash == content_hash(photo)

        def rounds_with_photo() -> int:
            return sum(photo_id in b.changed_ids for b in list(batches))

        # The write-back fired file events; they must not bring the photo round again.
        assert holds_for(lambda: rounds_with_photo() == 1, 10 * SETTLE_S)

        # The same kind of write by another program (not in the registry) is noticed, re-tagged
        # (and written back once more), and then things are quiet again: no loop.
        from organizer.metadata.writer import MetadataService

        with MetadataService() as other_program:
            other_program.write_keywords(photo, ["holiday snaps"])
        wait_for(lambda: rounds_with_photo() == 2, "a foreign write to be re-indexed")
        assert holds_for(lambda: rounds_with_photo() == 2, 10 * SETTLE_S)
    tags = {t.tag: t.source for t in reader.library.photo_tags(photo_id)}
    assert tags.get("holiday snaps") == "file"


def test_watch_limit_falls_back_to_periodic_rescans(app, reader, coco_dir, names, photos_dir):
    problems: list[str] = []

    class LimitedObserver(_default_observer_class()):  # type: ignore[misc]
        def schedule(self, handler, path, **kwargs):  # noqa: ANN001, ANN202
            raise OSError(errno.ENOSPC, "inotify watch limit reached")

    watcher = FolderWatcher(
        app.pipeline(), settle_s=SETTLE_S, rescan_s=1.0, observer_factory=LimitedObserver
    )
    watcher.add_problem_listener(problems.append)
    watcher.start()
    try:
        wait_for(lambda: watcher.polled_folders, "the fallback")
        assert watcher.polled_folders == [photos_dir.resolve()]
        assert any("inotify watch limit" in p and "rescanning every" in p for p in problems)
        (photo,) = copy_photos(coco_dir, photos_dir, names[:1])
        wait_for(lambda: tagged(reader, photo), "a periodic rescan to find the photo")
    finally:
        watcher.stop()


def test_a_folder_that_comes_back_is_watched_again_and_its_problem_withdrawn(
    app, reader, coco_dir, names, tmp_path
):
    """An unplugged drive: its folder is polled and reported; plugged back in, it is watched
    live again (no more polling) and the problem is withdrawn, word for word."""
    drive = tmp_path / "drive"
    app.library.add_folder(drive)
    problems: list[str] = []
    resolved: list[str] = []
    watcher = FolderWatcher(app.pipeline(), settle_s=SETTLE_S, rescan_s=0.5)
    watcher.add_problem_listener(problems.append)
    watcher.add_resolved_listener(resolved.append)
    watcher.start()
    try:
        wait_for(lambda: watcher.polled_folders, "the missing folder to be polled")
        assert watcher.polled_folders == [drive.resolve()]
        (missing,) = [p for p in problems if "folder not found" in p]
        assert resolved == []

        drive.mkdir()
        (first,) = copy_photos(coco_dir, drive, names[:1])
        wait_for(lambda: resolved, "the folder to be watched again")
        assert resolved == [missing]
        assert watcher.polled_folders == []
        wait_for(lambda: tagged(reader, first), "the rescan of the returned folder")
        # Watched, not polled: a photo copied in now arrives through file events.
        (second,) = copy_photos(coco_dir, drive, names[1:2])
        wait_for(lambda: tagged(reader, second), "the new photo, through file events")

        # Unplugged again (the folder goes as a whole, as an unmount does, no file events):
        # polled again, its photos kept; back again: watched again, nothing redone.
        drive.rename(tmp_path / "unplugged")
        wait_for(lambda: watcher.polled_folders == [drive.resolve()], "the folder gone again")
        (gone,) = [p for p in problems if "it is gone" in p]
        assert holds_for(lambda: tagged(reader, first) and tagged(reader, second), 2.0)
        (tmp_path / "unplugged").rename(drive)
        wait_for(lambda: gone in resolved, "the folder to be watched once more")
        assert watcher.polled_folders == []
        assert reader.library.photo_count() == 2 and tagged(reader, first)
    finally:
        watcher.stop()


def _default_observer_class() -> type:
    from organizer.ingest.watcher import default_observer

    return type(default_observer())


def test_cli_watch_stops_cleanly_while_search_reads(app, reader, coco_dir, names, photos_dir):
    library = app.library_dir
    watch = subprocess.Popen(
        [sys.executable, "-m", "organizer", "--library", str(library), "watch", "--settle", "0.3"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONPATH": str(REPO_ROOT)},
        cwd=REPO_ROOT,
    )
    output: list[str] = []
    threading.Thread(target=lambda: output.extend(watch.stdout), daemon=True).start()
    try:
        wait_for(lambda: any("watching" in line for line in output), "watch to start")
        (photo,) = copy_photos(coco_dir, photos_dir, names[:1])
        wait_for(lambda: tagged(reader, photo), "the watcher process to tag the photo")
        tags = [t.tag for t in reader.library.photo_tags(reader.library.photo_by_path(photo).id)]
        assert tags, "the model gave this photo no tag to search for"
        # More work for the watcher while another process searches the library.
        copy_photos(coco_dir, photos_dir, names[1:30])
        result = run_cli("search", "--json", f'"{tags[0]}"', library=library)
        assert result.returncode == 0, result.stderr
        assert str(photo) in json.loads(result.stdout)["paths"]
    finally:
        watch.send_signal(signal.SIGINT)
        status = watch.wait(timeout=120)
    assert status == 0, watch.stderr.read()
    wait_for(lambda: any("stopped" in line for line in output), "the goodbye line", 5)


def test_names_that_are_not_utf8_are_watched_like_any_other(
    app, reader, coco_dir, names, photos_dir
):
    with watching(app) as (_, batches):
        wait_for(lambda: batches, "the start-up scan")
        odd = os.fsdecode(os.fsencode(photos_dir) + b"/caf\xe9.jpg")
        shutil.copyfile(coco_dir / names[0], odd)
        wait_for(lambda: tagged(reader, odd), "the photo with a Latin-1 name to be tagged")
        photo_id = reader.library.photo_by_path(odd).id
        moved = os.fsdecode(os.fsencode(photos_dir) + b"/na\xefve.jpg")
        os.rename(odd, moved)
        wait_for(lambda: reader.library.photo_by_path(moved) is not None, "the rename")
    assert reader.library.photo_by_path(moved).id == photo_id  # moved, not re-added
    assert reader.library.photo_by_path(odd) is None
