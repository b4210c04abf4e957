"""Bounded, safe text for messages: what a user gave is quoted, cut and made inert.

Every message that repeats input goes through here, so a 50 MB cell cannot become a 50 MB
stderr line, an ANSI escape cannot clear the terminal, and a newline cannot forge a second line.
"""

from __future__ import annotations

import unicodedata

VALUE_CHARS = 80  # characters of one quoted value kept (then an ellipsis)
LINE_CHARS = 2000  # characters of one message line kept
FIRST_LINES = 100  # lines of a list of problems shown (then a count)
TOTAL_BYTES = 64 * 1024  # bytes of a list of problems shown (then a count)

_NAMED = {"\n": "\\n", "\r": "\\r", "\t": "\\t", "\x1b": "\\e"}


def inert(text: str) -> str:
    """Control, format and line-separator characters escaped (\\n, \\e, \\x07, \\u2028): one inert line."""
    out = []
    for ch in str(text):
        if ch in _NAMED:
            out.append(_NAMED[ch])
        elif unicodedata.category(ch) in ("Cc", "Cf", "Zl", "Zp", "Cs", "Co") or ch == "\ufffd":
            code = ord(ch)
            out.append(f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}" if code < 0x10000 else f"\\U{code:08x}")
        else:
            out.append(ch)
    return "".join(out)


def cut(text: str, limit: int = VALUE_CHARS) -> str:
    """At most `limit` characters (before escaping is counted after), with an ellipsis when cut."""
    text = str(text)
    if len(text) <= limit:
        return text
    return text[: max(limit - 1, 1)] + "…"


def show(value, limit: int = VALUE_CHARS) -> str:
    """A value for a message: quoted, cut at `limit` characters, control characters escaped."""
    text = str(value)
    # cut first (a 50 MB value is never escaped whole), then escape, then cut what escaping grew
    shown = inert(cut(text, limit))
    if len(shown) > limit + 8:
        shown = cut(shown, limit)
    return "'" + shown + "'"


def one_line(message, limit: int = LINE_CHARS) -> str:
    """A whole message on one inert line, at most `limit` characters."""
    text = str(message)
    if len(text) > limit * 2:
        text = text[: limit * 2]
    return cut(inert(text), limit)


def bounded_lines(lines, first: int = FIRST_LINES, total_bytes: int = TOTAL_BYTES, what: str = "more"):
    """Yield at most `first` lines (each one_line) and at most `total_bytes` in all; then one count line."""
    shown, used, rest = 0, 0, 0
    for line in lines:
        if rest or shown >= first:
            rest += 1
            continue
        text = one_line(line)
        size = len(text.encode("utf-8")) + 1
        if used + size > total_bytes:
            rest += 1
            continue
        used += size
        shown += 1
        yield text
    if rest:
        yield f"... and {rest} {what}"
