"""Hostile and odd files never stop a run, never get written through, and never reach the
terminal raw: the issue's corpus, built from real photos plus files these tests make."""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import threading
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from organizer.errors import LibraryError, ModelError, UnreadableImageError
from organizer.imaging import MAX_FILE_BYTES, decode_errors, open_image
from organizer.library.database import DATABASE_NAME
from organizer.library.tag_names import TagNameError, valid_tag_name
from organizer.metadata.errors import MetadataWriteError
from organizer.metadata.writer import MetadataService
from organizer.tagging.bundle import load_bundle
from tests.helpers import REPO_ROOT, run_cli, wait_for
from tests.ui_helpers import open_tiny_app, write_tiny_bundle

# PostScript that would make Pillow's EPS plugin start Ghostscript.
EPS = b"%!PS-Adobe-3.0 EPSF-3.0\n%%BoundingBox: 0 0 100 100\nshowpage\n"
# A DirectDraw Surface header with a pixel format Pillow does not implement.
DDS = (
    b"DDS "
    + (124).to_bytes(4, "little")
    + bytes(68)
    + (32).to_bytes(4, "little")
    + b"\4\0\0\0ZZZZ"
    + bytes(40)
)


def exiftool_keywords(path: str | Path) -> list[str]:
    """dc:subject as exiftool reads it (another program's view of the file)."""
    out = subprocess.run(
        ["exiftool", "-j", "-XMP-dc:Subject", path], capture_output=True, check=True
    ).stdout
    subject = json.loads(out)[0].get("Subject", [])
    return subject if isinstance(subject, list) else [subject]


def _hostile_folder(shared_data: Path, root: Path) -> tuple[Path, dict[str, str]]:
    """Real photos plus one of each kind of bad file; returns the folder and {name: expected}."""
    folder = root / "photos"
    folder.mkdir(parents=True)
    source = sorted((shared_data / "photos" / "coco128" / "images").glob("*.jpg"))
    for photo in source[:4]:
        shutil.copyfile(photo, folder / photo.name)
    (folder / "postscript.jpg").write_bytes(EPS)
    (folder / "texture.jpg").write_bytes(DDS)
    (folder / "empty.jpg").write_bytes(b"")
    truncated = source[4].read_bytes()
    (folder / "truncated.jpg").write_bytes(truncated[: len(truncated) // 3])
    with open(folder / "sparse.jpg", "wb") as handle:  # huge but cheap: a sparse file
        handle.write(b"\xff\xd8\xff\xe0")
        handle.truncate(MAX_FILE_BYTES + 1)
    os.symlink(source[5], folder / "link.jpg")
    odd = os.fsencode(folder) + b"/caf\xe9.jpg"  # Latin-1 name: not valid UTF-8
    shutil.copyfile(source[6], odd)
    expected = {
        "postscript.jpg": "not a supported image format",
        "texture.jpg": "not a supported image format",
        "empty.jpg": "empty file",
        "sparse.jpg": "file too large",
    }
    return folder, expected


def _tiny_library(root: Path) -> Path:
    """A library whose active model is the tiny colour model (fast, predictable tags)."""
    library = root / "library"
    open_tiny_app(library).close()
    return library


def test_hostile_files_are_each_reported_and_the_run_goes_on(shared_data, tmp_path) -> None:
    folder, expected = _hostile_folder(shared_data, tmp_path)
    library = _tiny_library(tmp_path)
    added = run_cli("add", folder, library=library)
    assert added.returncode == 0, added.stderr
    assert "Traceback" not in added.stderr
    for name, reason in expected.items():
        lines = [line for line in added.stderr.splitlines() if name in line]
        assert lines and reason in lines[0], (name, added.stderr)
    truncated = [line for line in added.stderr.splitlines() if "truncated.jpg" in line]
    assert not truncated or "skipped" in truncated[0]
    # libtiff and Pillow talk to the log, not the terminal: one line per skipped file only.
    assert all(line.startswith("skipped ") for line in added.stderr.splitlines()), added.stderr
    found = run_cli("search", "NOT reddish OR reddish", "--json", library=library)
    paths = {Path(p).name for p in json.loads(found.stdout)["paths"]}
    assert {p.name for p in sorted(folder.glob("0*.jpg"))} <= paths
    assert "link.jpg" not in paths  # links are not followed into the index

    # A name that is not UTF-8 is indexed under its real bytes, shown with U+FFFD.
    odd = os.fsdecode(os.fsencode(folder) + b"/caf\xe9.jpg")
    assert odd in json.loads(found.stdout)["paths"]
    shown = run_cli("show", odd, library=library)
    assert shown.returncode == 0, shown.stderr
    assert shown.stdout.splitlines()[0] == str(folder / "caf\ufffd.jpg")

    # Writing goes on past every bad file as well, and never through the link.
    linked_target = os.readlink(folder / "link.jpg")
    before = Path(linked_target).read_bytes()
    photos = [*sorted(folder.glob("0*.jpg")), odd]
    tagged = run_cli("tag", *photos, "--add", "holiday", library=library)
    assert tagged.returncode == 0, tagged.stderr
    written = run_cli("write", "--mode", "all", library=library)
    assert "Traceback" not in written.stderr
    assert "5 written" in written.stdout, written.stdout + written.stderr
    assert "holiday" in exiftool_keywords(odd)
    assert Path(linked_target).read_bytes() == before


def test_no_ghostscript_and_no_foreign_plugin(tmp_path) -> None:
    eps = tmp_path / "drawing.jpg"
    eps.write_bytes(EPS)
    with (
        pytest.raises(UnreadableImageError, match="not a supported image format"),
        open_image(eps),
    ):
        pass
    # The same file is an EPS to a Pillow left to itself: the guard is what keeps it out.
    Image.init()
    assert Image.OPEN.get("EPS") is not None


def test_any_exception_of_a_decoder_becomes_the_files_reason(shared_data) -> None:
    photo = next((shared_data / "photos" / "coco128" / "images").glob("*.jpg"))
    with pytest.raises(UnreadableImageError, match="KeyError"), open_image(photo) as image:
        image.load()
        raise KeyError("tile")  # what Pillow's GIF/TIFF code raised on real hostile files
    with pytest.raises(UnreadableImageError, match="TypeError: bad"), decode_errors("x.png"):
        raise TypeError("bad")


def test_write_refuses_a_symlink_swapped_in_for_a_photo(shared_data, tmp_path) -> None:
    outside = tmp_path / "outside.jpg"
    shutil.copyfile(next((shared_data / "photos" / "coco128" / "images").glob("*.jpg")), outside)
    before = outside.read_bytes()
    photo = tmp_path / "library-photo.jpg"
    os.symlink(outside, photo)
    with MetadataService() as service, pytest.raises(MetadataWriteError, match="symbolic link"):
        service.write_keywords(photo, ["dog"])
    assert outside.read_bytes() == before
    assert not list(tmp_path.glob("*.xmp"))


def test_tag_names_with_control_characters_are_refused(shared_data, tmp_path) -> None:
    assert valid_tag_name("  hot   dog ") == "hot dog"
    assert valid_tag_name("line\nbreak") == "line break"  # whitespace folds to one space
    for bad in ("", "   ", "red\x1b[31m", "bell\x07", "nul\x00"):
        with pytest.raises(TagNameError):
            valid_tag_name(bad)
    library = _tiny_library(tmp_path)
    folder = tmp_path / "photos"
    folder.mkdir()
    photo = folder / "a.jpg"
    shutil.copyfile(next((shared_data / "photos" / "coco128" / "images").glob("*.jpg")), photo)
    assert run_cli("add", folder, library=library).returncode == 0
    refused = run_cli("tag", photo, "--add", "evil\x1b]0;pwned\x07", library=library)
    assert refused.returncode == 1
    assert "control characters" in refused.stderr and "\x1b" not in refused.stderr


def test_escape_sequences_in_file_keywords_never_reach_the_terminal(shared_data, tmp_path):
    folder = tmp_path / "photos"
    folder.mkdir()
    photo = folder / "a.jpg"
    shutil.copyfile(next((shared_data / "photos" / "coco128" / "images").glob("*.jpg")), photo)
    subprocess.run(
        [
            "exiftool",
            "-q",
            "-overwrite_original",
            "-IPTC:Keywords=beach\x1b[2J",
            "-IPTC:Keywords=sun",
            str(photo),
        ],
        check=True,
    )
    library = _tiny_library(tmp_path)
    assert run_cli("add", folder, library=library).returncode == 0
    shown = run_cli("show", photo, library=library)
    assert shown.returncode == 0, shown.stderr
    assert "\x1b" not in shown.stdout
    assert "sun" in shown.stdout


def test_a_lost_database_is_an_error_not_a_new_library(tmp_path) -> None:
    library = tmp_path / "library"
    assert run_cli("models", library=library).returncode == 0
    (library / DATABASE_NAME).unlink()
    missing = run_cli("search", "dog", library=library)
    assert missing.returncode == 1 and "is missing" in missing.stderr
    assert not (library / DATABASE_NAME).exists()
    (library / DATABASE_NAME).write_bytes(b"")
    emptied = run_cli("search", "dog", library=library)
    assert emptied.returncode == 1 and "is empty" in emptied.stderr


def test_a_database_deleted_under_a_running_process_refuses_writes(tmp_path) -> None:
    from organizer.app import open_app

    app = open_app(tmp_path / "library")
    try:
        (tmp_path / "library" / DATABASE_NAME).unlink()
        with pytest.raises(LibraryError, match="deleted or replaced"):
            app.library.set_setting("write_keywords", "all")
    finally:
        app.close()


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [("std", 0, "input.std"), ("size", 0, "input.size"), ("mean", float("nan"), "input.mean")],
)
def test_bundle_preprocessing_values_are_validated(tmp_path, field, value, message) -> None:
    bundle = write_tiny_bundle(tmp_path / "bundle")
    manifest = json.loads((bundle / "bundle.json").read_text())
    manifest["input"][field] = value
    (bundle / "bundle.json").write_text(json.dumps(manifest))
    with pytest.raises(ModelError, match=message):
        load_bundle(bundle)


REFUSE_NETWORK = """
import socket, sys
def refuse(*args, **kwargs):
    sys.stderr.write(f"NETWORK ACCESS {args!r}\\n")
    raise OSError("network access refused by the test")
socket.socket.connect = refuse
socket.socket.connect_ex = refuse
socket.getaddrinfo = refuse
socket.gethostbyname = refuse
socket.create_connection = refuse
"""
NETWORK_GUARD = REFUSE_NETWORK + """
from organizer.cli import main
sys.exit(main(sys.argv[1:]))
"""


def test_add_and_watch_open_no_connection(shared_data, tmp_path) -> None:
    library = _tiny_library(tmp_path)
    folder = tmp_path / "photos"
    folder.mkdir()
    for photo in sorted((shared_data / "photos" / "coco128" / "images").glob("*.jpg"))[:3]:
        shutil.copyfile(photo, folder / photo.name)
    env = {**os.environ, "PYTHONPATH": str(REPO_ROOT)}
    command = [sys.executable, "-c", NETWORK_GUARD, "--library", str(library)]
    added = subprocess.run(
        [*command, "add", str(folder)], capture_output=True, text=True, env=env, timeout=300
    )
    assert added.returncode == 0, added.stderr
    assert "NETWORK ACCESS" not in added.stderr
    watch = subprocess.Popen(
        [*command, "watch"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env
    )
    output: list[str] = []
    threading.Thread(target=lambda: output.extend(watch.stdout or ()), daemon=True).start()
    try:
        wait_for(lambda: any(" scan: " in line for line in output), "the start-up scan")
        shutil.copyfile(folder / sorted(os.listdir(folder))[0], folder / "copy.jpg")
        wait_for(lambda: any("1 duplicates" in line for line in output), "watch to see the copy")
    finally:
        watch.send_signal(signal.SIGINT)
        _, errors = watch.communicate(timeout=60)
    assert "NETWORK ACCESS" not in errors
    assert socket.socket.connect is not None  # the guard ran in the child only


APP_NETWORK_GUARD = REFUSE_NETWORK + """
from pathlib import Path
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication
from organizer.app import open_app
from organizer.ui.application import build_context, configure_application
from organizer.ui.main_window import MainWindow
application = QApplication([])
configure_application(application)
app = open_app(Path(sys.argv[1]))
context = build_context(app, application, watch=True)
window = MainWindow(context)
window.show()
window.add_folders([Path(sys.argv[2])])
for _ in range(600):
    QTest.qWait(100)
    if window.album.model.rowCount() == int(sys.argv[3]):
        break
print("rows", window.album.model.rowCount(), flush=True)
window.close()
context.work.wait()
window.album.loader.wait()
app.close()
"""


def test_the_app_opens_no_connection(shared_data, tmp_path) -> None:
    pytest.importorskip("PySide6")
    library = _tiny_library(tmp_path)
    folder = tmp_path / "photos"
    folder.mkdir()
    for photo in sorted((shared_data / "photos" / "coco128" / "images").glob("*.jpg"))[:3]:
        shutil.copyfile(photo, folder / photo.name)
    env = {**os.environ, "PYTHONPATH": str(REPO_ROOT), "QT_QPA_PLATFORM": "offscreen"}
    result = subprocess.run(
        [sys.executable, "-c", APP_NETWORK_GUARD, str(library), str(folder), "3"],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    assert "rows 3" in result.stdout, result.stdout + result.stderr
    assert "NETWORK ACCESS" not in result.stderr


@pytest.mark.parametrize(("value", "message"), [(1.5, "within 0-1"), ("high", "could not")])
def test_bundle_thresholds_are_validated(tmp_path, value, message) -> None:
    bundle = write_tiny_bundle(tmp_path / "bundle")
    manifest = json.loads((bundle / "bundle.json").read_text())
    manifest["tags"][0]["threshold"] = value
    (bundle / "bundle.json").write_text(json.dumps(manifest))
    with pytest.raises(ModelError, match=message):
        load_bundle(bundle)


def test_a_tag_without_threshold_is_never_suggested(tmp_path) -> None:
    bundle = write_tiny_bundle(tmp_path / "bundle")
    manifest = json.loads((bundle / "bundle.json").read_text())
    manifest["tags"][0]["threshold"] = None
    (bundle / "bundle.json").write_text(json.dumps(manifest))
    loaded = load_bundle(bundle)
    assert not loaded.tags[0].suggested and loaded.tags[1].suggested
    assert not (np.ones(len(loaded.tags), dtype=np.float32) >= loaded.thresholds)[0]
