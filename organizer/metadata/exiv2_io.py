"""The only module that talks to pyexiv2. Call it from the metadata service's exiv2 thread only.

pyexiv2's public readers decode every value with one strict encoding, so one stray Latin-1 byte
in a camera's EXIF makes the whole read fail, and XPKeywords that are not valid UCS-2 raise. We
read exiv2's raw tables instead (``_exiv2api_image``, pyexiv2 2.x) and decode leniently: XMP as
UTF-8, EXIF and IPTC byte-for-byte as Latin-1 (keywords.py turns IPTC into text).

Writing goes through ``pyexiv2.ImageData`` (an in-memory copy): exiv2 never touches the file on
disk; the caller writes the bytes we return to a temp file and swaps it in.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import pyexiv2

from organizer.metadata.keywords import (
    EXIF_XP_KEYWORDS,
    IPTC_CHARSET,
    IPTC_KEYWORDS,
    IPTC_UTF8,
    XMP_HIERARCHICAL,
    XMP_SUBJECT,
    EditPlan,
    KeywordFields,
    fields_from_tables,
)

Table = dict[str, str | list[str]]

# IFD0 tags required in a JPEG's EXIF (CIPA DC-008); 72 dpi is the standard's default.
REQUIRED_IFD0_TAGS: dict[str, str] = {
    "Exif.Image.XResolution": "72/1",
    "Exif.Image.YResolution": "72/1",
    "Exif.Image.ResolutionUnit": "2",
    "Exif.Image.YCbCrPositioning": "1",
}

# Warnings would go to stdout (and spoil `--json` output); errors still become exceptions.
_LOG_LEVEL_ERROR = 3


@dataclass(frozen=True)
class Tables:
    """Everything exiv2 read from one file, as key → value(s)."""

    exif: Table
    iptc: Table
    xmp: Table

    def keyword_fields(self) -> KeywordFields:
        return fields_from_tables(self.xmp, self.iptc, self.exif)


class Exiv2Error(RuntimeError):
    """exiv2 could not parse or write the data."""


def configure() -> None:
    """Per-process setup; call once on the exiv2 thread before anything else."""
    pyexiv2.set_log_level(_LOG_LEVEL_ERROR)


def open_bytes(data: bytes) -> pyexiv2.ImageData:
    try:
        return pyexiv2.ImageData(data)
    except (RuntimeError, ValueError) as exc:
        raise Exiv2Error(_exiv2_reason(exc)) from exc


def open_path(path: str) -> pyexiv2.Image:
    try:
        path.encode("utf-8")
    except UnicodeEncodeError:
        # exiv2 opens files by UTF-8 name; a name that is not UTF-8 is read by Python instead.
        try:
            with open(path, "rb") as handle:
                return open_bytes(handle.read())
        except OSError as exc:
            raise Exiv2Error(f"cannot read the file ({exc.strerror})") from exc
    try:
        return pyexiv2.Image(path)
    except (RuntimeError, ValueError) as exc:
        raise Exiv2Error(_exiv2_reason(exc)) from exc


def read_tables(image: pyexiv2.Image) -> Tables:
    api = image._exiv2api_image
    try:
        access = image.get_access_mode()
        exif = _table(api.read_exif(), "latin-1") if access.get("exif") else {}
        iptc = _table(api.read_iptc(), "latin-1") if access.get("iptc") else {}
        xmp = _table(api.read_xmp(), "utf-8") if access.get("xmp") else {}
    except RuntimeError as exc:
        raise Exiv2Error(_exiv2_reason(exc)) from exc
    return Tables(exif, iptc, xmp)


def writable(image: pyexiv2.Image) -> dict[str, bool]:
    """Which of exif/iptc/xmp exiv2 can write in this format."""
    return {k: v in ("write", "read+write") for k, v in image.get_access_mode().items()}


def apply_plan(image: pyexiv2.ImageData, plan: EditPlan, *, new_exif: bool = False) -> None:
    """Write the plan's changed fields into the in-memory image (one exiv2 rewrite per block).

    ``new_exif``: the file has no EXIF yet; XPKeywords then comes with the IFD0 tags the EXIF
    standard requires (as exiftool adds them), so validators do not flag the new block.
    """
    try:
        xmp: dict[str, object] = {}
        for key, items in ((XMP_SUBJECT, plan.subject), (XMP_HIERARCHICAL, plan.hierarchical)):
            if items is not None:
                xmp.update(_xmp_bag(key, items))
        if xmp:
            image.modify_xmp(xmp)
        if plan.iptc is not None:
            image.modify_iptc(_iptc_update(plan.iptc))
        if plan.xp is not None:
            # pyexiv2 encodes XP* tags to UCS-2LE itself; Windows ends the string with a NUL.
            value = ";".join(plan.xp) + "\x00" if plan.xp else None
            update: dict[str, object] = {EXIF_XP_KEYWORDS: value}
            if new_exif and value is not None:
                update.update(REQUIRED_IFD0_TAGS)
            image.modify_exif(update)
    except RuntimeError as exc:
        raise Exiv2Error(_exiv2_reason(exc)) from exc


def drop_sidecar_mirrors(image: pyexiv2.ImageData) -> None:
    """Forget the EXIF/IPTC views exiv2 derives from a sidecar's XMP when reading it.

    On saving a sidecar exiv2 converts them back into XMP, which would re-add removed keywords
    (IPTC Keywords → dc:subject) and clash with the Bag we write.
    """
    try:
        image.clear_iptc()
        image.clear_exif()
    except RuntimeError as exc:
        raise Exiv2Error(_exiv2_reason(exc)) from exc


def _xmp_bag(key: str, items: tuple[str, ...]) -> Mapping[str, object]:
    """An XMP Bag: pyexiv2 lists become rdf:Seq, so declare the Bag and set items by index."""
    if not items:
        return {key: None}
    update: dict[str, object] = {key: "type=Bag"}
    update.update({f"{key}[{i}]": item for i, item in enumerate(items, start=1)})
    return update


def _iptc_update(keywords: tuple[str, ...]) -> dict[str, object]:
    update: dict[str, object] = {IPTC_KEYWORDS: list(keywords) if keywords else None}
    if keywords:
        update[IPTC_CHARSET] = IPTC_UTF8
    return update


def _table(raw: list[dict], encoding: str) -> Table:
    table: Table = {}
    for datum in raw:
        key = datum["tag"].decode("ascii", "replace")
        value = datum["value"]
        text: str | list[str]
        if isinstance(value, list | tuple):
            text = [v.decode(encoding, "replace") for v in value]
        else:
            text = value.decode(encoding, "replace")
        previous = table.get(key)
        if previous is None:
            table[key] = text
        else:  # repeated keys (IPTC Keywords, rare EXIF duplicates) collect into a list
            merged = previous if isinstance(previous, list) else [previous]
            merged.extend(text if isinstance(text, list) else [text])
            table[key] = merged
    return table


def _exiv2_reason(exc: BaseException) -> str:
    text = str(exc).strip().replace("\n", " ")
    return f"exiv2: {text}" if text else f"exiv2: {type(exc).__name__}"
