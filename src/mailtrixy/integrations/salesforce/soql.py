"""SOQL literals. User input enters SOQL only through these functions.

SOQL's rules (SOQL and SOSL Reference, "Quoted String Escape Sequences"): a string is in single
quotes; `'` and `\\` must be escaped with a backslash; `\\n \\r \\t \\b \\f \\"` are the escapes for
those characters; any other backslash is an error. In LIKE patterns `%` and `_` are wildcards,
escaped as `\\%` and `\\_` when meant literally. Date-times are unquoted, in UTC with `Z`.
"""

from __future__ import annotations

from datetime import UTC, datetime

_ESCAPES = {
    "\\": "\\\\",
    "'": "\\'",
    '"': '\\"',
    "\n": "\\n",
    "\r": "\\r",
    "\t": "\\t",
    "\b": "\\b",
    "\f": "\\f",
}


def quote(value: str) -> str:
    """A SOQL string literal for `value`, for `=`, `!=`, `IN` comparisons."""
    return "'" + "".join(_escape_char(ch) for ch in value) + "'"


def quote_like(value: str) -> str:
    """A SOQL LIKE pattern matching `value` literally (wildcards escaped)."""
    escaped = "".join(_escape_char(ch) for ch in value)
    return "'" + escaped.replace("%", "\\%").replace("_", "\\_") + "'"


def _escape_char(ch: str) -> str:
    if ch in _ESCAPES:
        return _ESCAPES[ch]
    if ord(ch) < 0x20 or ch == "\x7f":
        # Other control characters have no named escape; \uXXXX is SOQL's general form.
        return f"\\u{ord(ch):04x}"
    return ch


def quote_list(values: list[str]) -> str:
    """`('a', 'b')` for IN; an empty list is not valid SOQL and is refused."""
    if not values:
        raise ValueError("An IN list needs at least one value.")
    return "(" + ", ".join(quote(v) for v in values) + ")"


def datetime_literal(moment: datetime) -> str:
    """`2024-01-05T10:00:00.000Z`: unquoted, UTC (no `+`, which a URL would turn into a space)."""
    if moment.tzinfo is None:
        raise ValueError("SOQL date-times need a time zone.")
    utc = moment.astimezone(UTC)
    return utc.strftime("%Y-%m-%dT%H:%M:%S.") + f"{utc.microsecond // 1000:03d}Z"


def parse_datetime(value: str) -> datetime:
    """Salesforce's `2021-11-06T17:38:40.000+0000` (REST JSON) as an aware datetime."""
    return datetime.strptime(value, "%Y-%m-%dT%H:%M:%S.%f%z")
