"""SOQL AST -> parameterised SQLite, plus the layout that shapes rows into Salesforce records.

* Parent paths (``Account.Owner.Name``) become LEFT JOINs, one per distinct relationship path.
* Literals are always bound parameters; identifiers come from the schema and are quoted.
* SOQL logic is two-valued: ``Name != 'x'`` and ``NOT Name = 'x'`` match records whose Name is
  null. ``NOT`` is pushed down to the comparisons (De Morgan), and each comparison is written in
  a positive or a negated form that handles null explicitly, so that plain comparisons such as
  ``Email = ?`` stay index-friendly.
* Text columns are ``COLLATE NOCASE`` (see ``tables.py``): ``=``, ``IN``, ``LIKE`` and ORDER BY
  ignore case the same way.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from ..clock import to_ms
from ..errors import SalesforceError, invalid_field_on_entity, invalid_type, malformed_query
from ..ids import is_valid_id, to_18
from ..schema import FieldDef, ObjectDef
from ..tables import Raw, quote_ident
from ..tables import sql as sql_template
from . import ast
from .dates import date_range

MAX_OFFSET = 2000
MAX_PARENT_DEPTH = 5

_RELATIONSHIP_HINT = (
    "If you are attempting to use a custom relationship, be sure to append the '__r' after the "
    "custom relationship name. Please reference your WSDL or the describe call for the "
    "appropriate names."
)


# ------------------------------------------------------------------------------ output layout


@dataclass
class Layout:
    """How one object level of a row becomes a record: ``entries`` in selection order."""

    obj: ObjectDef
    id_column: int
    # ("field", name, FieldDef, column) | ("parent", name, Layout) | ("child", name, index)
    entries: list[tuple[Any, ...]] = field(default_factory=list)
    parents: dict[str, Layout] = field(default_factory=dict)


@dataclass
class ChildPlan:
    """A parent-to-child subquery, run once per page for all parents of the page."""

    relationship: str
    layout: Layout  # column 0 of a child row is the parent id
    sql_head: str  # ... AND <fk> IN (   -- the parent-id placeholders go here
    sql_tail: str  # ) ORDER BY ...
    params: list[Any]
    limit: int | None


@dataclass
class Plan:
    obj: ObjectDef
    is_count: bool
    snapshot_sql: str  # the ordered rowids, or the count for COUNT()
    snapshot_params: list[Any]
    page_sql_head: str  # ... WHERE t0.rowid IN (
    layout: Layout  # column 0 of a page row is the rowid
    children: list[ChildPlan]


# ------------------------------------------------------------------------------ scopes


class _Scope:
    """One FROM object with its joins and selected columns."""

    def __init__(self, compiler: Compiler, obj: ObjectDef, alias: str) -> None:
        self.compiler = compiler
        self.obj = obj
        self.alias = alias
        self.joins: dict[tuple[str, ...], tuple[str, ObjectDef]] = {(): (alias, obj)}
        self.join_sql: list[str] = []
        self.columns: list[str] = []

    def column(self, expression: str) -> int:
        self.columns.append(expression)
        return len(self.columns) - 1

    def resolve(self, ref: ast.FieldRef) -> tuple[str, FieldDef, tuple[str, ...]]:
        """``(column SQL, field, canonical relationship path)`` of a field path."""
        if len(ref.path) - 1 > MAX_PARENT_DEPTH:
            raise malformed_query(
                f"SOQL statements cannot query relationships that are more than "
                f"{MAX_PARENT_DEPTH} levels away from the root entity object."
            )
        alias, obj = self.joins[()]
        canonical: tuple[str, ...] = ()
        for part in ref.path[:-1]:
            reference = obj.parent_relationship(part)
            if reference is None:
                raise SalesforceError(
                    400, "INVALID_FIELD",
                    f"Didn't understand relationship '{part}' in field path. {_RELATIONSHIP_HINT}",
                )  # fmt: skip
            canonical = (*canonical, reference.relationship_name or part)
            alias, obj = self._join(canonical, alias, reference)
        found = obj.find_field(ref.path[-1])
        if found is None:
            raise invalid_field_on_entity(ref.path[-1], obj.name)
        return f"{alias}.{quote_ident(found.name)}", found, canonical

    def _join(self, path: tuple[str, ...], from_alias: str, ref: FieldDef) -> tuple[str, ObjectDef]:
        if path not in self.joins:
            target = self.compiler.schema[ref.reference_to[0]]
            alias = self.compiler.new_alias(self.alias)
            self.join_sql.append(
                f"LEFT JOIN {quote_ident(target.name)} {alias} "
                f"ON {alias}.Id = {from_alias}.{quote_ident(ref.name)}"
            )
            self.joins[path] = (alias, target)
        return self.joins[path]

    def from_sql(self) -> str:
        return " ".join([f"{quote_ident(self.obj.name)} {self.alias}", *self.join_sql])


# ------------------------------------------------------------------------------ the compiler


class Compiler:
    def __init__(self, schema: dict[str, ObjectDef], today: date) -> None:
        self.schema = schema
        self._by_lower = {name.lower(): obj for name, obj in schema.items()}
        self.today = today
        self._aliases = 0

    def new_alias(self, base: str) -> str:
        self._aliases += 1
        return f"{base}_{self._aliases}"

    def object(self, name: str) -> ObjectDef:
        found = self._by_lower.get(name.lower())
        if found is None:
            raise invalid_type(name)
        return found

    # -------------------------------------------------------------------- top level

    def compile(self, query: ast.Query, *, include_deleted: bool = False) -> Plan:
        scope = _Scope(self, self.object(query.sobject), "t0")
        _check_limits(query, child=False)
        where_sql, params = self._filters(scope, query.where, include_deleted)
        if query.is_count:
            return self._count_plan(scope, query, where_sql, params)
        scope.column("t0.rowid")
        layout = Layout(scope.obj, scope.column("t0.Id"))
        children: list[ChildPlan] = []
        for item in query.select:
            if isinstance(item, ast.Query):
                children.append(self._child(scope.obj, item, include_deleted))
                layout.entries.append(("child", children[-1].relationship, len(children) - 1))
            elif isinstance(item, ast.FieldRef):
                self._select(scope, layout, item)
        order_sql, order_params = self._order_by(scope, query.order_by, "t0")
        snapshot = _select("t0.rowid", scope.from_sql(), where_sql, order_sql + _limit_sql(query))
        page_head = _select(", ".join(scope.columns), scope.from_sql(), "t0.rowid IN (")
        snapshot_params = [*params, *order_params, *_limit_params(query)]
        return Plan(scope.obj, False, snapshot, snapshot_params, page_head, layout, children)

    def _count_plan(
        self, scope: _Scope, query: ast.Query, where_sql: str, params: list[Any]
    ) -> Plan:
        if len(query.select) != 1:
            raise malformed_query("COUNT() must be the only element in the SELECT list.")
        if query.order_by:
            raise malformed_query("ORDER BY can't be used with COUNT().")
        inner = _select("1", scope.from_sql(), where_sql, _limit_sql(query))
        sql = sql_template("SELECT count(*) FROM ({inner})", inner=Raw(inner))
        layout = Layout(scope.obj, 0)
        return Plan(scope.obj, True, sql, [*params, *_limit_params(query)], "", layout, [])

    def _filters(
        self, scope: _Scope, where: ast.Expr | None, include_deleted: bool
    ) -> tuple[str, list[Any]]:
        conditions = [] if include_deleted else [f"{scope.alias}.IsDeleted = 0"]
        params: list[Any] = []
        if where is not None:
            sql, params = self.condition(scope, where, negate=False)
            conditions.append(sql)
        return " AND ".join(conditions) or "1", params

    def _select(self, scope: _Scope, layout: Layout, ref: ast.FieldRef) -> None:
        column, found, path = scope.resolve(ref)
        target = layout
        for depth, relationship in enumerate(path):
            if relationship not in target.parents:
                alias = scope.joins[path[: depth + 1]][0]
                parent_obj = scope.joins[path[: depth + 1]][1]
                nested = Layout(parent_obj, scope.column(f"{alias}.Id"))
                target.parents[relationship] = nested
                target.entries.append(("parent", relationship, nested))
            target = target.parents[relationship]
        if not any(e[0] == "field" and e[1] == found.name for e in target.entries):
            target.entries.append(("field", found.name, found, scope.column(column)))

    def _order_by(
        self, scope: _Scope, items: tuple[ast.OrderItem, ...], alias: str
    ) -> tuple[str, list[Any]]:
        keys = []
        ids_ordered = False
        for item in items:
            column, found, path = scope.resolve(item.field)
            ids_ordered = ids_ordered or (found.name == "Id" and not path)
            direction = "DESC" if item.descending else "ASC"
            nulls = "NULLS LAST" if item.nulls_last else "NULLS FIRST"
            keys.append(f"{column} {direction} {nulls}")
        if not ids_ordered:
            keys.append(f"{alias}.rowid")  # a stable order for the cursor snapshot
        return " ORDER BY " + ", ".join(keys), []

    # -------------------------------------------------------------------- child subqueries

    def _child(self, parent: ObjectDef, query: ast.Query, include_deleted: bool) -> ChildPlan:
        found = parent.child_relationship(query.sobject)
        if found is None:
            raise SalesforceError(
                400, "INVALID_TYPE",
                f"Didn't understand relationship '{query.sobject}' in FROM part of query call. "
                f"{_RELATIONSHIP_HINT}",
            )  # fmt: skip
        name, (child_name, fk) = found
        _check_limits(query, child=True)
        scope = _Scope(self, self.schema[child_name], self.new_alias("c"))
        where_sql, params = self._filters(scope, query.where, include_deleted)
        fk_column = f"{scope.alias}.{quote_ident(fk)}"
        scope.column(fk_column)
        layout = Layout(scope.obj, scope.column(f"{scope.alias}.Id"))
        for item in query.select:
            if isinstance(item, ast.Query):
                raise malformed_query("Nesting of child subqueries is not supported here.")
            if isinstance(item, ast.CountAll):
                raise malformed_query("COUNT() is not allowed in a subquery.")
            self._select(scope, layout, item)
        order_sql, order_params = self._order_by(scope, query.order_by, scope.alias)
        head = _select(
            ", ".join(scope.columns), scope.from_sql(), f"{where_sql} AND {fk_column} IN ("
        )
        tail = ")" + order_sql.replace(" ORDER BY ", f" ORDER BY {fk_column}, ", 1)
        return ChildPlan(name, layout, head, tail, [*params, *order_params], query.limit)

    # -------------------------------------------------------------------- conditions

    def condition(self, scope: _Scope, expr: ast.Expr, *, negate: bool) -> tuple[str, list[Any]]:
        """SQL for ``expr`` (or for ``NOT expr``), two-valued."""
        if isinstance(expr, ast.Not):
            return self.condition(scope, expr.expr, negate=not negate)
        if isinstance(expr, ast.And | ast.Or):
            parts = [self.condition(scope, item, negate=negate) for item in expr.items]
            joiner = " AND " if isinstance(expr, ast.And) != negate else " OR "
            return "(" + joiner.join(p[0] for p in parts) + ")", [v for p in parts for v in p[1]]
        column, found, _ = scope.resolve(expr.field)
        if isinstance(expr, ast.SemiJoin):
            return self._semi_join(column, found, expr, negate)
        if isinstance(expr, ast.InList) and expr.negated:
            negate = not negate
        predicate, params, matches_null = self._predicate(column, found, expr)
        return _two_valued(column, predicate, matches_null, negate), params

    def _predicate(
        self, column: str, f: FieldDef, expr: ast.Comparison | ast.Like | ast.InList
    ) -> tuple[str | None, list[Any], bool]:
        """``(SQL true for a matching non-null value, params, whether null matches)``.
        A None predicate means no non-null value matches."""
        if isinstance(expr, ast.Like):
            if not f.is_text:
                raise malformed_query(f"invalid operator on field '{f.name}': LIKE")
            return f"{column} LIKE ? ESCAPE '\\'", [expr.pattern.pattern], False
        if isinstance(expr, ast.InList):
            values = [self.literal(f, v, exact_id=True) for v in expr.values]
            present = [v for v in values if v is not None]
            marks = ", ".join("?" for _ in present)
            sql = f"{column} IN ({marks})" if present else None
            return sql, present, len(present) < len(values)  # NOT IN: the caller negates
        if isinstance(expr.value, ast.DateLiteral):
            return self._date_range(column, f, expr.op, expr.value)
        value = self.literal(f, expr.value, exact_id=expr.op in ("=", "!="))
        if value is None:
            if expr.op not in ("=", "!="):
                return None, [], False
            return (None, [], True) if expr.op == "=" else ("1", [], False)
        return f"{column} {expr.op} ?", [value], expr.op == "!="

    def _date_range(
        self, column: str, f: FieldDef, op: str, literal: ast.DateLiteral
    ) -> tuple[str | None, list[Any], bool]:
        if f.type not in ("date", "datetime"):
            raise _wrong_type(f)
        start, end = date_range(literal, self.today)
        low: Any = (
            start.isoformat() if f.type == "date" else to_ms(datetime(*start.timetuple()[:3]))
        )
        high: Any = end.isoformat() if f.type == "date" else to_ms(datetime(*end.timetuple()[:3]))
        if op in ("=", "!="):
            sql = f"({column} >= ? AND {column} < ?)"
            return (sql, [low, high], False) if op == "=" else (f"NOT {sql}", [low, high], True)
        bound = {"<": ("<", low), "<=": ("<", high), ">": (">=", high), ">=": (">=", low)}[op]
        return f"{column} {bound[0]} ?", [bound[1]], False

    def _semi_join(
        self, column: str, f: FieldDef, expr: ast.SemiJoin, negate: bool
    ) -> tuple[str, list[Any]]:
        if f.type not in ("id", "reference"):
            raise malformed_query(f"semi join left operand must be an id or a reference: {f.name}")
        inner = expr.query
        if len(inner.select) != 1 or not isinstance(inner.select[0], ast.FieldRef):
            raise malformed_query("The selected field in a semi join subquery must be one field")
        if inner.order_by or inner.offset is not None:
            raise malformed_query("ORDER BY and OFFSET are not allowed in a semi join subquery")
        scope = _Scope(self, self.object(inner.sobject), self.new_alias("s"))
        selected, selected_field, path = scope.resolve(inner.select[0])
        if path or selected_field.type not in ("id", "reference"):
            raise malformed_query("The selected field in a semi join subquery must be an Id")
        where_sql, params = self._filters(scope, inner.where, include_deleted=False)
        limit = f" LIMIT {int(inner.limit)}" if inner.limit is not None else ""
        sub = _select(selected, scope.from_sql(), f"{where_sql} AND {selected} IS NOT NULL", limit)
        predicate = f"{column} IN ({sub})"
        return _two_valued(column, predicate, False, negate != expr.negated), params

    # -------------------------------------------------------------------- literals

    def literal(self, f: FieldDef, value: ast.Value, *, exact_id: bool = True) -> Any:
        """A SOQL literal in the stored form of field ``f``; type errors as Salesforce says."""
        if value is None:
            return 0 if f.type == "boolean" else None  # a null checkbox is false
        if isinstance(value, ast.DateLiteral):
            raise malformed_query(f"date literal {value.name} is not allowed here")
        if f.type in ("id", "reference"):
            if not isinstance(value, str):
                raise _wrong_type(f)
            if is_valid_id(value):
                return to_18(value)
            if exact_id:
                raise SalesforceError(
                    400, "INVALID_QUERY_FILTER_OPERATOR", f"invalid ID field: {value}"
                )
            return value
        if f.is_text:
            if not isinstance(value, str):
                raise _wrong_type(f)
            return value
        if f.type == "boolean":
            if not isinstance(value, bool):
                raise _wrong_type(f)
            return int(value)
        if f.is_number:
            if isinstance(value, bool) or not isinstance(value, int | float):
                raise _wrong_type(f)
            return value
        if f.type == "datetime":
            if not isinstance(value, datetime):
                raise _wrong_type(f)
            return to_ms(value)
        if f.type == "date":
            if isinstance(value, datetime) or not isinstance(value, date):
                raise _wrong_type(f)
            return value.isoformat()
        raise _wrong_type(f)


def _select(columns: str, source: str, condition: str, tail: str = "") -> str:
    """``SELECT columns FROM source WHERE condition tail`` from already-safe fragments."""
    return sql_template(
        "SELECT {columns} FROM {source} WHERE {condition}{tail}",
        columns=Raw(columns), source=Raw(source), condition=Raw(condition), tail=Raw(tail),
    )  # fmt: skip


def _two_valued(column: str, predicate: str | None, matches_null: bool, negate: bool) -> str:
    """The SQL of a comparison (or of its negation) where a null value is simply a value."""
    if negate:
        predicate = (
            None if predicate == "1" else ("1" if predicate is None else f"NOT ({predicate})")
        )
        matches_null = not matches_null
    if predicate is None:
        return f"{column} IS NULL" if matches_null else "0"
    if predicate == "1":
        return "1" if matches_null else f"{column} IS NOT NULL"
    return f"({column} IS NULL OR {predicate})" if matches_null else predicate


def _wrong_type(f: FieldDef) -> SalesforceError:
    soql_type = {"datetime": "dateTime", "currency": "double", "percent": "double"}.get(
        f.type, "string" if f.is_text else f.type
    )
    quoting = "be enclosed in quotes" if f.is_text else "not be enclosed in quotes"
    return malformed_query(
        f"value of filter criterion for field '{f.name}' must be of type {soql_type} and "
        f"should {quoting}"
    )


def _check_limits(query: ast.Query, *, child: bool) -> None:
    if query.offset is not None:
        if child:
            raise malformed_query("OFFSET is not allowed in a subquery")
        if query.offset > MAX_OFFSET:
            raise SalesforceError(
                400,
                "NUMBER_OUTSIDE_VALID_RANGE",
                f"Maximum SOQL offset allowed is {MAX_OFFSET}",
            )


def _limit_sql(query: ast.Query) -> str:
    if query.limit is None and query.offset is None:
        return ""
    return " LIMIT ? OFFSET ?"


def _limit_params(query: ast.Query) -> list[int]:
    if query.limit is None and query.offset is None:
        return []
    return [-1 if query.limit is None else query.limit, query.offset or 0]
