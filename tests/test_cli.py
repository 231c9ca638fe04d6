"""The command line as a user runs it: a separate process, exit codes, one-line errors."""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from organizer.tagging.bundle import default_bundle_dir
from tests.helpers import REPO_ROOT, coco_labels, copy_photos, packaging_manifest, run_cli


@pytest.fixture(scope="module")
def tagged_library(tmp_path_factory, shared_data: Path) -> tuple[Path, list[Path]]:
    root = tmp_path_factory.mktemp("cli")
    names = sorted(coco_labels(shared_data))[:12]
    photos = copy_photos(shared_data / "photos" / "coco128" / "images", root / "photos", names)
    result = run_cli("add", root / "photos", library=root / "library")
    assert result.returncode == 0, result.stderr
    assert "12 new" in result.stdout and "12 tagged" in result.stdout
    return root / "library", photos


def _one_line_error(result: subprocess.CompletedProcess, fragment: str) -> None:
    assert result.returncode == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("organizer: error:"), result.stderr
    assert fragment in lines[0]


def test_show_json_reports_source_score_and_state(tagged_library) -> None:
    library, photos = tagged_library
    result = run_cli("show", photos[0], "--json", library=library)
    assert result.returncode == 0, result.stderr
    shown = json.loads(result.stdout)
    assert shown["path"] == str(photos[0])
    assert shown["tags"], "a COCO photo should get at least one tag"
    for tag in shown["tags"]:
        assert tag["source"] == "model" and tag["state"] == "suggested"
        assert 0.0 <= tag["score"] <= 1.0


def test_corrections_change_search_and_survive_retag(tagged_library) -> None:
    library, photos = tagged_library
    first = json.loads(run_cli("show", photos[1], "--json", library=library).stdout)
    wrong = first["tags"][0]["tag"]
    result = run_cli(
        "tag", photos[1], photos[2], "--add", "grandma", "--remove", wrong, library=library
    )
    assert result.returncode == 0, result.stderr
    found = run_cli("search", "grandma", "--json", library=library)
    assert set(json.loads(found.stdout)["paths"]) == {str(photos[1]), str(photos[2])}
    assert run_cli("retag", photos[1].parent, library=library).returncode == 0
    after = {
        t["tag"]: t
        for t in json.loads(run_cli("show", photos[1], "--json", library=library).stdout)["tags"]
    }
    assert after[wrong]["state"] == "rejected"
    assert after["grandma"]["state"] == "confirmed" and after["grandma"]["source"] == "user"
    assert str(photos[1]) not in run_cli("search", f'"{wrong}"', library=library).stdout


def test_bad_query_names_the_position(tagged_library) -> None:
    library, _ = tagged_library
    _one_line_error(run_cli("search", "dog AND (cat OR", library=library), "position")


def test_unknown_file_and_folder_are_clear_errors(tagged_library, tmp_path) -> None:
    library, _ = tagged_library
    _one_line_error(run_cli("show", tmp_path / "nope.jpg", library=library), "not in the library")
    _one_line_error(run_cli("add", tmp_path / "missing", library=library), "does not exist")


def test_missing_and_corrupt_model_are_clear_errors(tmp_path, shared_data) -> None:
    photos = copy_photos(
        shared_data / "photos" / "coco128" / "images",
        tmp_path / "photos",
        sorted(coco_labels(shared_data))[:1],
    )
    library = tmp_path / "library"
    assert run_cli("search", "dog", library=library).returncode == 0
    broken = library / "models" / "broken"
    shutil.copytree(default_bundle_dir(), broken)
    (broken / "model.onnx").write_bytes(b"\x00garbage" * 1000)
    _set_active_model(library, "broken")
    _one_line_error(run_cli("add", photos[0].parent, library=library), "cannot load model")
    (broken / "bundle.json").write_text("{ not json")
    _one_line_error(run_cli("add", photos[0].parent, library=library), "unreadable")
    _set_active_model(library, "gone")
    _one_line_error(run_cli("add", photos[0].parent, library=library), "missing")
    connection = sqlite3.connect(library / "library.sqlite")
    assert (
        connection.execute("SELECT COUNT(*) FROM photos WHERE tagged_model IS NOT NULL").fetchone()[
            0
        ]
        == 0
    )


def test_locked_database_is_reported(tagged_library) -> None:
    library, photos = tagged_library
    blocker = sqlite3.connect(library / "library.sqlite", isolation_level=None)
    blocker.execute("BEGIN IMMEDIATE")
    try:
        _one_line_error(run_cli("tag", photos[0], "--add", "x", library=library), "locked")
    finally:
        blocker.execute("ROLLBACK")
        blocker.close()


def test_demo_tags_the_bundled_samples(tmp_path) -> None:
    result = run_cli("demo", library=tmp_path / "library")
    assert result.returncode == 0, result.stderr
    assert "8 new" in result.stdout
    lines = [line for line in result.stdout.splitlines() if line.startswith("0000")]
    assert len(lines) == 8
    # Sanity of the shipped model on unambiguous samples (a broken export fails here).
    assert "cat" in next(line for line in lines if line.startswith("000000000599"))
    assert "teddy bear" in next(line for line in lines if line.startswith("000000000309"))
    assert "banana" in next(line for line in lines if line.startswith("000000006012"))


def test_wheel_carries_the_model_bundle(tmp_path) -> None:
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "--no-build-isolation",
            "-q",
            "-w",
            str(tmp_path),
            str(REPO_ROOT),
        ],
        check=True,
        capture_output=True,
        timeout=300,
    )
    wheel = next(tmp_path.glob("organizer-*.whl"))
    names = set(zipfile.ZipFile(wheel).namelist())
    # Everything a package needs (packaging/manifest.py: the list the installers use too).
    required = set(packaging_manifest().PACKAGE_DATA)
    assert required <= names, required - names
    packages = {
        str(init.parent.relative_to(REPO_ROOT))
        for init in (REPO_ROOT / "organizer").rglob("__init__.py")
    }
    assert {f"{package}/__init__.py" for package in packages} <= names


def _set_active_model(library: Path, version: str) -> None:
    connection = sqlite3.connect(library / "library.sqlite")
    with connection:
        connection.execute(
            "INSERT INTO settings (key, value) VALUES ('active_model', ?) "
            "ON CONFLICT(key) DO UPDATE SET value = excluded.value",
            (version,),
        )
    connection.close()


def test_chinese_display_names_search_and_tag_the_same_tag(tagged_library) -> None:
    library, photos = tagged_library
    by_name = run_cli("search", "person", "--json", library=library)
    by_chinese = run_cli("search", "人", "--json", library=library)
    assert json.loads(by_chinese.stdout)["paths"] == json.loads(by_name.stdout)["paths"]
    assert run_cli("tag", photos[3], "--add", "长颈鹿", library=library).returncode == 0
    tags = json.loads(run_cli("show", photos[3], "--json", library=library).stdout)["tags"]
    assert "giraffe" in {t["tag"] for t in tags} and "长颈鹿" not in {t["tag"] for t in tags}


def test_unknown_tag_is_noted_and_piping_into_head_is_quiet(tagged_library) -> None:
    library, _ = tagged_library
    result = run_cli("search", "person OR unicorn", library=library)
    assert result.returncode == 0
    assert "no tag named 'unicorn'" in result.stderr
    piped = subprocess.run(
        f"{sys.executable} -m organizer --library {library} search person | head -c 1",
        shell=True, capture_output=True, text=True, cwd=REPO_ROOT,
    )
    assert "Traceback" not in piped.stderr


def test_empty_file_is_skipped_not_a_duplicate(tmp_path) -> None:
    folder = tmp_path / "photos"
    folder.mkdir()
    (folder / "a.jpg").write_bytes(b"")
    (folder / "b.jpg").write_bytes(b"")
    result = run_cli("add", folder, library=tmp_path / "library")
    assert result.returncode == 0
    assert result.stderr.count("empty file (0 bytes)") == 2
    assert "0 new" in result.stdout and "duplicates" not in result.stdout


def test_gui_without_a_display_explains_instead_of_aborting(tmp_path) -> None:
    env = {k: v for k, v in os.environ.items()
           if k not in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM")}
    result = subprocess.run(
        [sys.executable, "-m", "organizer", "--library", str(tmp_path / "lib"), "gui"],
        capture_output=True, text=True, cwd=REPO_ROOT, env=env, timeout=60,
    )
    _one_line_error(result, "no display")


def test_library_path_that_is_a_file(tmp_path) -> None:
    blocker = tmp_path / "library"
    blocker.write_text("x")
    _one_line_error(run_cli("search", "dog", library=blocker), "is a file")


def test_desktop_entry_and_metainfo_list_the_formats_the_app_opens() -> None:
    """One list (packaging/manifest.py) for the desktop entry, AppStream and the installers."""
    import xml.etree.ElementTree as ElementTree

    manifest = packaging_manifest()
    assert manifest.desktop_mime_types() == manifest.MIME_TYPES
    metainfo = ElementTree.parse(REPO_ROOT / manifest.METAINFO).getroot()
    assert metainfo.findtext("id") == manifest.APP_ID
    assert tuple(e.text for e in metainfo.iter("mediatype")) == manifest.MIME_TYPES
    assert metainfo.findtext("launchable") == Path(manifest.DESKTOP_ENTRY).name
    assert metainfo.find("releases/release").get("version") == manifest.version()


def test_gui_opens_a_photo_given_on_the_command_line(qtbot, tmp_path, shared_data) -> None:
    """The desktop entry's Exec is 'organizer gui %F': "Open with Organizer" shows the photo."""
    pytest.importorskip("PySide6")
    from PySide6.QtWidgets import QApplication

    from organizer.app import open_app
    from organizer.ui.application import run_app
    from organizer.ui.main_window import MainWindow

    photo, later = sorted((shared_data / "photos" / "coco128" / "images").glob("*.jpg"))[:2]
    app = open_app(tmp_path / "library")
    seen = {}

    def look_and_close() -> None:
        window = next(w for w in QApplication.topLevelWidgets()
                      if isinstance(w, MainWindow) and w.isVisible())
        viewer = window.viewer
        qtbot.waitUntil(lambda: viewer._image is not None, timeout=20000)
        seen["path"] = viewer._path
        # "Open with" again while the app runs: the second start hands the photo over and
        # quits; no second window, no second watcher on the library.
        second = subprocess.Popen(
            [sys.executable, "-m", "organizer", "--library", str(tmp_path / "library"),
             "gui", str(later)],
            env={**os.environ, "PYTHONPATH": str(REPO_ROOT), "QT_QPA_PLATFORM": "offscreen"},
            cwd=REPO_ROOT,
        )
        qtbot.waitUntil(lambda: second.poll() is not None, timeout=60000)
        seen["second exit"] = second.returncode
        qtbot.waitUntil(lambda: viewer._path == str(later) and viewer._image is not None,
                        timeout=20000)
        window.close()

    from PySide6.QtCore import QTimer

    QTimer.singleShot(500, look_and_close)
    try:
        assert run_app(app, photos=[str(photo)]) == 0
    finally:
        app.close()
    assert seen["path"] == str(photo)
    assert seen["second exit"] == 0
