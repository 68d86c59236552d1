"""The issue's acceptance property: for generated records and generated WHERE / ORDER BY /
LIMIT / OFFSET clauses, parse -> compile -> SQLite returns exactly what a plain-Python evaluation
of the same AST returns, in the same order.

The Python evaluator below is written from SOQL's rules, not from the compiler: two-valued logic
(a null field is just a value: ``!=`` and ``NOT`` match it), case-insensitive text (ASCII folding,
as the store declares), LIKE wildcards, date literals as day ranges, outer-join parent paths,
ORDER BY with NULLS FIRST/LAST defaults.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from salesforce_emulator.clock import from_ms, parse_datetime
from salesforce_emulator.soql import ast
from salesforce_emulator.soql.dates import date_range
from salesforce_emulator.soql.escape import quote
from salesforce_emulator.soql.parser import parse
from salesforce_emulator.store import Org

TODAY = date(2024, 3, 13)
NOW = datetime(2024, 3, 13, 15, 30, tzinfo=UTC)
FOLD = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")

# ------------------------------------------------------------------------------ data

TEXT = st.text(alphabet="aAbB%_\\' éÉz", min_size=0, max_size=4)
STAGES = ["Prospecting", "Closed Won", "Closed Lost"]


@dataclass
class Row:
    values: dict[str, Any]  # by field path ("Account.Name" for the parent's name)


opportunity = st.fixed_dictionaries(
    {
        "Name": TEXT.filter(bool),
        "NextStep": st.none() | TEXT.filter(bool),
        "Amount": st.none() | st.integers(-50, 50),
        "CloseDate": st.dates(date(2023, 12, 1), date(2024, 5, 1)),
        "StageName": st.sampled_from(STAGES),
        "account": st.none() | st.integers(0, 2),
        "minutes_later": st.integers(0, 60 * 24 * 40),
    }
)
accounts = st.lists(st.none() | TEXT.filter(bool), min_size=3, max_size=3)

# ------------------------------------------------------------------------------ clauses

FIELDS = {
    "Name": "text",
    "NextStep": "text",
    "Account.Name": "text",
    "Amount": "number",
    "CloseDate": "date",
    "CreatedDate": "datetime",
    "IsWon": "boolean",
}
DATE_LITERALS = st.sampled_from(["TODAY", "YESTERDAY", "THIS_MONTH", "LAST_MONTH", "THIS_YEAR",
                                 "LAST_WEEK", "NEXT_90_DAYS"]).map(ast.DateLiteral) | st.builds(
    ast.DateLiteral, st.sampled_from(["LAST_N_DAYS", "NEXT_N_DAYS", "N_DAYS_AGO"]),
    st.integers(0, 40),
)  # fmt: skip


def literal_for(kind: str) -> st.SearchStrategy[Any]:
    return {
        "text": TEXT,
        "number": st.integers(-50, 50) | st.sampled_from([0.5, -2.25]),
        "date": st.dates(date(2023, 12, 1), date(2024, 5, 1)) | DATE_LITERALS,
        "datetime": st.builds(
            lambda m: NOW - timedelta(days=60) + timedelta(minutes=m), st.integers(0, 60 * 24 * 90)
        )
        | DATE_LITERALS,
        "boolean": st.booleans(),
    }[kind] | st.none()


@st.composite
def comparisons(draw: st.DrawFn) -> ast.Expr:
    path = draw(st.sampled_from(sorted(FIELDS)))
    kind = FIELDS[path]
    ref = ast.FieldRef(tuple(path.split(".")))
    form = draw(st.sampled_from(["cmp", "cmp", "in", "like"] if kind == "text" else ["cmp", "in"]))
    if form == "like":
        parts = ["%", "_", "a", "B", "\\%", "\\_", "\\\\", "'", "é"]
        pieces = draw(st.lists(st.sampled_from(parts), max_size=4))
        return ast.Like(ref, ast.LikePattern("".join(pieces)))
    plain = literal_for(kind).filter(lambda v: not isinstance(v, ast.DateLiteral))
    if form == "in":
        values = draw(st.lists(plain, min_size=1, max_size=3))
        return ast.InList(ref, tuple(values), negated=draw(st.booleans()))
    op = draw(st.sampled_from(["=", "!=", "<", "<=", ">", ">="]))
    if kind == "boolean":
        op = draw(st.sampled_from(["=", "!="]))
    return ast.Comparison(ref, op, draw(literal_for(kind)))


conditions = st.recursive(
    comparisons(),
    lambda inner: (
        st.builds(ast.Not, inner)
        | st.builds(ast.And, st.lists(inner, min_size=2, max_size=3).map(tuple))
        | st.builds(ast.Or, st.lists(inner, min_size=2, max_size=3).map(tuple))
    ),
    max_leaves=6,
)
order_items = st.lists(
    st.builds(
        ast.OrderItem,
        st.sampled_from(sorted(FIELDS)).map(lambda p: ast.FieldRef(tuple(p.split(".")))),
        st.booleans(),
        st.booleans(),
    ),
    max_size=2,
)

# ------------------------------------------------------------------------------ rendering


def render_value(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, ast.DateLiteral):
        return value.name if value.n is None else f"{value.name}:{value.n}"
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%dT%H:%M:%SZ")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, str):
        return quote(value)
    return str(value)


def render_like(pattern: str) -> str:
    """A LIKE pattern (SQL form) as a SOQL literal: escapes stay, other characters are quoted."""
    out, i = [], 0
    while i < len(pattern):
        if pattern[i] == "\\":
            out.append(pattern[i : i + 2])
            i += 2
        else:
            out.append(pattern[i] if pattern[i] in "%_" else quote(pattern[i])[1:-1])
            i += 1
    return "'" + "".join(out) + "'"


def render(expr: ast.Expr) -> str:
    if isinstance(expr, ast.Not):
        return f"(NOT ({render(expr.expr)}))"
    if isinstance(expr, ast.And | ast.Or):
        joiner = " AND " if isinstance(expr, ast.And) else " OR "
        return "(" + joiner.join(render(i) for i in expr.items) + ")"
    if isinstance(expr, ast.Like):
        return f"{expr.field} LIKE {render_like(expr.pattern.pattern)}"
    if isinstance(expr, ast.InList):
        values = ", ".join(render_value(v) for v in expr.values)
        return f"{expr.field} {'NOT IN' if expr.negated else 'IN'} ({values})"
    assert isinstance(expr, ast.Comparison)
    return f"{expr.field} {expr.op} {render_value(expr.value)}"


# ------------------------------------------------------------------------------ the evaluator


def fold(value: Any) -> Any:
    return value.translate(FOLD) if isinstance(value, str) else value


def comparable(kind: str, value: Any) -> Any:
    """A literal in the form of the generated row values."""
    if kind == "datetime" and isinstance(value, datetime):
        return value.astimezone(UTC)
    if kind == "boolean" and value is None:
        return False  # a null checkbox is false
    return fold(value)


def like_regex(pattern: str) -> re.Pattern[str]:
    out, i = [], 0
    while i < len(pattern):
        ch = pattern[i]
        if ch == "\\":
            out.append(re.escape(pattern[i + 1]))
            i += 2
            continue
        out.append(".*" if ch == "%" else "." if ch == "_" else re.escape(ch))
        i += 1
    return re.compile("".join(out), re.DOTALL)


def in_range(kind: str, value: Any, literal: ast.DateLiteral, op: str) -> bool:
    start, end = date_range(literal, TODAY)
    low: Any = start if kind == "date" else datetime(*start.timetuple()[:3], tzinfo=UTC)
    high: Any = end if kind == "date" else datetime(*end.timetuple()[:3], tzinfo=UTC)
    if value is None:
        return op == "!="
    inside = low <= value < high
    return {"=": inside, "!=": not inside, "<": value < low, "<=": value < high,
            ">": value >= high, ">=": value >= low}[op]  # fmt: skip


def evaluate(expr: ast.Expr, row: dict[str, Any]) -> bool:
    if isinstance(expr, ast.Not):
        return not evaluate(expr.expr, row)
    if isinstance(expr, ast.And):
        return all(evaluate(i, row) for i in expr.items)
    if isinstance(expr, ast.Or):
        return any(evaluate(i, row) for i in expr.items)
    assert not isinstance(expr, ast.SemiJoin)
    path = str(expr.field)
    kind = FIELDS[path]
    value = fold(row[path])
    if isinstance(expr, ast.Like):
        return (
            value is not None
            and like_regex(fold(expr.pattern.pattern)).fullmatch(value) is not None
        )
    if isinstance(expr, ast.InList):
        wanted = [comparable(kind, v) for v in expr.values]
        found = value in wanted
        return not found if expr.negated else found
    if isinstance(expr.value, ast.DateLiteral):
        return in_range(kind, value, expr.value, expr.op)
    literal = comparable(kind, expr.value)
    if literal is None or value is None:
        equal = literal is value
        return {"=": equal, "!=": not equal}.get(expr.op, False)
    outcomes = {"=": value == literal, "!=": value != literal, "<": value < literal,
                "<=": value <= literal, ">": value > literal, ">=": value >= literal}  # fmt: skip
    return outcomes[expr.op]


def compare_rows(order: list[ast.OrderItem], a: tuple[int, dict], b: tuple[int, dict]) -> int:
    for item in order:
        x, y = fold(a[1][str(item.field)]), fold(b[1][str(item.field)])
        if x is None or y is None:
            if x is None and y is None:
                continue
            return (1 if item.nulls_last else -1) * (1 if x is None else -1)
        if x != y:
            result = -1 if x < y else 1
            return -result if item.descending else result
    return -1 if a[0] < b[0] else (1 if a[0] > b[0] else 0)


# ------------------------------------------------------------------------------ the property


def build_org(records: list[dict[str, Any]], account_names: list[str | None]) -> tuple[Org, list]:
    clock = {"now": NOW - timedelta(days=60)}
    org = Org.create(None, clock=lambda: clock["now"])
    account_ids = [org.insert("Account", {"Name": n}) if n else None for n in account_names]
    rows = []
    for record in records:
        clock["now"] = NOW - timedelta(days=60) + timedelta(minutes=record["minutes_later"])
        account = account_ids[record["account"]] if record["account"] is not None else None
        values = {k: record[k] for k in ("Name", "NextStep", "Amount", "StageName")}
        values["CloseDate"] = record["CloseDate"].isoformat()
        record_id = org.insert("Opportunity", {**values, "AccountId": account})
        stored = org.get("Opportunity", record_id)
        rows.append(
            {
                "Id": record_id, "Name": record["Name"], "NextStep": record["NextStep"],
                "Amount": record["Amount"], "CloseDate": record["CloseDate"],
                "CreatedDate": from_ms(parse_datetime(stored["CreatedDate"]) or 0),
                "IsWon": record["StageName"] == "Closed Won",
                "Account.Name": account_names[record["account"]] if account else None,
            }
        )  # fmt: skip
    clock["now"] = NOW
    return org, rows


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    records=st.lists(opportunity, max_size=12),
    account_names=accounts,
    where=st.none() | conditions,
    order=order_items,
    limit=st.none() | st.integers(0, 8),
    offset=st.none() | st.integers(0, 5),
)
def test_sqlite_agrees_with_a_python_evaluation_of_the_same_ast(
    records: list[dict[str, Any]],
    account_names: list[str | None],
    where: ast.Expr | None,
    order: list[ast.OrderItem],
    limit: int | None,
    offset: int | None,
) -> None:
    org, rows = build_org(records, account_names)
    text = "SELECT Id FROM Opportunity"
    if where is not None:
        text += " WHERE " + render(where)
    if order:
        keys = [f"{i.field} {'DESC' if i.descending else 'ASC'} NULLS "
                f"{'LAST' if i.nulls_last else 'FIRST'}" for i in order]  # fmt: skip
        text += " ORDER BY " + ", ".join(keys)
    if limit is not None:
        text += f" LIMIT {limit}"
    if offset is not None:
        text += f" OFFSET {offset}"

    parsed = parse(text)
    assert parsed.where == where  # the renderer and the parser agree on the AST
    assert list(parsed.order_by) == order

    matching = [(i, r) for i, r in enumerate(rows) if where is None or evaluate(where, r)]
    matching.sort(key=functools.cmp_to_key(functools.partial(compare_rows, order)))
    expected = [r["Id"] for _, r in matching]
    start = offset or 0
    expected = expected[start : None if limit is None else start + limit]

    cursor = org.query(text)
    assert cursor.total_size == len(expected)
    assert [r["Id"] for r in cursor.fetch(100)] == expected
    org.close()
