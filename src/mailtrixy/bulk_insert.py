"""Multi-row INSERTs for the sync's new rows, without building a model instance per row.

Django's `bulk_create` prepares every value of every instance through the SQL compiler: on SQLite
that was most of an initial pull's time (8,900 contacts/s against 84,000/s for the same rows
inserted here; bench/RESULTS.md). Rows here are plain dicts keyed by field attname; values are
still prepared by each field's own `get_db_prep_save`, so they are stored exactly as the ORM
would store them. No signals are sent and no `save()` runs: only for models whose writes need
neither (the sync's contacts and links).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Any

from django.db import connection, models
from django.utils import timezone

MAX_PARAMS = 999
"""Parameters per statement: within SQLite's oldest limit and PostgreSQL's 65,535."""


def insert(
    model: type[models.Model],
    rows: Sequence[dict[str, Any]],
    *,
    returning_ids: bool = False,
    now: datetime | None = None,
) -> list[int]:
    """Insert `rows` (attname → value; all with the same keys) and return their new ids in order.

    Missing fields get their default; `auto_now`/`auto_now_add` fields get `now`.
    """
    if not rows:
        return []
    now = now or timezone.now()
    given = list(rows[0])
    fields = _fields(model, given)
    fixed = _fixed_values(fields, given, now)
    prepare = [_preparer(field) for field in fields]
    per_statement = max(1, MAX_PARAMS // len(fields))
    ids: list[int] = []
    with connection.cursor() as cursor:
        for start in range(0, len(rows), per_statement):
            part = rows[start : start + per_statement]
            params: list[Any] = []
            for row in part:
                for field, prep in zip(fields, prepare, strict=True):
                    name = field.attname
                    params.append(fixed[name] if name in fixed else prep(row[name]))
            cursor.execute(_statement(model, fields, len(part), returning_ids), params)
            if returning_ids:
                # Ids come from a sequence (PostgreSQL) or AUTOINCREMENT (SQLite): increasing in
                # the order the VALUES list the rows, whatever order RETURNING uses.
                ids.extend(sorted(int(row[0]) for row in cursor.fetchall()))
    return ids


def _fields(model: type[models.Model], given: list[str]) -> list[models.Field[Any, Any]]:
    concrete = [f for f in model._meta.concrete_fields if not f.primary_key]
    unknown = set(given) - {f.attname for f in concrete}
    if unknown:
        raise ValueError(f"{model.__name__} has no fields {sorted(unknown)}")
    return concrete


def _fixed_values(
    fields: list[models.Field[Any, Any]], given: list[str], now: datetime
) -> dict[str, Any]:
    """Values that are the same for every row: timestamps and defaults, prepared once."""
    fixed: dict[str, Any] = {}
    for field in fields:
        if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
            fixed[field.attname] = field.get_db_prep_save(now, connection)
        elif field.attname not in given:
            fixed[field.attname] = field.get_db_prep_save(field.get_default(), connection)
    return fixed


def _preparer(field: models.Field[Any, Any]) -> Callable[[Any], Any]:
    def prep(value: Any) -> Any:
        return field.get_db_prep_save(value, connection)

    return prep


def _statement(
    model: type[models.Model], fields: list[models.Field[Any, Any]], rows: int, returning: bool
) -> str:
    quote = connection.ops.quote_name
    columns = ", ".join(quote(str(f.column)) for f in fields)
    row = "(" + ", ".join(["%s"] * len(fields)) + ")"
    sql = f"INSERT INTO {quote(model._meta.db_table)} ({columns}) VALUES {', '.join([row] * rows)}"
    if returning:
        sql += f" RETURNING {quote(str(model._meta.pk.column))}"
    return sql
