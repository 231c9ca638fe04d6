"""Writing the index's tags into the photos' own metadata (or sidecars), and recording it.

The metadata service does the safe write (temp file, verify, atomic replace) on its exiv2
thread; this module decides what each photo should hold and remembers what was written, so
that removing a tag later removes only Organizer's keyword and a rescan sees no change.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Sequence
from dataclasses import dataclass, field
from enum import Enum
from pathlib import Path

from organizer.ingest.files import content_hash
from organizer.library.store import Library
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
            self.library.begin_write_intent(
                photo_id,
                str(request.path),
                [*request.previously_written.flat, *request.keywords],
                [*request.previously_written.hierarchical, *request.hierarchical],
            )
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

    def recover_write_intents(self) -> int:
        """Settle writes a crash interrupted: whichever of the intended and the previously
        owned keywords the file now holds are Organizer's. Returns how many were settled."""
        settled = 0
        for photo_id, path, ours, hierarchical in self.library.write_intents():
            try:
                found = self.service.read_keywords(path)
            except (MetadataReadError, OSError) as error:
                log.warning("cannot settle the interrupted write of %s: %s", path, error)
                with self.library.transaction() as db:
                    self.library.clear_write_intent(db, photo_id)
                continue
            owned = FileKeywords(
                tuple(k for k in found.flat if k in set(ours)),
                tuple(k for k in found.hierarchical if k in set(hierarchical)),
            )
            self._record(photo_id, Path(path), owned)
            settled += 1
        return settled

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
    seen: set[str] = set()
    return [n for n in names if not (n.lower() in seen or seen.add(n.lower()))]
