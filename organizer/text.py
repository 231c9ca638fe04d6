"""Text that reaches a terminal or a log line safely."""

from __future__ import annotations


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

