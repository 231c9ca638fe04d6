"""Text that reaches a terminal or a log line safely."""

from __future__ import annotations

import json
import re


def printable(value: object) -> str:
    """``value`` as text safe to show in a terminal: control and format characters (terminal
    escape sequences in a file's keywords, say) as ``\\x..`` escapes, bytes of a file name that
    are not UTF-8 as U+FFFD."""
    text = str(value).encode("utf-8", "surrogateescape").decode("utf-8", "replace")
    if text.isprintable():
        return text
    return "".join(
        ch if ch.isprintable() or ch == " " else ch.encode("unicode_escape").decode("ascii")
        for ch in text
    )



def json_text(value: object) -> str:
    """``value`` as JSON that is valid UTF-8 and keeps non-ASCII text readable: a file name's
    bytes that are not UTF-8 (lone surrogates in Python) become ``\\udcXX`` escapes, which
    ``json.loads`` turns back into the same name."""
    text = json.dumps(value, ensure_ascii=False)
    return _LONE_SURROGATE.sub(lambda match: f"\\u{ord(match.group()):04x}", text)


_LONE_SURROGATE = re.compile("[\ud800-\udfff]")
