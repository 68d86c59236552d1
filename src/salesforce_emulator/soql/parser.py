"""Text -> :class:`~.ast.Query`, with Salesforce-style MALFORMED_QUERY messages."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime
from functools import cache
from importlib import resources
from typing import Any

from lark import Lark, Token, Transformer, v_args
from lark.exceptions import UnexpectedCharacters, UnexpectedEOF, UnexpectedInput, UnexpectedToken

from ..clock import from_ms, parse_datetime
from ..errors import SalesforceError, malformed_query
from . import ast
from .escape import unquote

MAX_QUERY_LENGTH = 100_000
MAX_STRING_LENGTH = 4_000


@cache
def _parser() -> Lark:
    grammar = resources.files(__package__).joinpath("grammar.lark").read_text(encoding="utf-8")
    return Lark(grammar, parser="lalr", lexer="contextual", maybe_placeholders=False)


class _StringToken(str):
    """A string literal still in its quoted form: LIKE and the other operators unquote it
    differently (``\\%`` and ``\\_`` are legal only in LIKE)."""


def _unexpected(token: str) -> SalesforceError:
    return malformed_query(f"unexpected token: '{token}'")


@v_args(inline=True)
class _ToAst(Transformer[Token, ast.Query]):
    def start(self, query: ast.Query) -> ast.Query:
        return query

    def query(
        self, _select: Token, items: list[Any], _from: Token, name: Token, *rest: Any
    ) -> ast.Query:
        clauses: dict[str, Any] = dict(r for r in rest if r is not None)
        return ast.Query(
            select=tuple(items), sobject=str(name), where=clauses.get("where"),
            order_by=clauses.get("order_by", ()), limit=clauses.get("limit"),
            offset=clauses.get("offset"),
        )  # fmt: skip

    def select_list(self, *items: Any) -> list[Any]:
        return list(items)

    def subquery(self, query: ast.Query) -> ast.Query:
        return query

    def count_all(self, _count: Token) -> ast.CountAll:
        return ast.CountAll()

    def field_path(self, *names: Token) -> ast.FieldRef:
        return ast.FieldRef(tuple(str(n) for n in names))

    def where(self, _kw: Token, condition: Any) -> tuple[str, ast.Expr]:
        return ("where", _ungrouped(condition, None))

    def with_clause(self, _kw: Token, name: Token) -> None:
        if str(name).upper() != "SECURITY_ENFORCED":
            raise _unexpected(str(name))

    def for_clause(self, _kw: Token, name: Token) -> None:
        if str(name).upper() not in ("VIEW", "REFERENCE"):
            raise _unexpected(str(name))

    def group(self, condition: Any) -> _Group:
        return _Group(_ungrouped(condition, None))

    def or_expr(self, *parts: Any) -> ast.Or:
        return ast.Or(tuple(_ungrouped(p, ast.Or) for p in parts if not isinstance(p, Token)))

    def and_expr(self, *parts: Any) -> ast.And:
        return ast.And(tuple(_ungrouped(p, ast.And) for p in parts if not isinstance(p, Token)))

    def not_expr(self, _not: Token, expr: Any) -> ast.Not:
        return ast.Not(_ungrouped(expr, ast.Not))

    def compare(self, field: ast.FieldRef, op: Token, value: Any) -> ast.Comparison:
        operator = "!=" if op == "<>" else str(op)
        return ast.Comparison(field, operator, _plain(value))

    def like(self, field: ast.FieldRef, _kw: Token, value: Any) -> ast.Like:
        if not isinstance(value, _StringToken):
            raise malformed_query(f"LIKE needs a string value for field '{field}'")
        return ast.Like(field, ast.LikePattern(unquote(value, like=True)))

    def in_list(self, field: ast.FieldRef, _in: Token, values: list[Any]) -> ast.InList:
        return ast.InList(field, tuple(_plain(v) for v in values))

    def not_in_list(
        self, field: ast.FieldRef, _not: Token, _in: Token, values: list[Any]
    ) -> ast.InList:
        return ast.InList(field, tuple(_plain(v) for v in values), negated=True)

    def semi_join(self, field: ast.FieldRef, _in: Token, query: ast.Query) -> ast.SemiJoin:
        return ast.SemiJoin(field, query)

    def anti_join(
        self, field: ast.FieldRef, _not: Token, _in: Token, query: ast.Query
    ) -> ast.SemiJoin:
        return ast.SemiJoin(field, query, negated=True)

    def value_list(self, *values: Any) -> list[Any]:
        return list(values)

    def string(self, token: Token) -> _StringToken:
        if len(token) - 2 > MAX_STRING_LENGTH:
            raise malformed_query(f"String literal is longer than {MAX_STRING_LENGTH} characters")
        return _StringToken(token)

    def number(self, token: Token) -> int | float:
        text = str(token)
        return float(text) if "." in text else int(text)

    def datetime(self, token: Token) -> datetime:
        ms = parse_datetime(str(token))
        if ms is None:
            raise malformed_query(f"line 1:0 no viable alternative at character '{token}'")
        return from_ms(ms)

    def date(self, token: Token) -> date:
        try:
            return date.fromisoformat(str(token))
        except ValueError:
            raise malformed_query(
                f"line 1:0 no viable alternative at character '{token}'"
            ) from None

    def date_literal_n(self, name: Token, n: Token) -> ast.DateLiteral:
        if not re.fullmatch(r"\d+", str(n)):
            raise _unexpected(str(n))
        return ast.DateLiteral(str(name).upper(), int(str(n)))

    def word(self, name: Token) -> Any:
        lowered = str(name).lower()
        if lowered in ("null", "true", "false"):
            return {"null": None, "true": True, "false": False}[lowered]
        return ast.DateLiteral(lowered.upper())

    def order_by(self, _order: Token, _by: Token, *items: ast.OrderItem) -> tuple[str, Any]:
        return ("order_by", tuple(items))

    def order_item(self, field: ast.FieldRef, *modifiers: tuple[str, bool]) -> ast.OrderItem:
        options = dict(modifiers)
        return ast.OrderItem(field, options.get("desc", False), options.get("nulls_last", False))

    def direction(self, token: Token) -> tuple[str, bool]:
        return ("desc", token.type == "DESC")

    def nulls(self, _nulls: Token, which: Token) -> tuple[str, bool]:
        return ("nulls_last", which.type == "LAST")

    def limit(self, _kw: Token, n: Any) -> tuple[str, int]:
        return ("limit", _count(n, "LIMIT"))

    def offset(self, _kw: Token, n: Any) -> tuple[str, int]:
        return ("offset", _count(n, "OFFSET"))


@dataclass(frozen=True)
class _Group:
    """A condition that stood in parentheses (parse time only)."""

    expr: ast.Expr


_LOGICAL = (ast.And, ast.Or, ast.Not)


def _ungrouped(part: Any, within: type | None) -> ast.Expr:
    """The condition `part`, refused if it mixes operators with `within` without parentheses.

    SOQL: "Parentheses are required whenever you mix the operators" AND, OR and NOT.
    """
    if isinstance(part, _Group):
        return part.expr
    if within is not None and isinstance(part, _LOGICAL) and not isinstance(part, within):
        raise malformed_query("Parentheses are required whenever AND, OR and NOT are mixed")
    return part


def _count(token: Any, clause: str) -> int:
    text = str(token)
    if not re.fullmatch(r"\d+", text):
        raise malformed_query(f"unexpected token: '{text}'" if clause else text)
    return int(text)


def _plain(value: Any) -> Any:
    """String tokens become their values (outside LIKE, ``\\%`` and ``\\_`` are errors)."""
    return unquote(value) if isinstance(value, _StringToken) else value


def _position_message(text: str, error: UnexpectedInput, token: str) -> str:
    """``ERROR at Row:1:Column:N`` with the line and a caret, as Salesforce writes it."""
    row, column = error.line, error.column
    if row in (None, -1) or column in (None, -1) or (row == 1 and column == 1):
        return f"unexpected token: {token}"
    line = text.splitlines()[row - 1] if text.splitlines() else ""
    start = max(0, column - 1 - 60)
    excerpt = line[start : column - 1 + 40]
    caret = " " * (column - 1 - start) + "^"
    return f"\n{excerpt}\n{caret}\nERROR at Row:{row}:Column:{column}\nunexpected token: {token}"


def parse(text: str) -> ast.Query:
    """Parse one SOQL statement; MALFORMED_QUERY on any syntax error."""
    if len(text) > MAX_QUERY_LENGTH:
        raise malformed_query(f"Query is longer than {MAX_QUERY_LENGTH} characters")
    try:
        tree = _parser().parse(text)
    except UnexpectedEOF:
        raise malformed_query("unexpected token: <EOF>") from None
    except UnexpectedToken as error:
        if error.token.type == "$END":
            raise malformed_query("unexpected token: <EOF>") from None
        raise malformed_query(_position_message(text, error, f"'{error.token}'")) from None
    except UnexpectedCharacters as error:
        pos = error.pos_in_stream or 0
        char = text[pos] if pos < len(text) else ""
        raise malformed_query(_position_message(text, error, f"'{char}'")) from None
    try:
        return _ToAst().transform(tree)
    except Exception as error:  # Lark wraps transformer errors in VisitError
        cause = getattr(error, "orig_exc", error)
        if isinstance(cause, SalesforceError):
            raise cause from None
        raise
