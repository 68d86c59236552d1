"""SOQL string literals: :func:`quote` builds one, :func:`unquote` reads one (reference §4.1).

Escapes: ``\\n \\r \\t \\b \\f`` (either case), ``\\" \\' \\\\``, ``\\uXXXX``; and ``\\_ \\%``
inside LIKE only. Any other backslash is an error (MALFORMED_QUERY).
"""

from __future__ import annotations

from ..errors import malformed_query

_SIMPLE = {"n": "\n", "r": "\r", "t": "\t", "b": "\b", "f": "\f", '"': '"', "'": "'", "\\": "\\"}
_QUOTE = {"\\": "\\\\", "'": "\\'", '"': '\\"', "\n": "\\n", "\r": "\\r", "\t": "\\t",
          "\b": "\\b", "\f": "\\f"}  # fmt: skip


def quote(value: str) -> str:
    """A SOQL string literal (with its single quotes) whose value is ``value``."""
    out = []
    for ch in value:
        if ch in _QUOTE:
            out.append(_QUOTE[ch])
        elif ord(ch) < 0x20 or ord(ch) == 0x7F:
            out.append(f"\\u{ord(ch):04x}")
        else:
            out.append(ch)
    return "'" + "".join(out) + "'"


def quote_like(value: str) -> str:
    """A literal for ``LIKE`` that matches ``value`` exactly (``%`` and ``_`` escaped)."""
    return quote(value)[:-1].replace("%", "\\%").replace("_", "\\_") + "'"


def _illegal(literal: str, sequence: str) -> Exception:
    return malformed_query(
        f"Invalid string literal {literal}. Illegal character sequence '{sequence}' in string "
        "literal."
    )


def unquote(literal: str, *, like: bool = False) -> str:
    """The value of a quoted SOQL string literal.

    With ``like``, the result is a pattern for SQL ``LIKE ... ESCAPE '\\'``: ``%`` and ``_``
    stay wildcards, ``\\%`` and ``\\_`` stay escaped, a literal backslash becomes ``\\\\``.
    """
    body = literal[1:-1]
    out: list[str] = []
    i = 0
    while i < len(body):
        ch = body[i]
        if ch != "\\":
            out.append(ch)
            i += 1
            continue
        nxt = body[i + 1 : i + 2]
        key = nxt.lower() if nxt in ("N", "R", "T", "B", "F") else nxt
        if key and key in _SIMPLE:
            decoded = _SIMPLE[key]
            out.append("\\\\" if like and decoded == "\\" else decoded)
            i += 2
        elif nxt in ("u", "U"):
            digits = body[i + 2 : i + 6]
            if len(digits) != 4 or any(c not in "0123456789abcdefABCDEF" for c in digits):
                raise _illegal(literal, body[i : i + 6])
            decoded = chr(int(digits, 16))
            out.append(("\\" + decoded) if like and decoded in "%_\\" else decoded)
            i += 6
        elif like and nxt in ("%", "_"):
            out.append("\\" + nxt)
            i += 2
        else:
            raise _illegal(literal, body[i : i + 2])
    return "".join(out)
