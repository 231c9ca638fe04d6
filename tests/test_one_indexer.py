"""One indexer per library: two processes or threads scanning the same folders index each file
once, and neither fails."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import threading
from pathlib import Path

from organizer.ingest.pipeline import WAITING_STAGE
from organizer.library.indexing_lock import IndexingLock
from tests.helpers import REPO_ROOT
from tests.ui_helpers import copy_coco, open_tiny_app


def _rows(library: Path) -> list[tuple[str, int]]:
    with sqlite3.connect(library / "library.sqlite") as connection:
        return connection.execute(
            "SELECT path, tagged_model IS NOT NULL FROM photos ORDER BY path"
        ).fetchall()


def test_two_processes_adding_one_folder_index_each_file_once(shared_data, tmp_path) -> None:
    library = tmp_path / "library"
    open_tiny_app(library).close()
    photos = copy_coco(shared_data, tmp_path / "photos", 60)
    env = {**os.environ, "PYTHONPATH": str(REPO_ROOT)}
    command = [sys.executable, "-m", "organizer", "--library", str(library), "add", str(photos)]
    runs = [
        subprocess.Popen(
            command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env
        )
        for _ in range(2)
    ]
    outcomes = [run.communicate(timeout=300) for run in runs]
    for run, (_, errors) in zip(runs, outcomes, strict=True):
        assert run.returncode == 0, errors
        assert "IntegrityError" not in errors and "Traceback" not in errors
    rows = _rows(library)
    assert len(rows) == 60 == len({path for path, _ in rows})
    assert all(tagged for _, tagged in rows)
    # The work was done once: one run indexed and tagged everything, the other found it done.
    summaries = sorted(out.strip().splitlines()[-1] for out, _ in outcomes)
    assert any("60 new" in s and "60 tagged" in s for s in summaries), summaries
    assert any("0 new" in s and "60 unchanged" in s and "0 tagged" in s for s in summaries)


def test_a_second_scan_in_the_same_process_waits_and_says_so(shared_data, tmp_path) -> None:
    app = open_tiny_app(tmp_path / "library")
    photos = copy_coco(shared_data, tmp_path / "photos", 8)
    app.library.add_folder(photos)
    lock = IndexingLock(app.library_dir)
    stages: list[str] = []
    outcome: dict[str, object] = {}

    def second_scan() -> None:
        connection = app.connect()
        try:
            report = app.pipeline(connection).scan(
                [photos], lambda stage, done, total: stages.append(stage)
            )
            outcome["report"] = report
        finally:
            connection.close()

    with lock.held():
        worker = threading.Thread(target=second_scan)
        worker.start()
        worker.join(timeout=2)
        assert worker.is_alive(), "the second scan must wait for the lock"
        assert stages == [WAITING_STAGE]
    worker.join(timeout=120)
    report = outcome["report"]
    assert report.new == 8 and report.tagged == 8  # type: ignore[attr-defined]
    # Within one thread the lock is re-entrant: a scan inside a held block does not deadlock.
    with lock.held():
        assert app.pipeline().scan([photos]).unchanged == 8
    cancelled = threading.Event()
    cancelled.set()
    with lock.held():
        result: dict[str, object] = {}
        worker = threading.Thread(
            target=lambda: result.update(
                r=app.pipeline(app.connect()).scan([photos], cancelled=cancelled)
            )
        )
        worker.start()
        worker.join(timeout=30)
        assert not worker.is_alive() and result["r"].cancelled  # type: ignore[attr-defined]
    app.close()
