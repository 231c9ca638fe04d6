"""Keyword fields in photo metadata: what they hold, and how Organizer edits them.

Where keywords live (read all of them, write the first four):

==========================  =============================================  ==================
field                       holds                                          written by us
==========================  =============================================  ==================
XMP ``dc:subject``          flat keywords (a Bag)                          yes
XMP ``lr:hierarchicalSubject``  paths such as ``animal|dog`` (a Bag)       yes, hierarchical
IPTC 2:25 ``Keywords``      flat keywords, at most 64 bytes each (IIM)     yes, UTF-8 (1:90)
EXIF ``XPKeywords``         ``;``-joined UCS-2 string (Windows Explorer)   yes
XMP ``digiKam:TagsList``    paths such as ``animal/dog``                   no (read only)
==========================  =============================================  ==================

Editing rules (see ``plan_edit``): keywords already in a file that Organizer did not write
("foreign") are never removed; removing a tag removes only keywords Organizer wrote before (the
caller keeps that record and passes it back as ``previously_written``). A keyword that cannot be
stored faithfully in a field is left out of that field rather than altered: longer than 64 UTF-8
bytes → not in IPTC; containing ``;`` → not in XPKeywords (Windows would split it in two). XMP
always holds every keyword.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace

XMP_SUBJECT = "Xmp.dc.subject"
XMP_HIERARCHICAL = "Xmp.lr.hierarchicalSubject"
XMP_DIGIKAM_TAGS = "Xmp.digiKam.TagsList"
IPTC_KEYWORDS = "Iptc.Application2.Keywords"
IPTC_CHARSET = "Iptc.Envelope.CharacterSet"
EXIF_XP_KEYWORDS = "Exif.Image.XPKeywords"

IPTC_UTF8 = "\x1b%G"  # ISO 2022 escape sequence declaring UTF-8 (IPTC 1:90 CodedCharacterSet)
IPTC_KEYWORD_MAX_BYTES = 64
XP_SEPARATOR = ";"
HIERARCHY_SEPARATOR = "|"
KEYWORD_FIELDS = frozenset(
    {XMP_SUBJECT, XMP_HIERARCHICAL, IPTC_KEYWORDS, IPTC_CHARSET, EXIF_XP_KEYWORDS}
)


@dataclass(frozen=True)
class FileKeywords:
    """Keywords as other programs see them: flat ("dog") and hierarchical ("animal|dog")."""

    flat: tuple[str, ...] = ()
    hierarchical: tuple[str, ...] = ()

    def __bool__(self) -> bool:
        return bool(self.flat or self.hierarchical)

    def merged(self, other: FileKeywords) -> FileKeywords:
        return FileKeywords(
            unique(self.flat + other.flat), unique(self.hierarchical + other.hierarchical)
        )


@dataclass(frozen=True)
class KeywordFields:
    """The keyword fields of one file or sidecar, exactly as stored (order kept)."""

    subject: tuple[str, ...] = ()
    hierarchical: tuple[str, ...] = ()
    digikam: tuple[str, ...] = ()
    iptc: tuple[str, ...] = ()
    xp: tuple[str, ...] = ()
    iptc_legacy_charset: bool = False  # IPTC text in a non-UTF-8 charset: we leave IPTC alone

    def keywords(self) -> FileKeywords:
        digikam_paths = tuple(p.replace("/", HIERARCHY_SEPARATOR) for p in self.digikam)
        return FileKeywords(
            unique(self.subject + self.iptc + self.xp),
            unique(self.hierarchical + digikam_paths),
        )


@dataclass(frozen=True)
class EditPlan:
    """New values for the fields that change (None = leave the field untouched)."""

    subject: tuple[str, ...] | None
    hierarchical: tuple[str, ...] | None
    iptc: tuple[str, ...] | None
    xp: tuple[str, ...] | None
    written: FileKeywords
    notes: tuple[str, ...] = field(default=())

    def without_xp(self, note: str) -> EditPlan:
        return replace(self, xp=None, notes=(*self.notes, note))

    @property
    def changes_anything(self) -> bool:
        return any(v is not None for v in (self.subject, self.hierarchical, self.iptc, self.xp))


def unique(items: Iterable[str]) -> tuple[str, ...]:
    """Items in first-seen order without duplicates."""
    return tuple(dict.fromkeys(items))


def clean_keywords(keywords: Iterable[str]) -> tuple[str, ...]:
    """Strip surrounding blanks, drop empties and duplicates; refuse control characters.

    Control characters (NUL, newlines, ESC...) have no safe encoding in IPTC and XPKeywords.
    """
    cleaned = []
    for keyword in keywords:
        text = unicodedata.normalize("NFC", keyword.strip())
        if not text:
            continue
        if any(unicodedata.category(ch) == "Cc" for ch in text):
            raise ValueError(f"keyword {text!r} contains control characters")
        cleaned.append(text)
    return unique(cleaned)


def fits_iptc(keyword: str) -> bool:
    return len(keyword.encode("utf-8")) <= IPTC_KEYWORD_MAX_BYTES


def fits_xp(keyword: str) -> bool:
    return XP_SEPARATOR not in keyword


def plan_edit(
    existing: KeywordFields,
    desired: FileKeywords,
    previously_written: FileKeywords,
    *,
    iptc: bool,
    exif: bool,
) -> EditPlan:
    """Work out each field's new value; keywords we did not write are never removed."""
    current = existing.keywords()
    foreign_flat = set(current.flat) - set(previously_written.flat)
    foreign_paths = set(current.hierarchical) - set(previously_written.hierarchical)
    drop_flat = set(previously_written.flat) - set(desired.flat)
    drop_paths = set(previously_written.hierarchical) - set(desired.hierarchical)
    notes: list[str] = []

    subject = _merge(existing.subject, desired.flat, drop_flat)
    hierarchical = _merge(existing.hierarchical, desired.hierarchical, drop_paths)
    new_iptc = None
    if iptc and existing.iptc_legacy_charset:
        notes.append("IPTC left unchanged: it holds text in a legacy (non-UTF-8) character set")
    elif iptc:
        iptc_wanted = [k for k in desired.flat if fits_iptc(k)]
        new_iptc = _merge(existing.iptc, iptc_wanted, drop_flat)
        if len(iptc_wanted) < len(desired.flat):
            notes.append("keywords over 64 bytes are in XMP only (IPTC limit)")
    new_xp = None
    if exif:
        xp_wanted = [k for k in desired.flat if fits_xp(k)]
        new_xp = _merge(existing.xp, xp_wanted, drop_flat)
        if len(xp_wanted) < len(desired.flat):
            notes.append("keywords containing ';' are not in XPKeywords (Windows splits on ';')")

    written = FileKeywords(
        tuple(k for k in desired.flat if k not in foreign_flat),
        tuple(p for p in desired.hierarchical if p not in foreign_paths),
    )
    return EditPlan(
        subject=_changed(existing.subject, subject),
        hierarchical=_changed(existing.hierarchical, hierarchical),
        iptc=None if new_iptc is None else _changed(existing.iptc, new_iptc),
        xp=None if new_xp is None else _changed(existing.xp, new_xp),
        written=written,
        notes=tuple(notes),
    )


def _merge(existing: Sequence[str], wanted: Sequence[str], drop: set[str]) -> tuple[str, ...]:
    kept = [k for k in existing if k not in drop]
    return unique([*kept, *wanted])


def _changed(old: tuple[str, ...], new: tuple[str, ...]) -> tuple[str, ...] | None:
    return None if tuple(old) == tuple(new) else tuple(new)


# --- reading fields out of exiv2's key/value tables ------------------------------------------


def fields_from_tables(
    xmp: Mapping[str, object], iptc: Mapping[str, object], exif: Mapping[str, object]
) -> KeywordFields:
    """KeywordFields from exiv2 tables (see exiv2_io: XMP text, IPTC/EXIF as Latin-1 bytes)."""
    iptc_raw = _as_list(iptc.get(IPTC_KEYWORDS))
    charset = _as_list(iptc.get(IPTC_CHARSET))
    declared_utf8 = bool(charset) and charset[0] == IPTC_UTF8
    return KeywordFields(
        subject=_xmp_list(xmp, XMP_SUBJECT),
        hierarchical=_xmp_list(xmp, XMP_HIERARCHICAL),
        digikam=_xmp_list(xmp, XMP_DIGIKAM_TAGS),
        iptc=tuple(_iptc_text(k) for k in iptc_raw),
        xp=_xp_keywords(exif.get(EXIF_XP_KEYWORDS)),
        iptc_legacy_charset=not declared_utf8 and _has_legacy_text(iptc, bool(charset)),
    )


def _as_list(value: object) -> list[str]:
    if value is None:
        return []
    if isinstance(value, list | tuple):
        return [str(v) for v in value]
    return [str(value)]


def _xmp_list(xmp: Mapping[str, object], key: str) -> tuple[str, ...]:
    """Items of an XMP array, whether exiv2 reports it as a list or as indexed keys."""
    items = [v for v in _as_list(xmp.get(key)) if not v.startswith("type=")]
    pattern = re.compile(re.escape(key) + r"\[(\d+)\]")
    indexed = sorted(
        (int(m.group(1)), str(value))
        for name, value in xmp.items()
        if (m := pattern.fullmatch(name))
    )
    return tuple(item.strip() for item in [*items, *(v for _, v in indexed)] if item.strip())


def _iptc_text(latin1: str) -> str:
    """IPTC bytes (carried as Latin-1 text) decoded as UTF-8 when valid, else as Latin-1."""
    raw = latin1.encode("latin-1")
    try:
        return raw.decode("utf-8").strip()
    except UnicodeDecodeError:
        return latin1.strip()


def _has_legacy_text(iptc: Mapping[str, object], has_other_charset: bool) -> bool:
    """True when declaring UTF-8 would change how other programs read the existing IPTC."""
    if has_other_charset:
        return True
    return any(
        any(ord(ch) > 0x7F for ch in value)
        for key, values in iptc.items()
        if key != IPTC_CHARSET
        for value in _as_list(values)
    )


def _xp_keywords(value: object) -> tuple[str, ...]:
    """XPKeywords as exiv2 reports it: byte values in decimal ("100 0 111 0 ...")."""
    if not isinstance(value, str) or not value.strip():
        return ()
    try:
        raw = bytes(int(part) for part in value.split())
    except ValueError:
        return ()
    text = raw.decode("utf-16-le", errors="replace").split("\x00", 1)[0]
    return unique(k.strip() for k in text.split(XP_SEPARATOR) if k.strip())


def xp_value(keywords: Sequence[str]) -> str:
    """XPKeywords in exiv2's input form: UCS-2LE bytes, NUL-terminated, as decimal numbers."""
    raw = (XP_SEPARATOR.join(keywords) + "\x00").encode("utf-16-le")
    return " ".join(str(b) for b in raw)
