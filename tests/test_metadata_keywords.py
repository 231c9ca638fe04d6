"""Which keywords are read, and which are written and removed, on real files."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from organizer.metadata import FileKeywords, MetadataService, MetadataWriteError, sidecar_names

pytestmark = pytest.mark.skipif(shutil.which("exiftool") is None, reason="exiftool missing")


def exiftool(*args: str) -> None:
    subprocess.run(["exiftool", "-q", "-overwrite_original", *args], check=True)


def exiftool_read(path: Path) -> dict:
    out = subprocess.run(
        ["exiftool", "-j", "-G1", "-struct", "-XMP:all", "-IPTC:all", "-XPKeywords", str(path)],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return json.loads(out)[0]


def as_list(value: object) -> list[str]:
    if value is None:
        return []
    return [str(v) for v in value] if isinstance(value, list) else [str(value)]


@pytest.fixture
def photo(shared_data: Path, tmp_path: Path) -> Path:
    target = tmp_path / "photo.jpg"
    # EXIF without thumbnail, GPS or maker notes: the kind Organizer adds XPKeywords to.
    shutil.copyfile(shared_data / "metadata/orientation/Landscape_1.jpg", target)
    target.chmod(0o644)
    return target


@pytest.fixture
def service():
    with MetadataService() as svc:
        yield svc


def test_reads_every_keyword_field_and_both_sidecar_names(photo, service):
    exiftool(
        "-XMP-dc:Subject=dc",
        "-XMP-lr:HierarchicalSubject=lr|path",
        "-XMP-digiKam:TagsList=dk/path",
        "-IPTC:Keywords=iptc",
        "-XPKeywords=xp1;xp2",
        str(photo),
    )
    for sidecar, word in zip(sidecar_names(photo)[::2], ("side1", "side2"), strict=True):
        exiftool("-o", str(sidecar), f"-XMP-dc:Subject={word}")  # a new sidecar, from nothing
    keywords = service.read_keywords(photo)
    assert set(keywords.flat) == {"dc", "iptc", "xp1", "xp2", "side1", "side2"}
    assert set(keywords.hierarchical) == {"lr|path", "dk|path"}


def test_foreign_keywords_stay_and_only_ours_are_removed(photo, service):
    exiftool("-XMP-dc:Subject=foreign", "-IPTC:Keywords=foreign", str(photo))
    first = service.write_keywords(photo, ["dog", "cat", "foreign"], ["animal|dog"])
    assert first.written == FileKeywords(("dog", "cat"), ("animal|dog",))
    second = service.write_keywords(photo, ["dog"], [], previously_written=first.written)
    assert second.written == FileKeywords(("dog",), ())
    tags = exiftool_read(photo)
    assert as_list(tags.get("XMP-dc:Subject")) == ["foreign", "dog"]
    assert as_list(tags.get("IPTC:Keywords")) == ["foreign", "dog"]
    # "foreign" was in XMP and IPTC, so it counts as theirs and stays in every field.
    assert tags.get("IFD0:XPKeywords") == "dog;foreign"
    assert "XMP-lr:HierarchicalSubject" not in tags
    assert service.read_keywords(photo).flat == ("foreign", "dog")


def test_writing_the_same_keywords_again_does_not_touch_the_file(photo, service):
    service.write_keywords(photo, ["dog"])
    stat, data = photo.stat(), photo.read_bytes()
    again = service.write_keywords(photo, ["dog"], previously_written=FileKeywords(("dog",)))
    assert not again.changed
    assert photo.read_bytes() == data and photo.stat().st_ino == stat.st_ino


def test_unicode_separators_and_long_keywords(photo, service):
    words = ["中文", "Crème brûlée", "Ελληνικά", "a;b", "x,y", "p|q", "ü" * 40, "w" * 64]
    result = service.write_keywords(photo, words, ["place|Zürich|Altstadt"])
    tags = exiftool_read(photo)
    assert as_list(tags["XMP-dc:Subject"]) == words
    assert as_list(tags["XMP-lr:HierarchicalSubject"]) == ["place|Zürich|Altstadt"]
    # IPTC: 64 bytes at most per keyword (80-byte "üüü..." is XMP-only), UTF-8 declared.
    assert as_list(tags["IPTC:Keywords"]) == [w for w in words if len(w.encode()) <= 64]
    assert tags["IPTC:CodedCharacterSet"] == "UTF8"
    # XPKeywords is ";"-separated: a keyword containing ";" stays out of it.
    assert tags["IFD0:XPKeywords"] == ";".join(w for w in words if ";" not in w)
    assert any("64 bytes" in n for n in result.notes) and any("';'" in n for n in result.notes)
    assert set(service.read_keywords(photo).flat) == set(words)


def test_control_characters_are_refused(photo, service):
    with pytest.raises(MetadataWriteError, match="control characters"):
        service.write_keywords(photo, ["line\nbreak"])


def test_heic_gets_a_sidecar_named_after_the_photo(shared_data, tmp_path, service):
    heic = tmp_path / "phone.heic"
    shutil.copyfile(shared_data / "metadata/exif-py/heic/spring_1440x960.heic", heic)
    before = heic.read_bytes()
    result = service.write_keywords(heic, ["tree"], ["nature|tree"])
    assert result.target == tmp_path / "phone.heic.xmp"
    assert heic.read_bytes() == before
    assert as_list(exiftool_read(result.target)["XMP-dc:Subject"]) == ["tree"]
    removed = service.write_keywords(heic, [], previously_written=result.written)
    assert removed.written == FileKeywords()
    assert service.read_keywords(heic).flat == ()


def test_existing_adobe_style_sidecar_is_updated_not_duplicated(shared_data, tmp_path, service):
    raw = tmp_path / "shot.nef"
    shutil.copyfile(shared_data / "metadata/exiftool/Nikon.nef", raw)
    if raw.read_bytes()[:4] not in (b"II*\0", b"MM\0*"):
        pytest.skip("sample is not TIFF-based")
    exiftool("-o", str(tmp_path / "shot.xmp"), "-XMP-dc:Subject=lightroom", "-XMP-xmp:Rating=3")
    result = service.write_keywords(raw, ["ours"])
    assert result.target == tmp_path / "shot.xmp"
    tags = subprocess.run(
        ["exiftool", "-j", "-XMP:all", str(tmp_path / "shot.xmp")],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    entry = json.loads(tags)[0]
    assert as_list(entry["Subject"]) == ["lightroom", "ours"] and entry["Rating"] == 3
    assert not (tmp_path / "shot.nef.xmp").exists()


def test_legacy_latin1_iptc_is_left_alone(photo, service):
    exiftool(
        "-charset", "iptc=Latin", "-IPTC:Caption-Abstract=Crème", "-IPTC:Keywords=alt", str(photo)
    )
    exiftool("-IPTC:CodedCharacterSet=", str(photo))
    result = service.write_keywords(photo, ["neu"])
    assert any("legacy" in n for n in result.notes)
    tags = exiftool_read(photo)
    assert as_list(tags["IPTC:Keywords"]) == ["alt"]
    assert as_list(tags["XMP-dc:Subject"]) == ["neu"]


def test_camera_exif_with_thumbnail_and_gps_stays_byte_identical(shared_data, tmp_path, service):
    """exiv2 rebuilding such EXIF broke thumbnails and GPS pointers in real files (issue #14):
    it is never rebuilt; XMP and IPTC carry the keywords, and the note says why."""
    from organizer.metadata.jpeg import header_segments

    photo = tmp_path / "canon.jpg"
    shutil.copyfile(shared_data / "metadata/exif-py/jpg/Canon_40D.jpg", photo)
    photo.chmod(0o644)

    def exif_segment(data: bytes) -> bytes:
        segments, _ = header_segments(data)
        (exif,) = [s for s in segments if s.kind(data) == "exif"]
        return data[exif.start : exif.end]

    before = exif_segment(photo.read_bytes())
    result = service.write_keywords(photo, ["dog", "holiday"])
    assert result.changed and any("XPKeywords not written" in n for n in result.notes)
    assert exif_segment(photo.read_bytes()) == before
    tags = exiftool_read(photo)
    assert as_list(tags.get("XMP-dc:Subject")) == ["dog", "holiday"]
    assert as_list(tags.get("IPTC:Keywords")) == ["dog", "holiday"]
