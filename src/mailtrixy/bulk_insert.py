"""Fast inserts for the sync's new rows, without building a model instance per row.

Django's `bulk_create` prepares every value of every instance through the SQL compiler: on SQLite
that was most of an initial pull's time (8,900 contacts/s against 84,000/s for the same rows
inserted here; bench/RESULTS.md). Rows here are plain dicts keyed by field attname; values are
still prepared as each field's own `get_db_prep_save` would (`preparer`), so they are stored
exactly as the ORM would store them.

SQLite gets multi-row INSERTs. PostgreSQL gets `COPY`: Django binds parameters on the client, so a
multi-row INSERT there is a long statement the server parses for each 80 rows; COPY streams the
rows (2,000 contacts and their links: a fifth of the wall time, a sixth of the CPU;
bench/RESULTS.md). New ids then come from the table's sequence first, in one round trip.

No signals are sent and no `save()` runs: only for models whose writes need neither (the sync's
contacts and links).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Any

from django.db import connection, models
from django.utils import timezone

MAX_PARAMS = 999
"""Parameters per SQLite statement: within SQLite's oldest limit."""

_UNCHANGED_BY_PREP: dict[type[models.Field[Any, Any]], type] = {
    models.CharField: str,
    models.EmailField: str,
    models.TextField: str,
    models.BigIntegerField: int,
    models.IntegerField: int,
    models.ForeignKey: int,
    models.OneToOneField: int,
    models.BooleanField: bool,
}
"""Fields whose `get_db_prep_save` returns a value of this exact type as it is."""


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
    prepare = [preparer(field) for field in fields]

    def values(row: dict[str, Any]) -> list[Any]:
        return [
            fixed[f.attname] if f.attname in fixed else prep(row[f.attname])
            for f, prep in zip(fields, prepare, strict=True)
        ]

    if connection.vendor == "postgresql":
        return _copy(model, fields, [values(row) for row in rows], returning_ids)
    return _insert_values(model, fields, [values(row) for row in rows], returning_ids)


def _insert_values(
    model: type[models.Model],
    fields: list[models.Field[Any, Any]],
    rows: list[list[Any]],
    returning_ids: bool,
) -> list[int]:
    per_statement = max(1, MAX_PARAMS // len(fields))
    ids: list[int] = []
    with connection.cursor() as cursor:
        for start in range(0, len(rows), per_statement):
            part = rows[start : start + per_statement]
            params = [value for row in part for value in row]
            cursor.execute(_statement(model, fields, len(part), returning_ids), params)
            if returning_ids:
                # AUTOINCREMENT ids increase in the order the VALUES list the rows, whatever
                # order RETURNING uses.
                ids.extend(sorted(int(row[0]) for row in cursor.fetchall()))
    return ids


def _copy(
    model: type[models.Model],
    fields: list[models.Field[Any, Any]],
    rows: list[list[Any]],
    returning_ids: bool,
) -> list[int]:
    quote = connection.ops.quote_name
    table, pk = quote(model._meta.db_table), str(model._meta.pk.column)
    columns = [quote(str(f.column)) for f in fields]
    with connection.cursor() as wrapper:
        cursor = wrapper.cursor  # psycopg's own: Django's wrapper has no copy()
        ids: list[int] = []
        if returning_ids:
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
                [model._meta.db_table, pk, len(rows)],
            )
            ids = sorted(int(row[0]) for row in cursor.fetchall())
            columns.insert(0, quote(pk))
            rows = [[new_id, *row] for new_id, row in zip(ids, rows, strict=True)]
        with cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
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


def preparer(field: models.Field[Any, Any]) -> Callable[[Any], Any]:
    """The field's own preparation, taking three shortcuts that give the same values.

    Plain values the field returns as they are skip it; a JSON document goes straight to the
    backend's adapter (what `JSONField.get_db_prep_save` ends in, eight calls deep); any other
    hashable value is prepared once per insert: a page's rows share their timestamps and Nones.
    """
    plain = _UNCHANGED_BY_PREP.get(type(field))
    if isinstance(field, models.JSONField):
        adapt, encoder = connection.ops.adapt_json_value, field.encoder

        def prep_json(value: Any) -> Any:
            if type(value) is dict or type(value) is list:
                return adapt(value, encoder)
            return field.get_db_prep_save(value, connection)

        return prep_json
    prepared: dict[tuple[type, Any], Any] = {}

    def prep(value: Any) -> Any:
        kind = type(value)
        if kind is plain:
            return value
        try:
            return prepared[kind, value]
        except KeyError:
            done = prepared[kind, value] = field.get_db_prep_save(value, connection)
            return done
        except TypeError:  # unhashable
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
