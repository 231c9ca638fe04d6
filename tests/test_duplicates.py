"""Duplicates the index knows (issue #12): exact copies by content hash, near duplicates by
stored embedding; the same groups from the core, `organizer duplicates` and the app's grid."""

from __future__ import annotations

import json
import shutil
from contextlib import contextmanager
from pathlib import Path

import numpy as np
import pytest
from PIL import Image, ImageEnhance

from organizer.app import open_app
from organizer.tagging import duplicates
from organizer.tagging.review import embedding_dim
from tests.helpers import run_cli
from tests.ui_helpers import copy_coco

pytestmark = pytest.mark.slow
WAIT_MS = 30000


@pytest.fixture(scope="module")
def library(tmp_path_factory: pytest.TempPathFactory, shared_data: Path) -> tuple[Path, dict]:
    """30 COCO photos and four copies: an exact one of the first photo; an exact one and one
    re-saved at JPEG quality 85 of the second (one group of three: the near copy takes the
    exact one along); one with its contrast boosted of the third. Indexed and tagged with the
    shipped model."""
    root = tmp_path_factory.mktemp("duplicates")
    photos = copy_coco(shared_data, root / "photos", 30)
    names = sorted(p.name for p in photos.iterdir())
    edits = root / "photos" / "edits"
    edits.mkdir()
    for name in names[:2]:
        shutil.copy2(photos / name, edits / f"copy of {name}")
    Image.open(photos / names[1]).convert("RGB").save(edits / "resaved.jpg", quality=85)
    ImageEnhance.Contrast(Image.open(photos / names[2]).convert("RGB")).enhance(1.2).save(
        edits / "contrast.jpg", quality=92)
    app = open_app(root / "library")
    report = app.pipeline().add_folders([root / "photos"])
    # The copies take their originals' tags and embeddings instead of being decoded again.
    assert (app.library.photo_count(), report.copied, report.failed) == (34, 2, [])
    app.close()
    groups = {
        "exact": {str(photos / names[0]), str(edits / f"copy of {names[0]}")},
        "resaved": {str(photos / names[1]), str(edits / f"copy of {names[1]}"),
                    str(edits / "resaved.jpg")},
        "contrast": {str(photos / names[2]), str(edits / "contrast.jpg")},
    }
    return root / "library", groups


def _found(library_dir: Path):
    app = open_app(library_dir)
    try:
        bundle = app.active_bundle()
        found = duplicates.find_duplicates(app.library, app.embeddings, embedding_dim(bundle),
                                           bundle.reference_stats())
        paths = [{app.library.photo_path(i) for i in g.photo_ids} for g in found]
        return found, paths, app.embeddings.current(app.library, embedding_dim(bundle)), bundle
    finally:
        app.close()


def test_copies_and_edited_copies_are_found_and_nothing_else(library) -> None:
    library_dir, expected = library
    found, paths, _, _ = _found(library_dir)
    assert paths[0] == expected["exact"] and found[0].exact and found[0].similarity == 1.0
    near = paths[1:]
    assert sorted(map(sorted, near)) == sorted(map(sorted, (expected["resaved"],
                                                             expected["contrast"])))
    assert all(not g.exact and g.similarity >= duplicates.NEAR_SIMILARITY for g in found[1:])
    every = [pid for g in found for pid in g.photo_ids]
    assert len(every) == len(set(every)) == 7  # each photo in one group, shown once


def test_the_signature_search_finds_what_comparing_every_pair_finds(library) -> None:
    library_dir, _ = library
    found, _, stored, bundle = _found(library_dir)
    stats = bundle.reference_stats()
    assert stats is not None and len(stats.mean) == stored.matrix.shape[1]
    z = stats.standardise(stored.matrix)
    z /= np.linalg.norm(z, axis=1, keepdims=True)
    similarity = z @ z.T
    app = open_app(library_dir)
    try:  # the search compares the first photo of each set of exact copies
        exact_copies = {pid for ids in app.library.exact_duplicates() for pid in ids[1:]}
    finally:
        app.close()
    assert len(exact_copies) == 2
    keep = ~np.isin(stored.ids, list(exact_copies))
    close = np.triu(similarity >= duplicates.NEAR_SIMILARITY, 1) & np.outer(keep, keep)
    pairs = {frozenset((int(stored.ids[a]), int(stored.ids[b]))) for a, b in np.argwhere(close)}
    near = {frozenset(pid for pid in g.photo_ids if pid not in exact_copies)
            for g in found if not g.exact}
    assert near == pairs and len(pairs) == 2


def test_command_line_prints_the_groups(library) -> None:
    library_dir, expected = library
    listed = run_cli("duplicates", "--json", library=library_dir)
    assert listed.returncode == 0, listed.stderr
    groups = json.loads(listed.stdout)["groups"]
    assert [g["exact"] for g in groups] == [True, False, False]
    assert set(groups[0]["photos"]) == expected["exact"]
    text = run_cli("duplicates", library=library_dir)
    assert text.returncode == 0, text.stderr
    assert text.stdout.startswith("3 group(s): 1 of exact copies, 2 of near duplicates")
    only_exact = json.loads(run_cli("duplicates", "--exact", "--json",
                                    library=library_dir).stdout)["groups"]
    copies = {frozenset(expected["exact"]),
              frozenset(p for p in expected["resaved"] if not p.endswith("resaved.jpg"))}
    assert {frozenset(g["photos"]) for g in only_exact} == copies


@contextmanager
def _window(qtbot, app):
    """The main window on ``app``'s library, shut down cleanly afterwards."""
    pytest.importorskip("PySide6")
    from organizer.ui.application import build_context
    from organizer.ui.main_window import MainWindow

    context = build_context(app)
    window = MainWindow(context)
    qtbot.addWidget(window)
    window.show()
    try:
        yield window
    finally:
        context.work.cancel_jobs()
        context.work.wait()
        window.album.loader.wait()
        app.close()


def test_the_app_shows_the_groups_the_command_line_prints(qtbot, library) -> None:
    from organizer.ui.album_model import GroupRole

    library_dir, _ = library
    with _window(qtbot, open_app(library_dir)) as window:
        qtbot.waitUntil(lambda: window.album.model.rowCount() == 34, timeout=WAIT_MS)
        window.show_duplicates()
        bar = window.album.ranking_bar
        assert "Looking…" in bar.label.text()  # until the search answers
        qtbot.waitUntil(lambda: window.album.model.rowCount() == 7, timeout=WAIT_MS)
        listed = json.loads(run_cli("duplicates", "--json", library=library_dir).stdout)
        groups = len(listed["groups"])
        qtbot.waitUntil(
            lambda: f"7 photo(s) in {groups} group(s)." in bar.label.text(), timeout=WAIT_MS
        )
        model = window.album.model
        grid = [model.path_at(row) for row in range(7)]
        assert grid == [p for g in listed["groups"] for p in g["photos"]]
        # Each cell knows its group, and every other group is painted on a tinted ground,
        # so where one group ends and the next begins shows.
        rows_group = [model.index(row).data(GroupRole) for row in range(7)]
        assert rows_group == [n for n, g in enumerate(listed["groups"]) for _ in g["photos"]]
        view = window.album.view
        view.clearSelection()
        qtbot.waitUntil(lambda: all(model.cell(row) is not None for row in range(7)),
                        timeout=WAIT_MS)
        image = view.viewport().grab().toImage()

        def ground(row: int) -> tuple[int, int, int]:
            corner = view.visualRect(model.index(row)).topLeft()
            color = image.pixelColor(corner.x() + 3, corner.y() + 3)
            return color.red(), color.green(), color.blue()

        first, second = rows_group.index(0), rows_group.index(1)
        assert ground(first) != ground(second)
        if 2 in rows_group:
            assert ground(first) == ground(rows_group.index(2))
        assert bar.isVisible() and "Duplicates" in bar.label.text()
        assert not bar.confirm.isVisible()
        window.leave_ranking()
        qtbot.waitUntil(lambda: window.album.model.rowCount() == 34, timeout=WAIT_MS)
        assert model.index(0).data(GroupRole) is None


def test_the_search_reports_progress_and_stops_when_cancelled(library) -> None:
    import threading

    from organizer.errors import Cancelled
    from organizer.tagging.review import duplicate_groups

    library_dir, _ = library
    app = open_app(library_dir)
    try:
        bundle = app.active_bundle()
        seen: list[int] = []
        groups = duplicate_groups(app.library, bundle, app.embeddings,
                                  progress=lambda _stage, done, _total: seen.append(done))
        assert groups and seen[0] == 0 and seen[-1] == 100 and seen == sorted(seen)
        assert len(set(seen)) > 5  # every stage reports, not just the start and the end

        cancel = threading.Event()

        def stop_at_a_fifth(_stage: str, done: int, _total: int) -> None:
            if done >= 20:
                cancel.set()

        with pytest.raises(Cancelled):
            duplicate_groups(app.library, bundle, app.embeddings, progress=stop_at_a_fifth,
                             cancelled=cancel)
    finally:
        app.close()


def test_leaving_the_duplicates_stops_their_search(qtbot, library) -> None:
    library_dir, _ = library
    with _window(qtbot, open_app(library_dir)) as window:
        qtbot.waitUntil(lambda: window.album.model.rowCount() == 34, timeout=WAIT_MS)
        failures: list[str] = []
        window.album.queryFailed.connect(failures.append)
        window.show_duplicates()
        searching = window.album._ranking_cancel
        assert searching is not None and not searching.is_set()
        window.leave_ranking()
        assert searching.is_set()
        qtbot.waitUntil(lambda: window.album.model.rowCount() == 34, timeout=WAIT_MS)
        window.context.work.wait()
        assert failures == []  # a search the user left says nothing
        assert not window.album.ranking_bar.isVisible()


def test_a_library_without_duplicates_says_so(qtbot, tmp_path: Path, shared_data: Path) -> None:
    app = open_app(tmp_path / "library")
    assert app.pipeline().add_folders([copy_coco(shared_data, tmp_path / "photos", 8)]).tagged
    with _window(qtbot, app) as window:
        qtbot.waitUntil(lambda: window.album.model.rowCount() == 8, timeout=WAIT_MS)
        window.show_duplicates()
        qtbot.waitUntil(lambda: window.album.model.rowCount() == 0, timeout=WAIT_MS)
        qtbot.waitUntil(lambda: "No duplicates" in window.album.no_matches.text(),
                        timeout=WAIT_MS)


def test_groups_are_the_connected_components_of_the_pairs() -> None:
    """The grouping equals union-find on 200 random graphs, and a 100,000-photo chain whose
    photos are in random order (a long burst) comes out as one group."""
    rng = np.random.default_rng(0)
    for _ in range(200):
        n = int(rng.integers(2, 60))
        a, b = rng.integers(0, n, 80), rng.integers(0, n, 80)
        a, b = a[a != b], b[a != b]
        parent = list(range(n))

        def root(x: int, parent: list[int] = parent) -> int:
            while parent[x] != x:
                x = parent[x]
            return x

        for x, y in zip(a.tolist(), b.tolist(), strict=True):
            parent[root(x)] = root(y)
        want: dict[int, set[int]] = {}
        for x in set(a.tolist()) | set(b.tolist()):
            want.setdefault(root(x), set()).add(x + 100)
        groups = duplicates._groups(np.arange(n) + 100, a, b, np.ones(len(a)))
        assert sorted(map(sorted, want.values())) == sorted(sorted(g.photo_ids) for g in groups)
    order = rng.permutation(100_000)
    chain = duplicates._groups(np.arange(100_000), order[:-1], order[1:], np.ones(99_999))
    assert len(chain) == 1 and len(chain[0].photo_ids) == 100_000
