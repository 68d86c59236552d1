"""SQLite tables of an org: one table per object, one column per field, named like the field.

Text that Salesforce compares case-insensitively is declared ``COLLATE NOCASE`` so that ``=``,
``IN`` and ``ORDER BY`` ignore case and can still use indexes; SQLite's ``LIKE`` ignores (ASCII)
case as well, so all four agree. NOCASE folds ASCII letters only: ``'É' = 'é'`` is false here,
where Salesforce would say true. Ids and references compare exactly.

Hidden bookkeeping columns start with an underscore (no Salesforce field can):
``_DeletedWith`` holds the id of the record whose deletion sent this one to the recycle bin, and
``_DeletedDate`` the deletion time (epoch ms), for getDeleted.
"""

from __future__ import annotations

import sqlite3

from .schema import FieldDef, ObjectDef

META_DDL = (
    "CREATE TABLE IF NOT EXISTS _settings (key TEXT PRIMARY KEY, value TEXT NOT NULL)",
    "CREATE TABLE IF NOT EXISTS _counters (prefix TEXT PRIMARY KEY, value INTEGER NOT NULL)",
)
HIDDEN_COLUMNS = ("_DeletedWith", "_DeletedDate")


def quote_ident(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def column_type(field: FieldDef) -> str:
    if field.type in ("id", "reference"):
        return "TEXT"
    if field.is_text:
        return "TEXT" if field.case_sensitive else "TEXT COLLATE NOCASE"
    if field.type in ("int", "boolean", "datetime"):
        return "INTEGER"
    if field.is_number:
        return "REAL"
    return "TEXT"  # date


def _index_columns(obj: ObjectDef) -> list[tuple[str, ...]]:
    wanted: list[tuple[str, ...]] = [("SystemModstamp", "Id")]
    for f in obj.fields.values():
        system_ref = f.name in ("CreatedById", "LastModifiedById")
        looked_up = f.external_id or f.unique or (f.id_lookup and f.name != "Id")
        if (f.type == "reference" and not system_ref) or f.name == "Name" or looked_up:
            wanted.append((f.name,))
    return wanted


def table_ddl(obj: ObjectDef) -> list[str]:
    """CREATE TABLE and CREATE INDEX statements for one object."""
    columns = []
    for f in obj.fields.values():
        constraint = " PRIMARY KEY" if f.name == "Id" else ""
        if f.type == "boolean":
            constraint = " NOT NULL DEFAULT 0"
        columns.append(f"{quote_ident(f.name)} {column_type(f)}{constraint}")
    columns += ["_DeletedWith TEXT", "_DeletedDate INTEGER"]
    table = quote_ident(obj.name)
    statements = [f"CREATE TABLE IF NOT EXISTS {table} ({', '.join(columns)})"]
    for cols in _index_columns(obj):
        name = quote_ident(f"ix_{obj.name}_{'_'.join(cols)}")
        col_list = ", ".join(quote_ident(c) for c in cols)
        statements.append(f"CREATE INDEX IF NOT EXISTS {name} ON {table} ({col_list})")
    statements.append(
        f"CREATE INDEX IF NOT EXISTS {quote_ident(f'ix_{obj.name}__DeletedWith')} "
        f"ON {table} (_DeletedWith) WHERE _DeletedWith IS NOT NULL"
    )
    return statements


def create_tables(conn: sqlite3.Connection, schema: dict[str, ObjectDef]) -> None:
    for statement in META_DDL:
        conn.execute(statement)
    for obj in schema.values():
        for statement in table_ddl(obj):
            conn.execute(statement)


class Raw(str):
    """An SQL fragment that :func:`sql` inserts as is (already quoted or only placeholders)."""

    __slots__ = ()


def sql(template: str, **parts: str) -> str:
    """Fill ``{name}`` slots of an SQL template: plain strings are quoted as identifiers,
    :class:`Raw` fragments go in unchanged. Values never go in here: they are bound."""
    return template.format(
        **{k: v if isinstance(v, Raw) else quote_ident(v) for k, v in parts.items()}
    )


def placeholders(n: int) -> Raw:
    return Raw(", ".join("?" * n))


def column_list(names: list[str]) -> Raw:
    return Raw(", ".join(quote_ident(n) for n in names))
