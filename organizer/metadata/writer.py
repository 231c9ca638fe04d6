"""MetadataService: read and write a photo's keywords, safely, on one exiv2 thread.

exiv2's XMP toolkit initialises global state that is not thread-safe, and pyexiv2 keeps its error
log in a global, so every pyexiv2 call goes through the service's single worker thread. The
blocking methods (``read_keywords``, ``write_keywords``, ``write_many``) may be called from any
thread; ``submit_read``/``submit_write`` return futures for callers that must not block (the UI).

Every write (see ``_write_embedded``):

1. refuse what we cannot write safely, with a reason: missing file, extension that lies about the
   content, unknown format, image data that does not decode (truncated, corrupt, decompression
   bomb), read-only file (or a sidecar, if the caller allows), hard-linked file, read-only folder;
2. plan the keyword fields (keywords.plan_edit): nothing to change → no write at all;
3. exiv2 edits an in-memory copy; the bytes go to ``.organizer-tmp-*.part`` in the same folder,
   fsynced, with the original's mode and owner;
4. verify the temp file: exiv2 re-reads it from disk; every keyword field holds what was planned;
   every other EXIF/IPTC/XMP value is unchanged; the image data fingerprint is unchanged;
5. keep the modification time (default), check nobody changed or deleted the original meanwhile,
   ``os.replace``, fsync the folder; record the write in OwnWrites for the folder watcher.

Any failure raises MetadataWriteError(path, reason) and leaves the original file untouched.

Which keywords to pass (confirmed tags only, or confirmed + suggested) is the caller's setting;
the caller also stores ``WriteResult.written`` and passes it back as ``previously_written`` next
time, which is how removing a tag removes only what Organizer wrote.
"""

from __future__ import annotations

import dataclasses
import logging
import os
import re
import stat as stat_module
import threading
from collections.abc import Callable, Iterable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from organizer.imaging import too_large_reason
from organizer.metadata import exiv2_io
from organizer.metadata.atomic import (
    AtomicWriteError,
    Snapshot,
    discard,
    os_reason,
    replace,
    set_times,
    write_temp,
)
from organizer.metadata.errors import MetadataReadError, MetadataWriteError
from organizer.metadata.exiv2_io import Exiv2Error, Table, Tables
from organizer.metadata.formats import HEADER_BYTES, FormatError, FormatInfo, Storage, classify
from organizer.metadata.formats import sniff as sniff_format
from organizer.metadata.image_data import (
    ImageDataError,
    check_decodes,
    fingerprint,
    png_text_chunks,
)
from organizer.metadata.iptc import IptcStructureError
from organizer.metadata.jpeg import JpegStructureError, has_hidden_xmp, splice
from organizer.metadata.keywords import (
    KEYWORD_FIELDS,
    XMP_DIGIKAM_TAGS,
    EditPlan,
    FileKeywords,
    clean_keywords,
    plan_edit,
)
from organizer.metadata.own_writes import OwnWrites
from organizer.metadata.sidecar import (
    EMPTY_PACKET,
    SidecarNaming,
    existing_sidecars,
    sidecar_target,
)

# exiv2 reports where sub-directories and thumbnails start; moving them is not a change.
_OFFSET_TAGS = frozenset(
    {
        "Exif.Image.ExifTag",
        "Exif.Image.GPSTag",
        "Exif.Photo.InteroperabilityTag",
        "Exif.Thumbnail.JPEGInterchangeFormat",
        "Exif.Image.JPEGInterchangeFormat",
        "Exif.Image.StripOffsets",
        "Exif.Image.TileOffsets",
        "Exif.Image.SubIFDs",
        "Exif.Image.XMLPacket",  # exiv2 regenerates TIFF's XMP tag from the XMP it writes
        "Exif.Image.IPTCNAA",  # ... and TIFF's IPTC tag from the IPTC it writes
        "Exif.Image.ImageResources",  # Photoshop IRB, which carries IPTC in TIFF
    }
)
# Tags we add with XPKeywords when a file had no EXIF at all (the EXIF standard requires them).
_EXIF_ADDED_WITH_NEW_BLOCK = frozenset(exiv2_io.REQUIRED_IFD0_TAGS)
# exiftool finds broken maker notes, thumbnails (their pointer moved into the XMP segment) and
# GPS/IFD1 pointers in files where exiv2's own re-read looks perfect, so any EXIF holding such
# parts is never rebuilt: XPKeywords is left out there, the camera's EXIF stays byte-identical.
_FRAGILE_EXIF = frozenset({"Exif.Photo.MakerNote", "Exif.Image.PrintImageMatching"})
_FRAGILE_EXIF_GROUPS = ("Exif.Thumbnail.", "Exif.GPSInfo.", "Exif.Iop.")
EXIF_RELOCATION_NOTE = (
    "XPKeywords not written: adding it would rebuild the camera's EXIF (maker notes, thumbnail "
    "or GPS pointers); XMP and IPTC have the keywords"
)
# exiv2 adds these IPTC envelope records when it creates an IPTC block.
_IPTC_ADDED_BY_EXIV2 = frozenset({"Iptc.Envelope.ModelVersion", "Iptc.Application2.RecordVersion"})
NOTHING = FileKeywords()
log = logging.getLogger(__name__)
_EXIV2_READABLE = frozenset({"jpeg", "png", "webp", "tiff", "heif", "raw", "jxl", "gif", "bmp"})


@dataclass(frozen=True)
class WriteRequest:
    path: Path
    keywords: tuple[str, ...]
    hierarchical: tuple[str, ...] = ()
    previously_written: FileKeywords = NOTHING


@dataclass(frozen=True)
class WriteResult:
    """Outcome of a successful write (or of finding nothing to write)."""

    path: Path  # the photo
    target: Path  # the file holding the keywords: the photo itself or its .xmp sidecar
    written: FileKeywords  # keywords Organizer now owns in ``target``: store, pass back next time
    changed: bool  # False when the target already held exactly this: nothing was rewritten
    notes: tuple[str, ...] = field(default=())  # fields left out, and why (see keywords.py)


class MetadataService:
    """Owns the one thread on which all exiv2 work runs. Close it (or use ``with``) when done."""

    def __init__(
        self,
        own_writes: OwnWrites | None = None,
        *,
        sidecar_naming: SidecarNaming = SidecarNaming.APPEND,
        check_image_decodes: bool = True,
        before_replace: Callable[[Path], None] | None = None,
    ) -> None:
        """``before_replace(path)`` runs just before the atomic swap (tests use it to race)."""
        self.own_writes = own_writes if own_writes is not None else OwnWrites()
        self._sidecar_naming = sidecar_naming
        self._check_image_decodes = check_image_decodes
        self._before_replace = before_replace
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="exiv2")
        self._thread_id: int | None = None
        self._executor.submit(self._start_worker).result()

    # --- public API -----------------------------------------------------------------------

    def read_keywords(self, path: Path | str) -> FileKeywords:
        """Keywords in the file and its sidecars (raises MetadataReadError)."""
        return self._run(_read_keywords, Path(path))

    def write_keywords(
        self,
        path: Path | str,
        keywords: Iterable[str],
        hierarchical: Iterable[str] = (),
        previously_written: FileKeywords | None = None,
        *,
        keep_mtime: bool = True,
        sidecar_for_readonly: bool = False,
    ) -> WriteResult:
        """Make ``path`` hold ``keywords`` (raises MetadataWriteError; the file is then intact)."""
        request = WriteRequest(
            Path(path), tuple(keywords), tuple(hierarchical), previously_written or NOTHING
        )
        return self._run(self._write, request, keep_mtime, sidecar_for_readonly)

    def write_many(
        self,
        requests: Iterable[WriteRequest],
        *,
        keep_mtime: bool = True,
        sidecar_for_readonly: bool = False,
    ) -> list[WriteResult | MetadataWriteError]:
        """Write each request; a failure is returned in its place and the batch goes on."""
        futures = [self.submit_write(r, keep_mtime, sidecar_for_readonly) for r in requests]
        outcomes: list[WriteResult | MetadataWriteError] = []
        for future in futures:
            try:
                outcomes.append(future.result())
            except MetadataWriteError as exc:
                outcomes.append(exc)
        return outcomes

    def submit_read(self, path: Path | str) -> Future[FileKeywords]:
        return self._executor.submit(_read_keywords, Path(path))

    def submit_write(
        self, request: WriteRequest, keep_mtime: bool = True, sidecar_for_readonly: bool = False
    ) -> Future[WriteResult]:
        return self._executor.submit(self._write, request, keep_mtime, sidecar_for_readonly)

    def close(self) -> None:
        self._executor.shutdown(wait=True)

    def __enter__(self) -> MetadataService:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    # --- worker side ----------------------------------------------------------------------

    def _start_worker(self) -> None:
        self._thread_id = threading.get_ident()
        exiv2_io.configure()

    def _run(self, fn, *args):
        if threading.get_ident() == self._thread_id:  # already on the exiv2 thread
            return fn(*args)
        return self._executor.submit(fn, *args).result()

    def _write(
        self, request: WriteRequest, keep_mtime: bool, sidecar_for_readonly: bool
    ) -> WriteResult:
        photo = Path(os.path.abspath(request.path))
        try:
            desired = FileKeywords(
                clean_keywords(request.keywords), clean_keywords(request.hierarchical)
            )
        except ValueError as exc:
            raise MetadataWriteError(request.path, str(exc)) from exc
        try:
            _refuse_links(photo)
            st = _stat_regular(photo)
            fmt = _classify(photo)
            if fmt.storage is Storage.SIDECAR:
                note = f"{fmt.name.upper()} files get an .xmp sidecar"
                return self._write_sidecar(photo, desired, request.previously_written, note)
            if _is_read_only(st):
                if sidecar_for_readonly:
                    note = "the file is read-only, so the keywords went to an .xmp sidecar"
                    return self._write_sidecar(photo, desired, request.previously_written, note)
                raise MetadataWriteError(photo, "the file is read-only")
            try:
                return self._write_embedded(
                    photo, st, fmt, desired, request.previously_written, keep_mtime
                )
            except NotSafeEmbedded as exc:
                note = f"not written into the file ({exc}), so the keywords went to an .xmp sidecar"
                result = self._write_sidecar(photo, desired, request.previously_written, note)
                return _keep_embedded_ownership(result, photo, request.previously_written)
        except MetadataWriteError:
            raise
        except (AtomicWriteError, Exiv2Error, ImageDataError, FormatError) as exc:
            raise MetadataWriteError(photo, _reason(exc)) from exc
        except OSError as exc:
            raise MetadataWriteError(photo, os_reason(exc)) from exc
        except Exception as exc:  # noqa: BLE001 - one hostile file must not stop a batch
            log.exception("unexpected failure writing keywords to %s", photo)
            raise MetadataWriteError(photo, f"cannot write: {type(exc).__name__}: {exc}") from exc

    def _write_embedded(
        self,
        photo: Path,
        st: os.stat_result,
        fmt: FormatInfo,
        desired: FileKeywords,
        previously: FileKeywords,
        keep_mtime: bool,
    ) -> WriteResult:
        if st.st_nlink > 1:
            raise MetadataWriteError(
                photo, f"the file has {st.st_nlink} hard links; replacing it would split them"
            )
        _require_writable_folder(photo)
        too_large = too_large_reason(st.st_size)
        if too_large:
            raise MetadataWriteError(photo, too_large)
        original = Snapshot.of(st)
        data = photo.read_bytes()
        if len(data) != st.st_size:
            raise MetadataWriteError(photo, "the file changed while it was being read")
        if fmt.name == "jpeg" and has_hidden_xmp(data):
            note = (
                "the file's XMP has a non-standard header that other programs read instead of "
                "Organizer's, so the keywords went to an .xmp sidecar"
            )
            result = self._write_sidecar(photo, desired, previously, note)
            return _keep_embedded_ownership(result, photo, previously)
        if self._check_image_decodes:
            check_decodes(data, fmt.name)
        before_print = fingerprint(data, fmt.name)

        try:
            before, plan, new_data = _render_embedded(photo, fmt, data, desired, previously)
        except NotSafeEmbedded:
            raise
        except Exiv2Error as exc:
            raise NotSafeEmbedded(f"exiv2: {exc}") from exc
        except AtomicWriteError as exc:
            raise NotSafeEmbedded(_reason(exc)) from exc
        if new_data is None:
            return WriteResult(photo, photo, plan.written, False, plan.notes)
        if fmt.name == "tiff" and _FRAGILE_EXIF.intersection(before.exif):
            # exiv2 rewrites a TIFF's whole IFD structure, and maker notes with absolute offsets
            # (DJI, some Nikon) come out garbled.
            raise NotSafeEmbedded("rewriting this TIFF would move its maker notes")

        def check(temp: Path) -> None:
            written = temp.read_bytes()
            try:
                _verify(_read_tables_from(temp), before, plan)
            except AtomicWriteError as exc:
                raise NotSafeEmbedded(str(exc)) from exc
            if fingerprint(written, fmt.name) != before_print:
                raise NotSafeEmbedded("verification failed: the image data would change")
            if fmt.name == "png" and png_text_chunks(written) != png_text_chunks(data):
                raise NotSafeEmbedded("verification failed: other PNG text chunks would change")
            if keep_mtime:
                set_times(temp, original)

        self._swap_in(photo, new_data, original, check)
        return WriteResult(photo, photo, plan.written, True, plan.notes)

    def _write_sidecar(
        self, photo: Path, desired: FileKeywords, previously: FileKeywords, note: str
    ) -> WriteResult:
        target = sidecar_target(photo, self._sidecar_naming)
        original: Snapshot | None = None
        data = EMPTY_PACKET
        if os.path.lexists(target):
            _refuse_links(target)
        if target.exists():
            st = _stat_regular(target)
            if _is_read_only(st):
                raise MetadataWriteError(photo, f"the sidecar {target.name} is read-only")
            original = Snapshot.of(st)
            data = target.read_bytes()
        _require_writable_folder(target)

        try:
            image = exiv2_io.open_bytes(data)
        except Exiv2Error as exc:
            raise MetadataWriteError(
                photo, f"the sidecar {target.name} is not valid XMP ({exc})"
            ) from exc
        try:
            before = exiv2_io.read_tables(image)
            plan = plan_edit(before.keyword_fields(), desired, previously, iptc=False, exif=False)
            notes = (note, *plan.notes)
            if not plan.changes_anything:
                return WriteResult(photo, target, plan.written, False, notes)
            exiv2_io.drop_sidecar_mirrors(image)
            exiv2_io.apply_plan(image, plan)
            new_data = image.get_bytes()
            if _nothing_left(before, plan):
                new_data = EMPTY_PACKET  # exiv2 will not write an XMP packet without properties
        finally:
            image.close()

        self._swap_in(
            target,
            new_data,
            original,
            lambda temp: _verify(_read_tables_from(temp), before, plan, xmp_only=True),
        )
        return WriteResult(photo, target, plan.written, True, notes)

    def _swap_in(
        self,
        target: Path,
        new_data: bytes,
        original: Snapshot | None,
        check: Callable[[Path], None],
    ) -> None:
        """Temp file beside ``target`` → ``check`` it → atomic replace → remember it as ours.

        The one path every write takes; on any failure the temp file goes and ``target`` is
        untouched.
        """
        temp = write_temp(target.parent, new_data, original)
        try:
            check(temp)
            if self._before_replace is not None:
                self._before_replace(target)
            new_st = replace(temp, target, original)
        except BaseException:
            discard(temp)
            raise
        self.own_writes.record(target, new_st)


# --- helpers (all run on the exiv2 thread) --------------------------------------------------


def _read_keywords(path: Path) -> FileKeywords:
    photo = Path(os.path.realpath(path))
    keywords = FileKeywords()
    try:
        with open(photo, "rb") as handle:
            header = handle.read(HEADER_BYTES)
    except OSError as exc:
        raise MetadataReadError(path, os_reason(exc)) from exc
    sidecars = existing_sidecars(photo)
    if sniff_format(header) in _EXIV2_READABLE:
        try:
            keywords = _read_file_keywords(photo, path)
        except MetadataReadError:
            if not sidecars:
                raise
            # exiv2 cannot parse the photo's own metadata (that is why it has a sidecar).
            log.info("keywords of %s read from its sidecar only", path)
    for sidecar in sidecars:
        keywords = keywords.merged(_read_file_keywords(sidecar, sidecar))
    return keywords


def _read_file_keywords(file: Path, shown_as: Path) -> FileKeywords:
    try:
        image = exiv2_io.open_path(os.fspath(file))
        try:
            return exiv2_io.read_tables(image).keyword_fields().keywords()
        finally:
            image.close()
    except Exiv2Error as exc:
        raise MetadataReadError(shown_as, str(exc)) from exc


def _refuse_links(path: Path) -> None:
    """Never write through a symbolic link: one that replaced an indexed photo (or a folder on
    its path) would make the write land outside the library."""
    if os.path.islink(path):
        raise MetadataWriteError(path, "the file is a symbolic link; not followed")
    if os.path.realpath(path) != str(path):
        raise MetadataWriteError(
            path, "a folder on the file's path is a symbolic link; not followed"
        )


def _keep_embedded_ownership(
    result: WriteResult, photo: Path, previously: FileKeywords
) -> WriteResult:
    """Keywords Organizer embedded in the photo before it switched to a sidecar stay in the
    photo (rewriting it is what is not safe): they remain Organizer's, so a later removal of
    the tag is not taken for another program's keyword."""
    try:
        embedded = _read_file_keywords(photo, photo)
    except MetadataReadError:
        return result
    still = FileKeywords(
        tuple(k for k in previously.flat if k in embedded.flat),
        tuple(k for k in previously.hierarchical if k in embedded.hierarchical),
    )
    if not (still.flat or still.hierarchical):
        return result
    return dataclasses.replace(result, written=result.written.merged(still))


def _stat_regular(path: Path) -> os.stat_result:
    try:
        st = os.stat(path)
    except FileNotFoundError as exc:
        raise MetadataWriteError(path, "the file does not exist (moved or deleted?)") from exc
    if not stat_module.S_ISREG(st.st_mode):
        raise MetadataWriteError(path, "not a regular file")
    if st.st_size == 0:
        raise MetadataWriteError(path, "the file is empty (0 bytes)")
    return st


def _classify(photo: Path) -> FormatInfo:
    with open(photo, "rb") as handle:
        header = handle.read(HEADER_BYTES)
    try:
        return classify(photo, header)
    except FormatError as exc:
        raise MetadataWriteError(photo, f"refused: {exc}") from exc


def _is_read_only(st: os.stat_result) -> bool:
    # Honour the user's read-only flag even where we could write anyway (root, Windows admin).
    return not st.st_mode & (stat_module.S_IWUSR | stat_module.S_IWGRP | stat_module.S_IWOTH)


def _require_writable_folder(path: Path) -> None:
    if not os.access(path.parent, os.W_OK | os.X_OK):
        raise MetadataWriteError(path, f"the folder {path.parent} is read-only")


def _render_embedded(
    photo: Path, fmt: FormatInfo, data: bytes, desired: FileKeywords, previously: FileKeywords
) -> tuple[Tables, EditPlan, bytes | None]:
    """Plan and apply the edit in memory; (tables before, plan, new bytes or None if no change).

    Adding XPKeywords can make exiv2 rebuild the whole EXIF block and move the camera's maker
    notes, which breaks the offsets inside some of them. If the EXIF would change beyond the
    keyword, the edit is redone without XPKeywords (XMP and IPTC still carry every keyword).
    """
    image = exiv2_io.open_bytes(data)
    try:
        before = exiv2_io.read_tables(image)
        can = exiv2_io.writable(image)
    finally:
        image.close()
    if not can.get("xmp"):
        raise MetadataWriteError(photo, f"exiv2 cannot write XMP into this {fmt.name} file")
    existing = before.keyword_fields()
    plan = plan_edit(
        existing, desired, previously, iptc=can.get("iptc", False), exif=can.get("exif", False)
    )
    if plan.xp is not None and _fragile_exif(before.exif):
        plan = plan.without_xp(EXIF_RELOCATION_NOTE)
    if not plan.changes_anything:
        return before, plan, None
    new_data = _apply(fmt, data, before, plan)
    try:
        _verify(_read_tables_from_bytes(new_data), before, plan)
    except _ExifWouldChange:
        plan = plan.without_xp(EXIF_RELOCATION_NOTE)
        if not plan.changes_anything:
            return before, plan, None
        new_data = _apply(fmt, data, before, plan)
    return before, plan, new_data


def _fragile_exif(exif: Table) -> bool:
    return bool(_FRAGILE_EXIF.intersection(exif)) or any(
        key.startswith(_FRAGILE_EXIF_GROUPS) for key in exif
    )


def _apply(fmt: FormatInfo, data: bytes, before: Tables, plan: EditPlan) -> bytes:
    image = exiv2_io.open_bytes(data)
    try:
        exiv2_io.apply_plan(image, plan, new_exif=not before.exif)
        rewritten = image.get_bytes()
    finally:
        image.close()
    if fmt.name != "jpeg":
        return rewritten
    try:
        return splice(data, rewritten, take_exif=plan.xp is not None, iptc_keywords=plan.iptc)
    except (JpegStructureError, IptcStructureError) as exc:
        raise AtomicWriteError(f"refused: {exc}") from exc


def _read_tables_from(path: Path) -> Tables:
    image = exiv2_io.open_path(os.fspath(path))
    try:
        return exiv2_io.read_tables(image)
    finally:
        image.close()


def _read_tables_from_bytes(data: bytes) -> Tables:
    image = exiv2_io.open_bytes(data)
    try:
        return exiv2_io.read_tables(image)
    finally:
        image.close()


class NotSafeEmbedded(AtomicWriteError):
    """Writing into the file itself would change more than its keyword fields (or exiv2
    cannot do it): the keywords go to an .xmp sidecar instead, and the photo stays as it is."""


class _ExifWouldChange(AtomicWriteError):
    """EXIF values other than XPKeywords would change (maker notes moved, thumbnail cut...)."""


def _verify(after: Tables, before: Tables, plan: EditPlan, *, xmp_only: bool = False) -> None:
    """Keyword fields read back as planned, everything else unchanged, else raise.

    ``xmp_only`` for sidecars: exiv2 mirrors a sidecar's XMP into EXIF/IPTC views when reading.
    """
    existing, got = before.keyword_fields(), after.keyword_fields()
    names = ("subject", "hierarchical") if xmp_only else ("subject", "hierarchical", "iptc", "xp")
    for name in names:
        planned = getattr(plan, name)
        expected = getattr(existing, name) if planned is None else planned
        if getattr(got, name) != expected:
            raise AtomicWriteError(
                f"verification failed: {name} keywords read back as {getattr(got, name)!r}, "
                f"expected {expected!r}"
            )
    if not xmp_only:
        exif_changed = _changed_keys(before.exif, after.exif, _EXIF_ADDED_WITH_NEW_BLOCK)
        if exif_changed:
            raise _ExifWouldChange(
                "verification failed: other EXIF values would change ("
                + ", ".join(exif_changed)
                + ")"
            )
        iptc_changed = _changed_keys(before.iptc, after.iptc, _IPTC_ADDED_BY_EXIV2)
        if iptc_changed:
            raise AtomicWriteError(
                "verification failed: other IPTC values would change ("
                + ", ".join(iptc_changed)
                + ")"
            )
    xmp_changed = _changed_keys(before.xmp, after.xmp, frozenset())
    if xmp_changed:
        raise AtomicWriteError(
            "verification failed: other XMP values would change (" + ", ".join(xmp_changed) + ")"
        )


def _changed_keys(old: Table, new: Table, may_appear: frozenset[str]) -> list[str]:
    changed: list[str] = []
    for key in sorted(set(old) | set(new)):
        if _is_keyword_key(key) or key in _OFFSET_TAGS:
            continue
        if key not in old and key in may_appear:
            continue
        if _normal(old.get(key)) != _normal(new.get(key)):
            changed.append(key)
    return changed[:8]


_EMPTY_LANG_ALT = re.compile(r'(lang="[^"]*"\s*)+')


def _normal(value: str | list[str] | None) -> str | list[str] | None:
    """exiv2 drops empty XMP language alternatives (``lang="x-default" ``): same as absent."""
    if isinstance(value, str) and (not value.strip() or _EMPTY_LANG_ALT.fullmatch(value)):
        return None
    return value


def _nothing_left(before: Tables, plan: EditPlan) -> bool:
    others = [k for k in before.xmp if not _is_keyword_key(k) and k != XMP_DIGIKAM_TAGS]
    fields = before.keyword_fields()
    subject = fields.subject if plan.subject is None else plan.subject
    hierarchical = fields.hierarchical if plan.hierarchical is None else plan.hierarchical
    return not (others or subject or hierarchical or fields.digikam)


def _is_keyword_key(key: str) -> bool:
    base = key.split("[", 1)[0]
    return base in KEYWORD_FIELDS


def _reason(exc: BaseException) -> str:
    reason = getattr(exc, "reason", None)
    return reason if isinstance(reason, str) else str(exc)
