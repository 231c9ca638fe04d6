"""What a tag name may be: one rule for the CLI, the app, file keywords and renames."""

from __future__ import annotations

import unicodedata

from organizer.errors import OrganizerError
from organizer.text import printable

# IPTC keywords hold at most 64 bytes; a longer name is a sentence, not a tag.
MAX_TAG_NAME_CHARS = 64


class TagNameError(OrganizerError):
    """A tag name the user typed (or a file carried) cannot be a tag."""


def valid_tag_name(name: str) -> str:
    """``name`` with runs of blanks folded to one space, in NFC; TagNameError if unusable.

    Control characters (NUL, newline, ESC...) have no safe encoding in IPTC or XPKeywords, would
    block every later keyword write of the photo, and would reach terminals raw.
    """
    cleaned = unicodedata.normalize("NFC", " ".join(name.split()))
    if not cleaned:
        raise TagNameError("a tag name cannot be empty")
    if any(unicodedata.category(ch) in ("Cc", "Cf", "Cs") for ch in cleaned):
        raise TagNameError(f"a tag name cannot contain control characters: {printable(cleaned)}")
    if len(cleaned) > MAX_TAG_NAME_CHARS:
        raise TagNameError(f"a tag name can have at most {MAX_TAG_NAME_CHARS} characters")
    return cleaned
