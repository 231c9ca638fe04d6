"""Writing keywords must never damage a photo: crashes, read-only files, full disks, races."""

from __future__ import annotations

import json
import os
import random
import shutil
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest
from PIL import Image

from organizer.metadata import (
    MetadataService,
    MetadataWriteError,
    OwnWrites,
    WriteRequest,
    WriteResult,
    clean_stale_temp_files,
    is_temp_file,
)
from organizer.metadata.image_data import fingerprint

REPO = Path(__file__).resolve().parents[1]
KEYWORDS = ["beach", "sunset", "中文"]


def _copy(src: Path, dst: Path) -> Path:
    shutil.copyfile(src, dst)  # copyfile: the shared files are read-only, the copies are not
    return dst


@pytest.fixture
def camera_jpeg(shared_data: Path, tmp_path: Path) -> Path:
    return _copy(shared_data / "metadata/exif-py/jpg/Canon_40D.jpg", tmp_path / "canon.jpg")


def _run_child(code: str, *args: str, **kwargs) -> subprocess.Popen[str]:
    env = {**os.environ, "PYTHONPATH": os.fspath(REPO)}
    return subprocess.Popen(
        [sys.executable, "-c", textwrap.dedent(code), *args],
        env=env,
        stdout=subprocess.PIPE,
        text=True,
        **kwargs,
    )


CRASH_WRITER = """
    import sys
    from pathlib import Path
    from organizer.metadata import MetadataService
    paths = [Path(p) for p in sys.argv[1:]]
    with MetadataService() as service:
        print("ready", flush=True)
        for path in paths:
            service.write_keywords(path, ["beach", "sunset", "中文"])
    print("done", flush=True)
"""


def test_sigkill_at_random_moments_leaves_old_or_new_files(shared_data, tmp_path):
    sources = sorted((shared_data / "photos/coco128/images").glob("*.jpg"))[:200]
    assert len(sources) >= 150
    photos = [_copy(src, tmp_path / src.name) for src in sources]
    originals = {p: p.read_bytes() for p in photos}
    prints = {p: fingerprint(data, "jpeg") for p, data in originals.items()}
    with MetadataService() as service:  # some COCO photos carry keywords already
        expected = {p: set(service.read_keywords(p).flat) | set(KEYWORDS) for p in photos}
    seed = random.randrange(1 << 30)
    rng = random.Random(seed)

    for _ in range(6):
        child = _run_child(CRASH_WRITER, *map(os.fspath, photos))
        assert child.stdout is not None
        assert child.stdout.readline().strip() == "ready"
        time.sleep(rng.uniform(0.0, 0.6))
        child.send_signal(signal.SIGKILL)
        child.wait()
        _assert_each_file_old_or_new(photos, originals, prints, expected, seed)

    # Photos whose own XMP other programs would read instead get a sidecar (issue #14).
    sidecars = {p for p in tmp_path.iterdir() if p.name.endswith(".jpg.xmp")}
    leftovers = [p for p in tmp_path.iterdir() if p not in originals and p not in sidecars]
    assert all(is_temp_file(p) and p.suffix == ".part" for p in leftovers), (seed, leftovers)
    removed = clean_stale_temp_files(tmp_path, older_than_s=0)
    assert sorted(removed) == sorted(leftovers)
    assert sorted(set(tmp_path.iterdir()) - sidecars) == sorted(photos)

    # A final run without interruption finishes every file.
    child = _run_child(CRASH_WRITER, *map(os.fspath, photos))
    assert child.wait(timeout=120) == 0
    with MetadataService() as service:
        assert all(set(KEYWORDS) <= set(service.read_keywords(p).flat) for p in photos)


def _assert_each_file_old_or_new(photos, originals, prints, expected, seed) -> None:
    with MetadataService() as service:
        for photo in photos:
            data = photo.read_bytes()
            if data == originals[photo]:
                continue
            # Not the original: it must be the complete new version, whole and decodable.
            assert fingerprint(data, "jpeg") == prints[photo], (seed, photo)
            assert set(service.read_keywords(photo).flat) == expected[photo], (seed, photo)
            with Image.open(photo) as image:
                image.load()


def test_read_only_file_is_refused_or_gets_a_sidecar(camera_jpeg):
    original = camera_jpeg.read_bytes()
    camera_jpeg.chmod(0o444)
    with MetadataService() as service:
        with pytest.raises(MetadataWriteError) as error:
            service.write_keywords(camera_jpeg, KEYWORDS)
        assert "read-only" in error.value.reason and error.value.path == camera_jpeg
        result = service.write_keywords(camera_jpeg, KEYWORDS, sidecar_for_readonly=True)
        assert result.target == camera_jpeg.with_name("canon.jpg.xmp")
        assert set(KEYWORDS) <= set(service.read_keywords(camera_jpeg).flat)
    assert camera_jpeg.read_bytes() == original


FULL_DISK_WRITER = """
    import json, resource, signal, sys
    from pathlib import Path
    from organizer.metadata import MetadataService, WriteRequest
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # get EFBIG instead of being killed
    resource.setrlimit(resource.RLIMIT_FSIZE, (int(sys.argv[1]), int(sys.argv[1])))
    requests = [WriteRequest(Path(p), ("beach",)) for p in sys.argv[2:]]
    with MetadataService() as service:
        outcomes = service.write_many(requests)
    print(json.dumps([getattr(o, "reason", "ok") for o in outcomes]))
"""


def test_full_disk_gives_a_clear_error_and_the_batch_goes_on(shared_data, tmp_path):
    big = _copy(shared_data / "metadata/exif-py/jpg/gps/DSCN0010.jpg", tmp_path / "big.jpg")
    small = _copy(shared_data / "metadata/pillow/hopper_orientation_2.jpg", tmp_path / "small.jpg")
    limit = 64 * 1024
    assert big.stat().st_size > limit > small.stat().st_size + 8192
    big_before = big.read_bytes()
    child = _run_child(FULL_DISK_WRITER, str(limit), os.fspath(big), os.fspath(small))
    out, _ = child.communicate(timeout=60)
    reasons = json.loads(out)
    assert "file size limit" in reasons[0] or "disk is full" in reasons[0]
    assert reasons[1] == "ok"
    assert big.read_bytes() == big_before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["big.jpg", "small.jpg"]


def test_file_deleted_during_the_write(shared_data, tmp_path):
    victim = _copy(shared_data / "metadata/exif-py/jpg/Canon_40D.jpg", tmp_path / "victim.jpg")
    other = _copy(shared_data / "metadata/exif-py/jpg/Nikon_D70.jpg", tmp_path / "other.jpg")

    def delete_victim(path: Path) -> None:
        if path.name == "victim.jpg":
            path.unlink()

    with MetadataService(before_replace=delete_victim) as service:
        outcomes = service.write_many([WriteRequest(victim, ("a",)), WriteRequest(other, ("a",))])
    assert isinstance(outcomes[0], MetadataWriteError)
    assert "deleted" in outcomes[0].reason and outcomes[0].path == victim
    assert isinstance(outcomes[1], WriteResult) and outcomes[1].changed
    assert sorted(p.name for p in tmp_path.iterdir()) == ["other.jpg"]


def test_file_changed_by_another_program_during_the_write(camera_jpeg):
    def other_program_edits(path: Path) -> None:
        with open(path, "ab") as handle:
            handle.write(b"\0")

    edited = None
    with MetadataService(before_replace=other_program_edits) as service:
        with pytest.raises(MetadataWriteError, match="changed on disk"):
            service.write_keywords(camera_jpeg, ["a"])
        edited = camera_jpeg.read_bytes()
    assert edited.endswith(b"\0")  # the other program's version survives
    assert not [p for p in camera_jpeg.parent.iterdir() if is_temp_file(p)]


@pytest.mark.parametrize(
    ("rel", "reason"),
    [
        ("piexif/notjpeg.jpg", "empty"),
        ("exif-py/heic/heic_hdlr_box.jpg", "does not match"),
        ("pillow/truncated_jpeg.jpg", "damaged"),
        ("pillow/truncated_image.png", "damaged"),
    ],
)
def test_bad_files_are_refused_untouched(shared_data, tmp_path, rel, reason):
    photo = _copy(shared_data / "metadata" / rel, tmp_path / Path(rel).name)
    before = photo.read_bytes()
    with MetadataService() as service, pytest.raises(MetadataWriteError, match=reason):
        service.write_keywords(photo, KEYWORDS)
    assert photo.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == [photo.name]


def test_permissions_and_mtime_are_kept_unless_asked(camera_jpeg):
    camera_jpeg.chmod(0o640)
    os.utime(camera_jpeg, ns=(1_000_000_000_000_000_000, 1_000_000_000_000_000_000))
    with MetadataService() as service:
        service.write_keywords(camera_jpeg, ["a"])
        assert camera_jpeg.stat().st_mtime_ns == 1_000_000_000_000_000_000
        assert camera_jpeg.stat().st_mode & 0o777 == 0o640
        service.write_keywords(camera_jpeg, ["a", "b"], keep_mtime=False)
        assert camera_jpeg.stat().st_mtime_ns > 1_000_000_000_000_000_000


def test_own_writes_are_recognised_by_a_watcher(camera_jpeg):
    own = OwnWrites()
    with MetadataService(own) as service:
        service.write_keywords(camera_jpeg, ["a"])
    assert own.is_own_write(camera_jpeg)
    assert own.is_own_write(camera_jpeg.with_name(".organizer-tmp-abc.part"))
    with open(camera_jpeg, "ab") as handle:  # someone else edits it afterwards
        handle.write(b"\0")
    assert not own.is_own_write(camera_jpeg)


def test_own_writes_expire():
    now = [0.0]
    own = OwnWrites(ttl_s=10, clock=lambda: now[0])
    own.record(__file__)
    assert own.is_own_write(__file__)
    now[0] = 11.0
    assert not own.is_own_write(__file__)
    assert len(own) == 0


def test_stale_temp_files_are_cleaned_but_fresh_ones_kept(tmp_path):
    stale = tmp_path / ".organizer-tmp-old.part"
    fresh = tmp_path / "sub" / ".organizer-tmp-new.part"
    fresh.parent.mkdir()
    stale.write_bytes(b"x")
    fresh.write_bytes(b"x")
    os.utime(stale, (time.time() - 3600, time.time() - 3600))
    assert clean_stale_temp_files(tmp_path) == [stale]
    assert fresh.exists()


def test_many_threads_share_the_one_exiv2_thread(shared_data, tmp_path):
    from concurrent.futures import ThreadPoolExecutor

    sources = sorted((shared_data / "metadata/exif-py/jpg/orientation").glob("*.jpg"))
    photos = [_copy(src, tmp_path / src.name) for src in sources]
    with MetadataService() as service, ThreadPoolExecutor(8) as pool:
        results = list(pool.map(lambda p: service.write_keywords(p, ["x"]), photos))
        assert all(r.changed for r in results)
        assert all(service.read_keywords(p).flat == ("x",) for p in photos)
