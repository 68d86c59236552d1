"""SOQL date literals (``TODAY``, ``LAST_N_DAYS:n`` ...) as half-open ranges of days.

Ranges follow the SOQL reference's definitions, in UTC (Salesforce uses the user's time zone;
the emulator's users live in UTC). Weeks start on Sunday, as in the en_US locale.
``LAST_N_DAYS:n`` includes today (n + 1 days in all), ``NEXT_N_DAYS:n`` starts tomorrow.
"""

from __future__ import annotations

from datetime import date, timedelta

from ..errors import malformed_query
from .ast import DateLiteral


def _add_months(day: date, months: int) -> date:
    index = day.year * 12 + day.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def _week_start(today: date) -> date:
    return today - timedelta(days=(today.weekday() + 1) % 7)


def _quarter_start(today: date) -> date:
    return date(today.year, (today.month - 1) // 3 * 3 + 1, 1)


def _fixed(name: str, today: date) -> tuple[date, date] | None:
    day = timedelta(days=1)
    week, month = _week_start(today), date(today.year, today.month, 1)
    quarter, year = _quarter_start(today), date(today.year, 1, 1)
    table = {
        "YESTERDAY": (today - day, today),
        "TODAY": (today, today + day),
        "TOMORROW": (today + day, today + 2 * day),
        "LAST_WEEK": (week - 7 * day, week),
        "THIS_WEEK": (week, week + 7 * day),
        "NEXT_WEEK": (week + 7 * day, week + 14 * day),
        "LAST_MONTH": (_add_months(month, -1), month),
        "THIS_MONTH": (month, _add_months(month, 1)),
        "NEXT_MONTH": (_add_months(month, 1), _add_months(month, 2)),
        "LAST_90_DAYS": (today - 90 * day, today + day),
        "NEXT_90_DAYS": (today + day, today + 91 * day),
        "LAST_QUARTER": (_add_months(quarter, -3), quarter),
        "THIS_QUARTER": (quarter, _add_months(quarter, 3)),
        "NEXT_QUARTER": (_add_months(quarter, 3), _add_months(quarter, 6)),
        "LAST_YEAR": (date(today.year - 1, 1, 1), year),
        "THIS_YEAR": (year, date(today.year + 1, 1, 1)),
        "NEXT_YEAR": (date(today.year + 1, 1, 1), date(today.year + 2, 1, 1)),
    }
    return table.get(name)


def _with_n(name: str, n: int, today: date) -> tuple[date, date] | None:
    day = timedelta(days=1)
    week, month, year = _week_start(today), date(today.year, today.month, 1), today.year
    table = {
        "LAST_N_DAYS": (today - n * day, today + day),
        "NEXT_N_DAYS": (today + day, today + (n + 1) * day),
        "N_DAYS_AGO": (today - n * day, today - (n - 1) * day),
        "LAST_N_WEEKS": (week - 7 * n * day, week),
        "NEXT_N_WEEKS": (week + 7 * day, week + 7 * (n + 1) * day),
        "N_WEEKS_AGO": (week - 7 * n * day, week - 7 * (n - 1) * day),
        "LAST_N_MONTHS": (_add_months(month, -n), month),
        "NEXT_N_MONTHS": (_add_months(month, 1), _add_months(month, n + 1)),
        "N_MONTHS_AGO": (_add_months(month, -n), _add_months(month, 1 - n)),
        "LAST_N_YEARS": (date(year - n, 1, 1), date(year, 1, 1)),
        "NEXT_N_YEARS": (date(year + 1, 1, 1), date(year + n + 1, 1, 1)),
        "N_YEARS_AGO": (date(year - n, 1, 1), date(year - n + 1, 1, 1)),
    }
    return table.get(name)


def date_range(literal: DateLiteral, today: date) -> tuple[date, date]:
    """``[start, end)`` of a date literal; MALFORMED_QUERY for an unknown one."""
    try:
        found = (
            _fixed(literal.name, today) if literal.n is None
            else _with_n(literal.name, literal.n, today)
        )  # fmt: skip
    except (ValueError, OverflowError):
        found = None
    if found is None:
        shown = literal.name if literal.n is None else f"{literal.name}:{literal.n}"
        raise malformed_query(f"unexpected token: '{shown}'")
    return found
