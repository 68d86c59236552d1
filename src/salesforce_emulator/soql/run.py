"""Run a SOQL query against an org: parse, compile, snapshot the matching rows, shape pages."""

from __future__ import annotations

from array import array
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from ..fieldvalues import to_json
from .compile import ChildPlan, Compiler, Layout, Plan
from .cursor import QueryCursor
from .parser import parse

if TYPE_CHECKING:
    import sqlite3

    from ..store import Org

# SQLite allows 32,766 bound variables; pages are read in chunks well below that.
_CHUNK = 5000


def run_query(org: Org, soql: str, *, include_deleted: bool, api_version: str) -> QueryCursor:
    query = parse(soql)
    with org.lock:
        plan = Compiler(org.schema, org.clock().date()).compile(
            query, include_deleted=include_deleted
        )
        conn = org.connection
        if plan.is_count:
            count = int(conn.execute(plan.snapshot_sql, plan.snapshot_params).fetchone()[0])
            return QueryCursor(count, array("q"), lambda _: [], org.lock)
        rowids = array(
            "q", (row[0] for row in conn.execute(plan.snapshot_sql, plan.snapshot_params))
        )

    def load_page(chunk: Sequence[int]) -> list[dict[str, Any]]:
        with org.lock:
            return _load_page(org.connection, plan, chunk, api_version)

    return QueryCursor(len(rowids), rowids, load_page, org.lock)


def _load_page(
    conn: sqlite3.Connection, plan: Plan, rowids: Sequence[int], api_version: str
) -> list[dict[str, Any]]:
    by_rowid: dict[int, tuple[Any, ...]] = {}
    for start in range(0, len(rowids), _CHUNK):
        part = list(rowids[start : start + _CHUNK])
        sql = plan.page_sql_head + ", ".join("?" * len(part)) + ")"
        by_rowid.update((row[0], row) for row in conn.execute(sql, part))
    rows = [by_rowid[r] for r in rowids if r in by_rowid]
    parent_ids = [row[plan.layout.id_column] for row in rows]
    children = [_load_children(conn, child, parent_ids, api_version) for child in plan.children]
    return [shape(plan.layout, row, api_version, children) for row in rows]


def _load_children(
    conn: sqlite3.Connection, child: ChildPlan, parent_ids: list[str], api_version: str
) -> dict[str, dict[str, Any]]:
    """Parent id -> the child QueryResult, for all parents of a page (one query per chunk)."""
    grouped: dict[str, list[dict[str, Any]]] = {}
    for start in range(0, len(parent_ids), _CHUNK):
        part = parent_ids[start : start + _CHUNK]
        sql = child.sql_head + ", ".join("?" * len(part)) + child.sql_tail
        for row in conn.execute(sql, [*child.params[: _where_count(child)], *part,
                                      *child.params[_where_count(child) :]]):  # fmt: skip
            records = grouped.setdefault(row[0], [])
            if child.limit is None or len(records) < child.limit:
                records.append(shape(child.layout, row, api_version, []))
    return {
        parent: {"totalSize": len(records), "done": True, "records": records}
        for parent, records in grouped.items()
    }


def _where_count(child: ChildPlan) -> int:
    # The ORDER BY of a subquery binds no parameters, so all of them belong to its WHERE.
    return len(child.params)


def shape(
    layout: Layout, row: Sequence[Any], api_version: str, children: list[dict[str, dict[str, Any]]]
) -> dict[str, Any]:
    """One row -> one record as Salesforce returns it (reference §2.2)."""
    record_id = row[layout.id_column]
    record: dict[str, Any] = {
        "attributes": {
            "type": layout.obj.name,
            "url": f"/services/data/v{api_version}/sobjects/{layout.obj.name}/{record_id}",
        }
    }
    for entry in layout.entries:
        kind, name = entry[0], entry[1]
        if kind == "field":
            record[name] = to_json(entry[2], row[entry[3]])
        elif kind == "parent":
            nested: Layout = entry[2]
            present = row[nested.id_column] is not None
            record[name] = shape(nested, row, api_version, []) if present else None
        else:
            # A parent with no child rows gets null (the reference leaves it open, §2.2).
            record[name] = children[entry[2]].get(record_id)
    return record
