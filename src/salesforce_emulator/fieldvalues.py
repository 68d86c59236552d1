"""One field value, in and out: JSON input -> validated storage value, storage value -> JSON.

Storage forms (SQLite): text types as TEXT, numbers as REAL (``int`` as INTEGER), booleans as
0/1, dates as ``YYYY-MM-DD`` TEXT, date-times as epoch milliseconds (INTEGER, UTC).
"""

from __future__ import annotations

import math
import re
from typing import Any

from .clock import format_datetime, parse_date, parse_datetime
from .errors import SalesforceError
from .ids import is_valid_id, to_18
from .schema import FieldDef

# Deliberately simple: one "@", no spaces, a dot in the domain part (Salesforce's own rule is
# not published; this rejects what its documented example rejects: "not an email").
_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s.]+")


def _parse_error(field: FieldDef, value: object) -> SalesforceError:
    kind = "VALUE_STRING" if isinstance(value, str) else type(value).__name__.upper()
    return SalesforceError(
        400,
        "JSON_PARSER_ERROR",
        f"Cannot deserialize instance of {field.type} from {kind} value {value} "
        "or request may be missing a required field",
        [field.name],
    )


def _text(field: FieldDef, value: object) -> str | None:
    if isinstance(value, bool):
        value = "true" if value else "false"
    elif isinstance(value, int | float):
        value = str(value)
    if not isinstance(value, str):
        raise _parse_error(field, value)
    if value == "":
        return None  # Salesforce stores an empty string as null
    if field.length and len(value) > field.length:
        raise SalesforceError(
            400,
            "STRING_TOO_LONG",
            f"{field.label}: data value too large: {value} (max length={field.length})",
            [field.name],
        )
    if field.type == "email" and not _EMAIL.fullmatch(value):
        raise SalesforceError(
            400,
            "INVALID_EMAIL_ADDRESS",
            f"{field.label}: invalid email address: {value}",
            [field.name],
        )
    if field.type in ("id", "reference"):
        if not is_valid_id(value):
            raise SalesforceError(
                400,
                "MALFORMED_ID",
                f"{field.label}: id value of incorrect type: {value}",
                [field.name],
            )
        return to_18(value)
    if field.type == "picklist" and field.restricted_picklist:
        return _restricted(field, value)
    return value


def _restricted(field: FieldDef, value: str) -> str:
    for pick in field.picklist_values:
        if pick.active and pick.value.lower() == value.lower():
            return pick.value
    raise restricted_picklist_error(field, value)


def restricted_picklist_error(field: FieldDef, value: object) -> SalesforceError:
    return SalesforceError(
        400,
        "INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST",
        f"{field.label}: bad value for restricted picklist field: {value}",
        [field.name],
    )


def _number(field: FieldDef, value: object) -> float | int:
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        raise _parse_error(field, value)
    try:
        number = float(value)
    except ValueError:
        raise _parse_error(field, value) from None
    if not math.isfinite(number):
        raise _parse_error(field, value)
    if field.type == "int":
        if number != int(number):
            raise _parse_error(field, value)
        number = int(number)
    elif field.scale:
        number = round(number, field.scale)
    if field.precision and abs(number) >= 10 ** (field.precision - field.scale):
        raise SalesforceError(
            400,
            "NUMBER_OUTSIDE_VALID_RANGE",
            f"{field.label}: value outside of valid range on numeric field: {value}",
            [field.name],
        )
    return number


def _boolean(field: FieldDef, value: object) -> int:
    if value is None:
        return 0  # a null checkbox is false
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, str) and value.lower() in ("true", "false"):
        return int(value.lower() == "true")
    raise _parse_error(field, value)


def to_storage(field: FieldDef, value: Any) -> Any:
    """Validate one input value and return what is stored; raises :class:`SalesforceError`."""
    if field.type == "boolean":
        return _boolean(field, value)
    if value is None:
        return None
    if field.is_text:
        return _text(field, value)
    if field.is_number:
        return _number(field, value)
    if field.type in ("date", "datetime"):
        if not isinstance(value, str):
            raise _parse_error(field, value)
        parsed = parse_date(value) if field.type == "date" else parse_datetime(value)
        if parsed is None:
            raise _parse_error(field, value)
        return parsed
    raise _parse_error(field, value)


def to_json(field: FieldDef, stored: Any) -> Any:
    """The REST JSON form of a stored value."""
    if stored is None:
        return None
    if field.type == "boolean":
        return bool(stored)
    if field.type == "datetime":
        return format_datetime(int(stored))
    if field.type == "int":
        return int(stored)
    if field.is_number:
        return float(stored)
    return stored
