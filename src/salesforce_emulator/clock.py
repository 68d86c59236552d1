"""Time in the emulator: the injectable clock, millisecond stamps, and Salesforce's date formats.

Date-times are stored as integer epoch milliseconds (UTC) and written on the wire exactly as
``2021-11-06T17:38:40.000+0000`` (reference §0.4). Dates are ``YYYY-MM-DD`` text.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta

Clock = Callable[[], datetime]

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_INPUT = re.compile(
    r"(\d{4})-(\d{2})-(\d{2})"
    r"(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?)?"
    r"\s*(Z|[+-]\d{2}:?\d{2})?"
)


def system_clock() -> datetime:
    return datetime.now(UTC)


def to_ms(moment: datetime) -> int:
    """Epoch milliseconds of an aware datetime (naive ones are taken as UTC)."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return (moment - _EPOCH) // timedelta(milliseconds=1)


def from_ms(ms: int) -> datetime:
    return _EPOCH + timedelta(milliseconds=ms)


def format_datetime(ms: int) -> str:
    """``2021-11-06T17:38:40.000+0000``: milliseconds, UTC, offset without a colon."""
    moment = from_ms(ms)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}+0000"


def _offset(text: str | None) -> timedelta:
    if not text or text == "Z":
        return timedelta(0)
    sign = -1 if text[0] == "-" else 1
    digits = text[1:].replace(":", "")
    return sign * timedelta(hours=int(digits[:2]), minutes=int(digits[2:]))


def parse_datetime(text: str) -> int | None:
    """Epoch ms of a date-time in one of Salesforce's input forms; None when it is not one.

    Accepted: ``2024-01-05T10:00:00.000+0000``, ``...Z``, ``...+01:00``, without seconds or
    fraction, and a bare date (midnight UTC).
    """
    match = _INPUT.fullmatch(text.strip())
    if match is None:
        return None
    year, month, day, hour, minute, second, fraction, offset = match.groups()
    try:
        moment = datetime(
            int(year), int(month), int(day), int(hour or 0), int(minute or 0), int(second or 0),
            int((fraction or "0").ljust(6, "0")[:6]), tzinfo=UTC,
        )  # fmt: skip
    except ValueError:
        return None
    return to_ms(moment - _offset(offset))


def parse_date(text: str) -> str | None:
    """``YYYY-MM-DD`` of a date input (a date-time input keeps its date part); None if invalid."""
    match = _INPUT.fullmatch(text.strip())
    if match is None:
        return None
    try:
        return date(int(match[1]), int(match[2]), int(match[3])).isoformat()
    except ValueError:
        return None
