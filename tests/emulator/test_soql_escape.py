"""SOQL string literals: every string survives quote -> parse, in = and in LIKE."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from salesforce_emulator.errors import SalesforceError
from salesforce_emulator.soql import ast
from salesforce_emulator.soql.escape import quote, quote_like, unquote
from salesforce_emulator.soql.parser import parse

TRICKY = st.text(
    alphabet=st.characters(codec="utf-8") | st.sampled_from("'\"\\%_\n\r\t\b\f\x00\x7f")
)


@given(TRICKY)
def test_quote_then_unquote_is_the_identity(value: str) -> None:
    assert unquote(quote(value)) == value


@given(TRICKY)
def test_every_string_round_trips_through_the_parser(value: str) -> None:
    query = parse(f"SELECT Id FROM Contact WHERE LastName = {quote(value)}")
    assert query.where == ast.Comparison(ast.FieldRef(("LastName",)), "=", value)


@given(TRICKY)
def test_quote_like_matches_the_string_literally(value: str) -> None:
    query = parse(f"SELECT Id FROM Contact WHERE LastName LIKE {quote_like(value)}")
    assert isinstance(query.where, ast.Like)
    pattern = query.where.pattern.pattern
    # In the SQL LIKE form every %, _ and backslash of the value is escaped: no wildcards left.
    unescaped, i = [], 0
    while i < len(pattern):
        assert pattern[i] not in "%_"
        if pattern[i] == "\\":
            i += 1
        unescaped.append(pattern[i])
        i += 1
    assert "".join(unescaped) == value


def test_quoted_literals_escape_the_reserved_characters() -> None:
    assert quote("Bob's \\ BBQ") == r"'Bob\'s \\ BBQ'"
    assert quote("line\nbreak\x01") == r"'line\nbreak\u0001'"


@pytest.mark.parametrize("literal", [r"'\q'", r"'\%'", r"'\_'", r"'\u00g1'", "'\\"])
def test_other_backslashes_are_errors(literal: str) -> None:
    with pytest.raises(SalesforceError) as caught:
        unquote(literal if literal.endswith("'") else literal + "'")
    assert caught.value.error_code == "MALFORMED_QUERY"


def test_percent_and_underscore_escapes_are_legal_in_like_only() -> None:
    assert unquote(r"'a\%b\_c%'", like=True) == r"a\%b\_c%"
    assert unquote(r"'\\'", like=True) == "\\\\"
