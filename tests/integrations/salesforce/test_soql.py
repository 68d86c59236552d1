"""soql.py: literals built only by SOQL's own escaping rules (reference §4.1), property-tested.

Two independent readers check every literal: a decoder written here from the documented rules,
and the emulator's SOQL parser (the one that answers MailTrixy over HTTP in the other tests).
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from mailtrixy.integrations.salesforce.soql import (
    datetime_literal,
    parse_datetime,
    quote,
    quote_like,
    quote_list,
)
from salesforce_emulator.soql import ast
from salesforce_emulator.soql.parser import parse

NAMED = {"n": "\n", "r": "\r", "t": "\t", "b": "\b", "f": "\f", '"': '"', "'": "'", "\\": "\\"}
WILDCARD = object()

tricky = st.text(
    alphabet=st.one_of(
        st.characters(codec="utf-8"),
        st.sampled_from(["'", "\\", '"', "%", "_", "\n", "\r", "\t", "\b", "\f", "\x00", "\x7f"]),
    ),
    max_size=50,
)


def decode(literal: str, *, like: bool = False) -> list[object]:
    """The characters a SOQL literal stands for (WILDCARD for an unescaped LIKE `%` or `_`).

    Per the reference: the literal is in single quotes; inside, `'` and `\\` never appear
    unescaped; `\\` starts one of the escapes n r t b f " ' \\ uXXXX (and % _ in LIKE only).
    """
    assert literal[0] == "'" and literal[-1] == "'" and len(literal) >= 2
    body, out, i = literal[1:-1], [], 0
    while i < len(body):
        ch = body[i]
        assert ch != "'", f"unescaped quote in {literal!r}"
        if ch != "\\":
            out.append(WILDCARD if like and ch in "%_" else ch)
            i += 1
            continue
        nxt = body[i + 1]
        if nxt.lower() in NAMED:
            out.append(NAMED[nxt.lower()])
            i += 2
        elif nxt in "uU":
            out.append(chr(int(body[i + 2 : i + 6], 16)))
            i += 6
        elif like and nxt in "%_":
            out.append(nxt)
            i += 2
        else:
            raise AssertionError(f"illegal escape \\{nxt} in {literal!r}")
    return out


@given(tricky)
@example("Bob's BBQ")
@example("\\'; DELETE")
@example("a\\")
def test_quote_reads_back_as_the_value(value: str) -> None:
    literal = quote(value)
    assert decode(literal) == list(value)
    assert not any(ord(c) < 0x20 for c in literal)  # control characters always escaped


@given(tricky)
@example("' OR Name != '")
def test_quote_is_one_literal_to_the_emulators_parser(value: str) -> None:
    query = parse(f"SELECT Id FROM Contact WHERE Email = {quote(value)} LIMIT 1")
    assert isinstance(query.where, ast.Comparison)
    assert query.where.value == value
    assert query.limit == 1


@given(tricky)
@example("100%_sure")
@example("\\%")
def test_quote_like_matches_the_value_literally(value: str) -> None:
    literal = quote_like(value)
    decoded = decode(literal, like=True)
    assert WILDCARD not in decoded
    assert decoded == list(value)
    query = parse(f"SELECT Id FROM Contact WHERE Name LIKE {literal}")
    assert isinstance(query.where, ast.Like)


@given(st.lists(tricky, min_size=1, max_size=5))
def test_quote_list_is_an_in_list_of_the_values(values: list[str]) -> None:
    query = parse(f"SELECT Id FROM Contact WHERE Email IN {quote_list(values)}")
    assert isinstance(query.where, ast.InList)
    assert list(query.where.values) == values


def test_quote_list_refuses_an_empty_list() -> None:
    with pytest.raises(ValueError, match="at least one"):
        quote_list([])


@given(
    st.datetimes(
        min_value=datetime(1971, 1, 1), max_value=datetime(2999, 1, 1), timezones=st.just(UTC)
    ),
    st.integers(min_value=-12 * 60, max_value=14 * 60),
)
def test_datetime_literal_is_utc_with_z_and_no_plus(moment: datetime, offset_minutes: int) -> None:
    local = moment.astimezone(timezone(timedelta(minutes=offset_minutes)))
    literal = datetime_literal(local)
    assert literal.endswith("Z") and "+" not in literal and "'" not in literal
    back = datetime.strptime(literal, "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=UTC)
    assert abs(back - moment) < timedelta(milliseconds=1)
    parse(f"SELECT Id FROM Contact WHERE SystemModstamp > {literal}")


def test_datetime_literal_refuses_a_naive_datetime() -> None:
    with pytest.raises(ValueError):
        datetime_literal(datetime(2024, 1, 5, 10, 0))


def test_parse_datetime_reads_salesforce_rest_json() -> None:
    value = parse_datetime("2021-11-06T17:38:40.000+0000")
    assert value == datetime(2021, 11, 6, 17, 38, 40, tzinfo=UTC)
