"""Tags written into real photos through the CLI, read back by exiftool; a rescan sees no change."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.helpers import run_cli

pytestmark = pytest.mark.skipif(shutil.which("exiftool") is None, reason="exiftool not installed")


def exif_keywords(path: Path) -> dict:
    out = subprocess.run(
        [
            "exiftool",
            "-j",
            "-XMP-dc:Subject",
            "-IPTC:Keywords",
            "-XPKeywords",
            "-XMP-lr:HierarchicalSubject",
            str(path),
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(out.stdout)[0]


def as_list(value) -> list[str]:
    if value is None:
        return []
    return [str(v) for v in value] if isinstance(value, list) else [str(value)]


@pytest.fixture
def photo(tmp_path: Path, shared_data: Path) -> Path:
    folder = tmp_path / "photos"
    folder.mkdir()
    target = folder / "camera.jpg"
    shutil.copy(shared_data / "metadata" / "orientation" / "Landscape_1.jpg", target)
    target.chmod(0o644)
    # Another program's keyword, present before Organizer sees the file.
    subprocess.run(
        [
            "exiftool",
            "-q",
            "-overwrite_original",
            "-XMP-dc:Subject=Holiday 2019",
            "-IPTC:Keywords=Holiday 2019",
            str(target),
        ],
        check=True,
    )
    return target


def test_corrections_are_written_and_foreign_keywords_survive(photo: Path, tmp_path: Path):
    library = tmp_path / "library"
    assert run_cli("config", "write_keywords", "confirmed", library=library).returncode == 0
    assert run_cli("add", photo.parent, library=library).returncode == 0
    shown = json.loads(run_cli("show", photo, "--json", library=library).stdout)
    holiday = next(t for t in shown["tags"] if t["tag"] == "Holiday 2019")
    assert (holiday["source"], holiday["state"]) == ("file", "confirmed")

    result = run_cli("tag", photo, "--add", "grandma", "--add", "外婆", library=library)
    assert result.returncode == 0, result.stderr
    keywords = exif_keywords(photo)
    assert set(as_list(keywords.get("Subject"))) == {"Holiday 2019", "grandma", "外婆"}
    assert set(as_list(keywords.get("Keywords"))) == {"Holiday 2019", "grandma", "外婆"}
    assert set(as_list(keywords.get("XPKeywords"))[0].split(";")) == {"grandma", "外婆"}

    rescan = run_cli("scan", library=library)
    assert "1 unchanged" in rescan.stdout and "0 tagged" in rescan.stdout

    assert run_cli("tag", photo, "--remove", "grandma", library=library).returncode == 0
    keywords = exif_keywords(photo)
    assert set(as_list(keywords.get("Subject"))) == {"Holiday 2019", "外婆"}
    # Rejecting the other program's keyword in Organizer never deletes it from the file.
    assert run_cli("tag", photo, "--remove", "Holiday 2019", library=library).returncode == 0
    assert "Holiday 2019" in as_list(exif_keywords(photo).get("Subject"))


def test_write_reports_read_only_files_and_goes_on(photo: Path, tmp_path: Path, shared_data):
    library = tmp_path / "library"
    second = photo.parent / "second.jpg"
    shutil.copy(shared_data / "metadata" / "exif-py" / "jpg" / "Canon_40D.jpg", second)
    second.chmod(0o444)
    assert run_cli("add", photo.parent, library=library).returncode == 0
    assert run_cli("tag", photo, second, "--add", "grandma", library=library).returncode == 0
    before = second.read_bytes()
    result = run_cli("write", photo.parent, library=library)
    assert result.returncode == 1
    assert f"not written {second}: " in result.stderr and "read-only" in result.stderr
    assert "1 written" in result.stdout
    assert second.read_bytes() == before
    assert "grandma" in as_list(exif_keywords(photo).get("Subject"))
