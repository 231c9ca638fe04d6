"""Replace a file's bytes so that a crash at any moment leaves the old or the new file, whole.

Steps: write a temp file in the same folder (same filesystem, so the rename is atomic) → fsync
it → give it the original's permissions, owner and (optionally) times → the caller verifies it →
check the original was not changed or deleted meanwhile → ``os.replace`` → fsync the folder so the
rename itself survives a power cut.

Temp files are named ``.organizer-tmp-*.part``: hidden, with an extension no photo scanner takes
for an image. A crash can leave one behind; ``clean_stale_temp_files`` removes those.
"""

from __future__ import annotations

import contextlib
import errno
import os
import stat as stat_module
import tempfile
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

TEMP_PREFIX = ".organizer-tmp-"
TEMP_SUFFIX = ".part"
STALE_AFTER_S = 15 * 60.0
NEW_FILE_MODE = 0o644


class AtomicWriteError(OSError):
    """A step of the atomic write failed; ``reason`` is fit to show a user."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class Snapshot:
    """What the original looked like when we read it (to notice changes by others)."""

    ino: int
    dev: int
    size: int
    mtime_ns: int
    atime_ns: int
    mode: int
    uid: int
    gid: int

    @classmethod
    def of(cls, st: os.stat_result) -> Snapshot:
        return cls(
            st.st_ino,
            st.st_dev,
            st.st_size,
            st.st_mtime_ns,
            st.st_atime_ns,
            stat_module.S_IMODE(st.st_mode),
            st.st_uid,
            st.st_gid,
        )

    def same_file_content(self, st: os.stat_result) -> bool:
        return (st.st_ino, st.st_dev, st.st_size, st.st_mtime_ns) == (
            self.ino,
            self.dev,
            self.size,
            self.mtime_ns,
        )


def is_temp_file(path: Path | str) -> bool:
    """True for Organizer's temp files (in progress or left by a crash): never photos."""
    name = os.path.basename(os.fspath(path))
    return name.startswith(TEMP_PREFIX) and name.endswith(TEMP_SUFFIX)


def write_temp(folder: Path, data: bytes, like: Snapshot | None) -> Path:
    """Write ``data`` to a new temp file in ``folder``, fsynced, with ``like``'s mode and owner."""
    return write_temp_from(folder, lambda handle: handle.write(data), like)


def write_temp_from(
    folder: Path, write: Callable[[BinaryIO], object], like: Snapshot | None = None
) -> Path:
    """``write_temp`` for content too big to hold as bytes: ``write(handle)`` writes it."""
    try:
        fd, name = tempfile.mkstemp(prefix=TEMP_PREFIX, suffix=TEMP_SUFFIX, dir=folder)
    except OSError as exc:
        raise AtomicWriteError(
            f"cannot create a temporary file in {folder}: {_os_reason(exc)}"
        ) from exc
    temp = Path(name)
    try:
        with os.fdopen(fd, "wb") as handle:
            write(handle)
            handle.flush()
            if like is not None:
                _copy_owner_and_mode(handle.fileno(), like)
            else:
                # Reading the umask means changing it (not thread-safe): use the usual default.
                os.fchmod(handle.fileno(), NEW_FILE_MODE)
            os.fsync(handle.fileno())
    except OSError as exc:
        discard(temp)
        raise AtomicWriteError(f"cannot write the temporary file: {_os_reason(exc)}") from exc
    except BaseException:
        discard(temp)
        raise
    return temp


def set_times(temp: Path, like: Snapshot) -> None:
    """Give the temp file the original's access and modification times."""
    os.utime(temp, ns=(like.atime_ns, like.mtime_ns))


def replace(temp: Path, target: Path, original: Snapshot | None) -> os.stat_result:
    """Atomically put ``temp`` in place of ``target``; ``original=None`` means a new file.

    Refuses (and removes the temp file) if the target changed, vanished or appeared since it was
    read: another program's write must not be overwritten with our stale copy.
    """
    try:
        _check_target_unchanged(target, original)
        if original is None:
            _link_new(temp, target)
        else:
            os.replace(temp, target)
        _fsync_folder(target.parent)
        return os.stat(target)
    except AtomicWriteError:
        discard(temp)
        raise
    except OSError as exc:
        discard(temp)
        raise AtomicWriteError(f"cannot replace the file: {_os_reason(exc)}") from exc


def discard(temp: Path) -> None:
    with contextlib.suppress(FileNotFoundError):
        temp.unlink()


def clean_stale_temp_files(
    folder: Path, *, older_than_s: float = STALE_AFTER_S, recursive: bool = True
) -> list[Path]:
    """Delete temp files a crashed write left in ``folder``; returns what was removed."""
    pattern = f"**/{TEMP_PREFIX}*{TEMP_SUFFIX}" if recursive else f"{TEMP_PREFIX}*{TEMP_SUFFIX}"
    return remove_stale_temp_files(Path(folder).glob(pattern), older_than_s=older_than_s)


def remove_stale_temp_files(
    candidates: Iterable[Path | str], *, older_than_s: float = STALE_AFTER_S
) -> list[Path]:
    """Delete those of ``candidates`` that are our temp files and older than ``older_than_s``.

    The age rule keeps a write in progress in another process from being broken.
    """
    removed: list[Path] = []
    cutoff = time.time() - older_than_s
    for candidate in candidates:
        path = Path(candidate)
        if not is_temp_file(path):
            continue
        try:
            if path.is_file() and not path.is_symlink() and path.stat().st_mtime < cutoff:
                path.unlink()
                removed.append(path)
        except OSError:
            continue  # vanished or not ours to delete: nothing to clean
    return removed


def _check_target_unchanged(target: Path, original: Snapshot | None) -> None:
    try:
        current = os.stat(target)
    except FileNotFoundError:
        if original is not None:
            raise AtomicWriteError(
                "the file was deleted while its keywords were being written"
            ) from None
        return
    if original is None:
        raise AtomicWriteError("the file appeared while being written (another program?)")
    if not original.same_file_content(current):
        raise AtomicWriteError(
            "the file changed on disk while its keywords were being written (another program?)"
        )


def _link_new(temp: Path, target: Path) -> None:
    """Create ``target`` without ever overwriting a file that appeared meanwhile."""
    try:
        os.link(temp, target)
    except FileExistsError as exc:
        raise AtomicWriteError("the file appeared while being written (another program?)") from exc
    except OSError as exc:
        if exc.errno not in (errno.EPERM, errno.ENOTSUP, errno.EOPNOTSUPP, errno.EXDEV):
            raise
        os.replace(temp, target)  # filesystems without hard links (FAT, some network shares)
        return
    discard(temp)


def _copy_owner_and_mode(fd: int, like: Snapshot) -> None:
    current = os.fstat(fd)
    if (current.st_uid, current.st_gid) != (like.uid, like.gid):
        try:
            os.fchown(fd, like.uid, like.gid)
        except PermissionError as exc:
            raise AtomicWriteError(
                "the file belongs to another user; rewriting it would change its owner"
            ) from exc
    os.fchmod(fd, like.mode)


def _fsync_folder(folder: Path) -> None:
    try:
        fd = os.open(folder, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    except OSError:
        return  # Windows cannot open folders; its rename is durable on NTFS
    try:
        os.fsync(fd)
    except OSError:
        pass  # some filesystems refuse fsync on a folder; the data itself is already synced
    finally:
        os.close(fd)


def _os_reason(exc: OSError) -> str:
    reasons = {
        errno.ENOSPC: "the disk is full",
        errno.EDQUOT: "the disk quota is exceeded",
        errno.EFBIG: "the file is too large for the filesystem or the file size limit",
        errno.EROFS: "the disk is read-only",
        errno.EACCES: "permission denied",
        errno.EPERM: "operation not permitted",
    }
    return reasons.get(exc.errno or 0, exc.strerror or str(exc))


def os_reason(exc: OSError) -> str:
    """A short human reason for an OS error (disk full, permission denied...)."""
    return _os_reason(exc)
