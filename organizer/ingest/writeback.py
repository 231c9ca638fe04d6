"""Writing the index's tags into the photos' own metadata (or sidecars), and recording it.

The metadata service does the safe write (temp file, verify, atomic replace) on its exiv2
thread; this module decides what each photo should hold and remembers what was written, so
that removing a tag later removes only Organizer's keyword and a rescan sees no change.
"""

from __future__ import annotations

import logging
import os
import sys
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from enum import Enum
from pathlib import Path

from organizer.ingest.files import content_hash
from organizer.library.store import Library, WriteIntent
from organizer.metadata.errors import MetadataReadError, MetadataWriteError
from organizer.metadata.keywords import FileKeywords
from organizer.metadata.writer import MetadataService, WriteRequest

WRITE_BATCH = 32
log = logging.getLogger(__name__)


class WriteMode(Enum):
    OFF = "off"
    CONFIRMED = "confirmed"
    ALL = "all"

    @classmethod
    def from_setting(cls, value: str | None) -> WriteMode:
        try:
            return cls(value or "off")
        except ValueError:
            return cls.OFF


@dataclass
class WriteReport:
    written: int = 0
    unchanged: int = 0
    failed: list[tuple[str, str]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    cancelled: bool = False

    def summary(self) -> str:
        text = f"{self.written} written, {self.unchanged} already up to date"
        if self.failed:
            text += f", {len(self.failed)} failed"
        return text + (" (cancelled)" if self.cancelled else "")


class KeywordWriteback:
    def __init__(
        self, library: Library, service: MetadataService, *, keep_mtime: bool = True
    ) -> None:
        self.library = library
        self.service = service
        self.keep_mtime = keep_mtime

    def write(
        self,
        photo_ids: Sequence[int],
        mode: WriteMode,
        progress=None,
        cancelled: threading.Event | None = None,
    ) -> WriteReport:
        report = WriteReport()
        if mode is WriteMode.OFF:
            return report
        self.recover_write_intents()
        for start in range(0, len(photo_ids), WRITE_BATCH):
            if cancelled is not None and cancelled.is_set():
                report.cancelled = True
                break
            self._write_batch(photo_ids[start : start + WRITE_BATCH], mode, report)
            if progress is not None:
                progress(
                    "writing keywords", min(start + WRITE_BATCH, len(photo_ids)), len(photo_ids)
                )
        return report

    def _write_batch(self, photo_ids: Sequence[int], mode: WriteMode, report: WriteReport) -> None:
        """Each file: intent recorded → file replaced → write recorded, intent cleared. A crash
        at any point leaves an intent that ``recover_write_intents`` settles from the file."""
        for photo_id in photo_ids:
            request = self._request(photo_id, mode)
            flat, hierarchical = self._will_own(request)
            self.library.begin_write_intent(photo_id, str(request.path), flat, hierarchical)
            try:
                outcome = self.service.write_keywords(
                    request.path,
                    request.keywords,
                    request.hierarchical,
                    request.previously_written,
                    keep_mtime=self.keep_mtime,
                )
            except MetadataWriteError as error:
                report.failed.append((str(request.path), error.reason))
                with self.library.transaction() as db:
                    self.library.clear_write_intent(db, photo_id)  # the file is untouched
                continue
            report.notes.extend(f"{request.path}: {note}" for note in outcome.notes)
            if outcome.changed:
                report.written += 1
            else:
                report.unchanged += 1
            self._record(photo_id, request.path, outcome.written)

    def _record(self, photo_id: int, path: Path, written: FileKeywords) -> None:
        stat = path.stat()
        digest = content_hash(path)
        with self.library.transaction() as db:
            self.library.record_written(
                db,
                photo_id,
                written.flat,
                written.hierarchical,
                stat.st_size,
                stat.st_mtime_ns,
                digest,
            )
            self.library.clear_write_intent(db, photo_id)

    def _will_own(self, request: WriteRequest) -> tuple[list[str], list[str]]:
        """The keywords Organizer owns once ``request`` is written: what it owned, plus what it
        adds. A keyword another program already put in the file stays that program's."""
        try:
            present = self.service.read_keywords(request.path)
        except MetadataReadError:
            present = FileKeywords()
        previous = request.previously_written
        foreign_flat = {k.casefold() for k in present.flat} - {
            k.casefold() for k in previous.flat
        }
        foreign_tree = set(present.hierarchical) - set(previous.hierarchical)
        return (
            [*previous.flat, *(k for k in request.keywords if k.casefold() not in foreign_flat)],
            [*previous.hierarchical, *(k for k in request.hierarchical if k not in foreign_tree)],
        )

    def recover_write_intents(self) -> int:
        """Settle writes a crash interrupted: whichever of the keywords Organizer would own the
        file now holds are Organizer's. Intents of writes that may still be in progress (their
        process alive, and not old) are left alone. Returns how many were settled."""
        settled = 0
        for intent in self.library.write_intents():
            if not _abandoned(intent):
                continue
            path = self._current_path(intent)
            if path is None:
                with self.library.transaction() as db:
                    self.library.clear_write_intent(db, intent.photo_id)  # the photo is gone
                continue
            try:
                found = self.service.read_keywords(path)
                owned = FileKeywords(
                    tuple(k for k in found.flat if k in set(intent.flat)),
                    tuple(k for k in found.hierarchical if k in set(intent.hierarchical)),
                )
                self._record(intent.photo_id, path, owned)
            except (MetadataReadError, OSError) as error:
                # Unreadable for now (a drive offline?): the intent waits for the next run.
                log.warning("cannot settle the interrupted write of %s yet: %s", path, error)
                continue
            settled += 1
        return settled

    def _current_path(self, intent: WriteIntent) -> Path | None:
        """Where the photo is now (it may have moved since); None once it left the library."""
        paths = self.library.photo_paths([intent.photo_id])
        return Path(paths[0]) if paths and os.path.exists(paths[0]) else None

    def _request(self, photo_id: int, mode: WriteMode) -> WriteRequest:
        path = Path(self.library.photo_path(photo_id))
        flat, hierarchical = self.library.keywords_to_write(photo_id, mode is WriteMode.ALL)
        before_flat, before_hierarchical = self.library.written_keywords(photo_id)
        previous = FileKeywords(tuple(before_flat), tuple(before_hierarchical))
        return WriteRequest(path, tuple(flat), tuple(hierarchical), previous)


def keywords_as_tags(keywords: FileKeywords) -> list[str]:
    """Flat keywords plus the leaf of each hierarchical path ("animal|dog" gives "dog")."""
    names = list(keywords.flat)
    for path in keywords.hierarchical:
        leaf = path.replace("/", "|").split("|")[-1].strip()
        if leaf:
            names.append(leaf)
    # The first spelling of each name wins; the dict keeps first-seen order.
    first: dict[str, str] = {}
    for name in names:
        first.setdefault(name.lower(), name)
    return list(first.values())


# An intent older than this is abandoned even if its process id is alive again (reused).
ABANDONED_AFTER_S = 3600.0


def _abandoned(intent: WriteIntent) -> bool:
    """Whether the write behind ``intent`` can no longer finish by itself."""
    if time.time() - intent.created_at > ABANDONED_AFTER_S:
        return True
    if intent.owner_pid == os.getpid():
        return False  # another thread of this process may be writing it right now
    return not _process_alive(intent.owner_pid)


def _process_alive(pid: int) -> bool:
    if pid <= 0:
        return False  # not recorded
    if sys.platform == "win32":
        return True  # os.kill would terminate it there; the age rule settles the intent
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # exists, owned by someone else
    except OSError:
        return False
    return True
