"""The in-memory copy of a library's stored embeddings that rankings read (organizer.tagging.
embedding_index): read once, current after any change made by any process, exact scores.

Real photos (the bundled samples), the shipped model, a real library written by the CLI."""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pytest

from organizer.app import open_app
from organizer.tagging.review import Ranking
from tests.helpers import REPO_ROOT, run_cli

SAMPLES = REPO_ROOT / "organizer" / "resources" / "sample_photos"


def _dim(app) -> int:
    return len(app.library.embedding(app.library.all_photo_ids()[0]))


@pytest.fixture()
def library(tmp_path: Path) -> tuple[Path, Path]:
    folder = tmp_path / "photos"
    folder.mkdir()
    for photo in sorted(SAMPLES.glob("*.jpg"))[:6]:
        shutil.copyfile(photo, folder / photo.name)
    library = tmp_path / "library"
    assert run_cli("config", "use_gpu", "0", library=library).returncode == 0
    added = run_cli("add", folder, library=library)
    assert added.returncode == 0, added.stderr
    return library, folder


def test_read_once_then_current_after_changes_in_another_process(library) -> None:
    library_dir, folder = library
    app = open_app(library_dir)
    try:
        dim = _dim(app)
        first = app.embeddings.current(app.library, dim)
        assert len(first.ids) == 6 and first.matrix.dtype == np.float16
        assert app.embeddings.current(app.library, dim) is first  # nothing changed: no reread

        # Another process adds two photos and the watcher's rescan removes one.
        for photo in sorted(SAMPLES.glob("*.jpg"))[6:8]:
            shutil.copyfile(photo, folder / photo.name)
        removed = sorted(folder.glob("*.jpg"))[0]
        removed_id = app.library.photo_by_path(removed).id
        removed.unlink()
        assert run_cli("add", folder, library=library_dir).returncode == 0
        now = app.embeddings.current(app.library, dim)
        ids = {int(i) for i in now.ids}
        assert now is not first and len(ids) == 7
        assert removed_id not in ids
        ids_, x = app.library.embeddings(sorted(ids), dim)
        assert np.array_equal(now.ids, ids_) and np.array_equal(now.matrix.astype(np.float32), x)
    finally:
        app.close()


def test_scores_are_the_float32_product(library) -> None:
    library_dir, _ = library
    app = open_app(library_dir)
    try:
        stored = app.embeddings.current(app.library, _dim(app))
        weight = np.random.default_rng(0).standard_normal(stored.matrix.shape[1])
        want = stored.matrix.astype(np.float32) @ weight.astype(np.float32)
        assert np.allclose(app.embeddings.scores(stored.matrix, weight), want, rtol=1e-4,
                           atol=1e-3)
        # Find similar: the photo itself is left out, the others are all ranked.
        first = int(stored.ids[0])
        found = Ranking(like=(first,)).candidates(app.library, app.active_bundle(),
                                                  app.embeddings)
        ranked = [candidate.photo_id for candidate in found]
        assert sorted(ranked) == sorted(int(i) for i in stored.ids[1:])
        assert stored.rows([first, 10**9]).tolist() == [0]  # an unknown id is not there
    finally:
        app.close()


def test_a_fresh_process_maps_the_copy_an_earlier_one_left(library) -> None:
    """The CLI's first ranking reads the copy in the library folder instead of SQLite, only
    while it is the library's; a stale or damaged copy is read past, and replaced."""
    library_dir, folder = library
    app = open_app(library_dir)
    try:
        dim = _dim(app)
        stored = app.embeddings.current(app.library, dim)  # read from SQLite, copy written
    finally:
        app.close()
    copy = library_dir / "embeddings"
    assert (copy / f"{dim}.json").is_file()
    assert not list(copy.glob(".*"))  # no temporary file left behind

    def fresh_current():
        fresh = open_app(library_dir)
        try:
            return fresh.embeddings.current(fresh.library, dim)
        finally:
            fresh.close()

    mapped = fresh_current()
    assert isinstance(mapped.matrix, np.memmap)
    assert np.array_equal(mapped.ids, stored.ids)
    assert np.array_equal(mapped.matrix, stored.matrix)
    assert np.array_equal(mapped.stats.scale, stored.stats.scale)

    # Another process adds a photo: the copy is stale, so the next process reads SQLite.
    shutil.copyfile(sorted(SAMPLES.glob("*.jpg"))[6], folder / "new.jpg")
    assert run_cli("add", folder, library=library_dir).returncode == 0
    after = fresh_current()
    assert not isinstance(after.matrix, np.memmap) and len(after.ids) == len(stored.ids) + 1
    assert len(list(copy.glob(f"{dim}-*.matrix.npy"))) == 1  # the stale copy is gone

    # A damaged copy (a truncated matrix) is read past, with the same result.
    matrix_file = next(copy.glob(f"{dim}-*.matrix.npy"))
    matrix_file.write_bytes(matrix_file.read_bytes()[:100])
    again = fresh_current()
    assert not isinstance(again.matrix, np.memmap)
    assert np.array_equal(again.ids, after.ids) and np.array_equal(again.matrix, after.matrix)
    assert isinstance(fresh_current().matrix, np.memmap)  # rewritten by the read before


def test_the_copy_of_another_library_behind_the_same_counter_is_not_used(library, tmp_path):
    """A library recreated in the same folder with as many other photos reaches the same
    change counter and the same ids; its copy is still told apart (by the photos' content)."""
    library_dir, folder = library
    app = open_app(library_dir)
    try:
        dim = _dim(app)
        first = app.embeddings.current(app.library, dim)
        changes = app.library.embedding_changes()
    finally:
        app.close()
    (library_dir / "library.sqlite").unlink()
    (library_dir / "library-in-use.txt").unlink()
    for leftover in library_dir.glob("library.sqlite-*"):
        leftover.unlink()
    other = tmp_path / "other"
    other.mkdir()
    for photo in sorted(SAMPLES.glob("*.jpg"))[-6:]:
        shutil.copyfile(photo, other / photo.name)
    assert run_cli("add", other, library=library_dir).returncode == 0
    fresh = open_app(library_dir)
    try:
        assert fresh.library.embedding_changes() == changes
        now = fresh.embeddings.current(fresh.library, dim)
        assert np.array_equal(now.ids, first.ids)  # what the counter and ids cannot tell
        assert not isinstance(now.matrix, np.memmap)
        ids, x = fresh.library.embeddings(now.ids.tolist(), dim)
        assert np.array_equal(now.matrix.astype(np.float32), x)
    finally:
        fresh.close()
