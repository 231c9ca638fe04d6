"""File names as the index stores them.

POSIX file names are bytes. Python hands a name that is not valid UTF-8 to us with each bad byte
as a lone surrogate (U+DC80–U+DCFF, "surrogateescape"), which SQLite text cannot hold. The index
stores such a byte as a code point of the last private-use block instead (U+10FF80–U+10FFFF, one
for each byte 0x80–0xFF) and turns it back when reading. The mapping is one character for one
character, so folder prefixes and range queries work on stored names as on real ones, and valid
UTF-8 names are stored unchanged.

A real name that contains one of those 128 code points could not be told apart from an escaped
byte; such names are not indexed (``indexable``), with a reason, rather than stored ambiguously.
"""

from __future__ import annotations

import re

_ESCAPED_BYTES = range(0xDC80, 0xDD00)  # surrogateescape: byte b is U+DC00 + b
_STORED_BYTES = range(0x10FF80, 0x110000)
_TO_STORED = dict(zip(_ESCAPED_BYTES, _STORED_BYTES, strict=True))
_TO_DISK = dict(zip(_STORED_BYTES, _ESCAPED_BYTES, strict=True))

NOT_INDEXABLE = "the file name holds characters Organizer cannot index (U+10FF80 to U+10FFFF)"


def stored(path: str) -> str:
    """``path`` (as the OS gave it to Python) as the index stores it."""
    return path if path.isascii() else path.translate(_TO_STORED)


def on_disk(text: str) -> str:
    """A stored name back as the path the OS knows."""
    return text if text.isascii() else text.translate(_TO_DISK)


def indexable(path: str) -> bool:
    """Whether the index can hold ``path`` and give the same name back."""
    if path.isascii():
        return True
    if any(ord(ch) in _TO_DISK for ch in path):
        return False
    try:
        stored(path).encode("utf-8")
    except UnicodeEncodeError:  # other lone surrogates (Windows names can hold them)
        return False
    return True


_DIGIT_RUN = re.compile(r"[0-9]+")


def natural_sort_key(text: str) -> str:
    """What the index sorts names by, as file managers do: case-insensitive, and runs of digits
    by their value (``2.jpg`` < ``10.jpg`` < ``133.jpg`` < ``1328.jpg``). Each run becomes its
    digit count (two digits) and the digits without leading zeros, so that SQLite's plain
    byte-wise comparison of keys gives that order."""

    def number(match: re.Match[str]) -> str:
        digits = match.group().lstrip("0") or "0"
        return f"{min(len(digits), 99):02d}{digits}"

    return _DIGIT_RUN.sub(number, text.casefold())
