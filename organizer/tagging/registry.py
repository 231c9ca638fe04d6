"""Model versions of a library: ``<library>/models/<version>/`` bundles, which one is active.

- The shipped bundle is always available as version ``default``.
- A trained bundle is written into a hidden staging folder and renamed into place only when
  complete (a rename within one folder is atomic), so a killed training run leaves no
  half-written version behind, just a stale staging folder that the next run removes.
- Activation is one write of the ``active_model`` setting (one SQLite transaction, together
  with ``previous_model`` for rollback): the active model is always either the old or the new
  one, never a mix. Processes notice a change by re-reading the setting (``App.refresh_model``).
- Every trained bundle records SHA-256 digests of its files; a version is checked against
  them before it is activated, so ``models use VERSION`` restores exactly what was trained.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import re
import secrets
import shutil
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from organizer.errors import ModelError
from organizer.library.store import Library
from organizer.tagging.bundle import BUNDLE_FILE, ModelBundle, default_bundle_dir, load_bundle

DEFAULT_VERSION = "default"
ACTIVE_KEY = "active_model"
PREVIOUS_KEY = "previous_model"
COUNTER_KEY = "model_counter"
STAGING_PREFIX = ".staging-"
STALE_STAGING_SECONDS = 6 * 3600
_VERSION_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")


@dataclass(frozen=True)
class ModelVersion:
    """One entry of ``organizer models``."""

    name: str
    directory: Path
    created: str | None
    parent: str | None
    active: bool
    activated_by_training: bool | None  # None for the shipped bundle
    new_tags: tuple[str, ...]
    retrained_tags: tuple[str, ...]
    tag_count: int

    @property
    def status(self) -> str:
        if self.active:
            return "active"
        if self.activated_by_training is None:
            return "shipped"
        return "trained" if self.activated_by_training else "candidate"

    def to_dict(self) -> dict:
        return {
            "version": self.name,
            "status": self.status,
            "active": self.active,
            "created": self.created,
            "parent": self.parent,
            "tags": self.tag_count,
            "new_tags": list(self.new_tags),
            "retrained_tags": list(self.retrained_tags),
            "path": str(self.directory),
        }


def file_digest(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


class ModelRegistry:
    """The versions in ``models_dir`` and the library's choice among them."""

    def __init__(self, models_dir: Path, library: Library, shipped_dir: Path | None = None):
        self.models_dir = Path(models_dir)
        self.library = library
        self.shipped_dir = Path(shipped_dir) if shipped_dir else default_bundle_dir()

    # -- reading ---------------------------------------------------------------------------

    def active_name(self) -> str:
        return self.library.setting(ACTIVE_KEY) or DEFAULT_VERSION

    def previous_name(self) -> str | None:
        return self.library.setting(PREVIOUS_KEY)

    def directory(self, name: str) -> Path:
        if name == DEFAULT_VERSION:
            return self.shipped_dir
        if not _VERSION_NAME.match(name):
            raise ModelError(f"{name!r} is not a model version name")
        return self.models_dir / name

    def active_bundle(self) -> ModelBundle:
        name = self.active_name()
        directory = self.directory(name)
        if not directory.is_dir():
            raise ModelError(
                f"the active model {name!r} is missing from {directory}; "
                "run 'organizer models use default' to go back to the shipped model"
            )
        return load_bundle(directory)

    def load(self, name: str) -> ModelBundle:
        """A version's bundle, its files checked against the digests recorded at training."""
        directory = self.directory(name)
        if not directory.is_dir():
            known = ", ".join(v.name for v in self.versions())
            raise ModelError(f"no model version {name!r} (known: {known})")
        bundle = load_bundle(directory)
        for file_name, expected in (bundle.metadata.get("files") or {}).items():
            path = directory / file_name
            if not path.is_file():
                raise ModelError(f"model version {name!r} is incomplete: {file_name} is missing")
            if file_digest(path) != expected:
                raise ModelError(
                    f"model version {name!r} is damaged: {file_name} differs from what was "
                    "trained (checksum mismatch)"
                )
        return bundle

    def versions(self) -> list[ModelVersion]:
        active = self.active_name()
        found = [self._describe(DEFAULT_VERSION, self.shipped_dir, active)]
        if self.models_dir.is_dir():
            for directory in sorted(self.models_dir.iterdir(), key=_version_sort_key):
                if directory.name.startswith(".") or not (directory / BUNDLE_FILE).is_file():
                    continue
                found.append(self._describe(directory.name, directory, active))
        return found

    def _describe(self, name: str, directory: Path, active: str) -> ModelVersion:
        try:
            manifest = json.loads((directory / BUNDLE_FILE).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            manifest = {}
        training = manifest.get("training")
        return ModelVersion(
            name=name,
            directory=directory,
            created=manifest.get("created"),
            parent=(training or {}).get("parent"),
            active=name == active,
            activated_by_training=None if training is None else bool(training.get("activated")),
            new_tags=tuple((training or {}).get("new_tags", ())),
            retrained_tags=tuple((training or {}).get("retrained_tags", ())),
            tag_count=len(manifest.get("tags", ())),
        )

    # -- changing --------------------------------------------------------------------------

    def activate(self, name: str) -> ModelBundle:
        """Make ``name`` the active model (checked first); the old one becomes 'previous'."""
        bundle = self.load(name)
        current = self.active_name()
        with self.library.transaction() as db:
            Library.put_setting(db, ACTIVE_KEY, None if name == DEFAULT_VERSION else name)
            if current != name:
                Library.put_setting(db, PREVIOUS_KEY, current)
        return bundle

    def next_version_name(self) -> str:
        """``user-N``: N only ever grows (a counter in the library), so a version name, which
        photos record as the model that tagged them, is never reused."""
        number = self.library.next_counter(
            COUNTER_KEY, lambda n: (self.models_dir / f"user-{n}").exists()
        )
        return f"user-{number}"

    @contextlib.contextmanager
    def staging(self) -> Iterator[Path]:
        """A private folder to build a bundle in; removed unless ``publish`` moved it."""
        self.models_dir.mkdir(parents=True, exist_ok=True)
        self.remove_stale_staging()
        path = self.models_dir / f"{STAGING_PREFIX}{os.getpid()}-{secrets.token_hex(4)}"
        path.mkdir()
        try:
            yield path
        finally:
            if path.exists():
                shutil.rmtree(path, ignore_errors=True)

    def publish(self, staging: Path, name: str) -> Path:
        """Flush the staged files to disk, then rename the folder into place (atomic)."""
        for file in staging.iterdir():
            with open(file, "rb") as handle:
                os.fsync(handle.fileno())
        target = self.directory(name)
        if target.exists():
            raise ModelError(f"model version {name!r} already exists at {target}")
        os.replace(staging, target)
        _fsync_directory(self.models_dir)
        return target

    def remove_stale_staging(self) -> None:
        """Leftovers of killed training runs (old enough that no run can still own them)."""
        if not self.models_dir.is_dir():
            return
        now = time.time()
        for path in self.models_dir.glob(f"{STAGING_PREFIX}*"):
            with contextlib.suppress(OSError):
                owner_gone = not _process_alive(path.name[len(STAGING_PREFIX) :].split("-")[0])
                if owner_gone or now - path.stat().st_mtime > STALE_STAGING_SECONDS:
                    shutil.rmtree(path)


def _version_sort_key(path: Path) -> tuple:
    match = re.match(r"^user-(\d+)$", path.name)
    return (0, int(match.group(1)), "") if match else (1, 0, path.name)


def _process_alive(pid_text: str) -> bool:
    """POSIX only (signal 0 probes without signalling); elsewhere the age rule decides."""
    if os.name != "posix" or not pid_text.isdigit():
        return True
    try:
        os.kill(int(pid_text), 0)
    except ProcessLookupError:
        return False
    except OSError:
        return True
    return True


def _fsync_directory(path: Path) -> None:
    """Make the rename durable where the platform allows opening a directory."""
    with contextlib.suppress(OSError, AttributeError):
        fd = os.open(path, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
