"""Many rows updated, each to its own values, in one statement per chunk.

Django's `bulk_update` writes a CASE WHEN per field and row and resolves every one of them through
the query machinery: 1.4 s of a 1.7 s incremental sync went there for a few hundred links
(pyinstrument; bench/RESULTS.md). Here the rows travel as a VALUES list joined on the primary key
(`UPDATE … FROM`, SQLite 3.33+ and PostgreSQL), each value prepared as the field's own
`get_db_prep_save` would (`bulk_insert.preparer`).

As with `bulk_update`: no signal is sent, no `save()` runs, and `auto_now` fields change only if
listed.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Sequence
from typing import Any

from django.db import connection, models

from mailtrixy.bulk_insert import MAX_PARAMS, preparer

MAX_PARAMS_POSTGRESQL = 20_000
"""Parameters per PostgreSQL statement (its protocol allows 65,535)."""


def update(
    model: type[models.Model], objects: Sequence[models.Model], fields: Sequence[str]
) -> int:
    """Write `fields` of each of `objects` (distinct rows of `model`) to its row; returns the
    number of objects written."""
    if not objects:
        return 0
    targets = [_field(model, name) for name in fields]
    if len({obj.pk for obj in objects}) != len(objects):
        raise ValueError("Each object must be a different row.")
    if connection.vendor == "sqlite" and sqlite3.sqlite_version_info < (3, 33):
        # No UPDATE … FROM before SQLite 3.33 (2020): Django's way, slower but the same rows.
        return model._default_manager.bulk_update(objects, fields)
    prepare = [preparer(field) for field in targets]
    rows = [
        [obj.pk, *(prep(getattr(obj, f.attname)) for f, prep in zip(targets, prepare, strict=True))]
        for obj in objects
    ]
    limit = MAX_PARAMS_POSTGRESQL if connection.vendor == "postgresql" else MAX_PARAMS
    per_statement = max(1, limit // (len(targets) + 1))
    with connection.cursor() as cursor:
        for start in range(0, len(rows), per_statement):
            part = rows[start : start + per_statement]
            params = [value for row in part for value in row]
            cursor.execute(_statement(model, targets, len(part)), params)
    return len(rows)


class PendingWrites:
    """Rows changed in memory, written together by `write()`: one `update` per set of fields.

    Each object is written with the fields given when it was added (several sets are merged);
    its values at writing time are the ones stored.
    """

    def __init__(self, model: type[models.Model]) -> None:
        self.model = model
        self._fields: dict[int, set[str]] = {}
        self._objects: dict[int, models.Model] = {}

    def add(self, obj: models.Model, fields: Iterable[str]) -> None:
        self._objects[obj.pk] = obj
        self._fields.setdefault(obj.pk, set()).update(fields)

    def write(self) -> None:
        by_fields: dict[tuple[str, ...], list[models.Model]] = {}
        for pk, obj in self._objects.items():
            by_fields.setdefault(tuple(sorted(self._fields[pk])), []).append(obj)
        for fields, objects in by_fields.items():
            update(self.model, objects, fields)
        self._objects.clear()
        self._fields.clear()


def snapshot(obj: models.Model, fields: Iterable[str]) -> tuple[object, ...]:
    """The values of `fields`, JSON documents copied: compare two to know whether to write."""
    return tuple(_copied(getattr(obj, name)) for name in fields)


def _copied(value: Any) -> Any:
    if isinstance(value, dict):
        return dict(value)
    if isinstance(value, list):
        return list(value)
    return value


def _field(model: type[models.Model], name: str) -> models.Field[Any, Any]:
    field = model._meta.get_field(name)
    if not isinstance(field, models.Field) or not field.concrete or field.primary_key:
        raise ValueError(f"{model.__name__}.{name} is not a column bulk_update can write")
    return field


def _statement(model: type[models.Model], fields: list[models.Field[Any, Any]], rows: int) -> str:
    quote = connection.ops.quote_name
    table, pk = quote(model._meta.db_table), quote(str(model._meta.pk.column))
    if connection.vendor == "postgresql":
        # Typed placeholders: a VALUES column would otherwise be text (or whatever its first
        # row says), which jsonb, timestamptz and boolean columns refuse. Without the type's
        # length: CAST(... AS varchar(18)) would cut a longer value short where assigning it
        # to the column refuses it, as Django's bulk_update does.
        kinds = [_unsized(model._meta.pk.cast_db_type(connection))] + [
            _unsized(f.cast_db_type(connection)) for f in fields
        ]
        row = "(" + ", ".join(f"CAST(%s AS {kind})" for kind in kinds) + ")"
        names = ["id"] + [f"c{n}" for n in range(len(fields))]
        alias = f"v({', '.join(names)})"
    else:
        row = "(" + ", ".join(["%s"] * (len(fields) + 1)) + ")"
        names = [f"column{n + 1}" for n in range(len(fields) + 1)]  # SQLite names them so
        alias = "v"
    sets = ", ".join(
        f"{quote(str(f.column))} = v.{name}" for f, name in zip(fields, names[1:], strict=True)
    )
    values = ", ".join([row] * rows)
    join = f"{table}.{pk} = v.{names[0]}"
    return f"UPDATE {table} SET {sets} FROM (VALUES {values}) AS {alias} WHERE {join}"


def _unsized(kind: str | None) -> str:
    """`varchar(18)` → `varchar`, `numeric(12, 2)` → `numeric`."""
    if kind is None:
        raise ValueError("a column without a database type")
    return kind.split("(", 1)[0].strip()
