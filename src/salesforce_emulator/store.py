"""``Org``: one emulated org stored in one SQLite database.

Thread safety: one connection (``check_same_thread=False``) guarded by a re-entrant lock; every
public method takes the lock, and :meth:`Org.transaction` holds it for its whole duration, so a
transaction is never interleaved with another thread's work.

``SystemModstamp`` (like ``CreatedDate`` and ``LastModifiedDate``, which get the same value) is a
millisecond stamp that strictly increases over all writes of the org: when the clock has not
advanced, the next write gets the previous stamp + 1 ms. That keeps ``(SystemModstamp, Id)``
cursors exact; the cost is a drift ahead of the clock during bursts of writes (about one
millisecond per record written).
"""

from __future__ import annotations

import json
import re
import sqlite3
import threading
import zlib
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from datetime import datetime
from typing import Any

from . import errors
from .clock import Clock, format_datetime, system_clock, to_ms
from .errors import SalesforceError
from .fieldvalues import to_json, to_storage
from .ids import KEY_PREFIXES, key_prefix, make_id, to_18
from .records import derive_fields
from .schema import CASCADE_DELETES, STANDARD_STAGES, FieldDef, ObjectDef, StageDef, build_schema
from .soql.cursor import QueryCursor
from .tables import Raw, column_list, create_tables, placeholders, quote_ident, sql

__all__ = ["Org", "QueryCursor"]

DEFAULT_API_VERSION = "62.0"


def _slug(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-") or "org"


class Org:
    """One org, stored in one SQLite database (a file path, or None for an in-memory database)."""

    def __init__(self, conn: sqlite3.Connection, clock: Clock | None) -> None:
        """Use :meth:`create` or :meth:`open`."""
        self._conn = conn
        self._lock = threading.RLock()
        self._depth = 0
        self.clock: Clock = clock or system_clock
        settings = dict(conn.execute("SELECT key, value FROM _settings").fetchall())
        self._settings: dict[str, Any] = {k: json.loads(v) for k, v in settings.items()}
        self.id: str = self._settings["id"]
        self.name: str = self._settings["name"]
        self.default_currency: str = self._settings["currency"]
        self.multi_currency: bool = self._settings["multi_currency"]
        self.currencies: tuple[str, ...] = tuple(self._settings["currencies"])
        self.external_id_field: bool = self._settings["external_id_field"]
        self.pod: str = self._settings["pod"]
        self.admin_user_id: str = self._settings["admin_user_id"]
        self._counters = dict(conn.execute("SELECT prefix, value FROM _counters").fetchall())
        self._stages = self._read_stages()
        self.schema: dict[str, ObjectDef] = self._build_schema()
        self._by_lower = {name.lower(): obj for name, obj in self.schema.items()}
        self._last_stamp = self._max_stamp()

    # ----------------------------------------------------------------------------- lifecycle

    @classmethod
    def create(
        cls,
        path: str | None,
        *,
        name: str = "MailTrixy Demo",
        currency: str = "USD",
        multi_currency: bool = False,
        currencies: Sequence[str] = ("USD", "EUR", "GBP"),
        external_id_field: bool = True,
        pod: str = "5g",
        clock: Callable[[], datetime] | None = None,
        stages: Sequence[StageDef] = STANDARD_STAGES,
    ) -> Org:
        """Create the tables, the Organization row, the stages and one admin User."""
        conn = _connect(path)
        org_id = make_id("00D", pod, zlib.crc32(name.encode()) % 62**6 + 1)
        all_currencies = list(dict.fromkeys([currency, *currencies]))
        schema = build_schema(
            multi_currency=multi_currency, external_id_field=external_id_field, stages=stages,
            currency=currency, currencies=all_currencies,
        )  # fmt: skip
        with conn:
            create_tables(conn, schema)
            if conn.execute("SELECT count(*) FROM _settings").fetchone()[0]:
                raise ValueError(f"an org already exists in {path}")
            settings = {
                "id": org_id, "name": name, "currency": currency,
                "multi_currency": multi_currency, "currencies": all_currencies,
                "external_id_field": external_id_field, "pod": pod,
                "admin_user_id": make_id("005", pod, 1),
            }  # fmt: skip
            conn.executemany(
                "INSERT INTO _settings VALUES (?, ?)",
                [(k, json.dumps(v)) for k, v in settings.items()],
            )
            conn.execute("INSERT INTO _counters VALUES ('005', 1)")
        org = cls(conn, clock)
        org._populate(stages)
        return org

    @classmethod
    def open(cls, path: str, *, clock: Callable[[], datetime] | None = None) -> Org:
        return cls(_connect(path), clock)

    def close(self) -> None:
        with self._lock:
            self._conn.close()

    def _populate(self, stages: Sequence[StageDef]) -> None:
        admin = self.admin_user_id
        stamp = self._stamp()
        with self.transaction():
            self._insert_row(self.schema["User"], {
                "Id": admin, "Username": f"admin@{_slug(self.name)}.example",
                "FirstName": "Admin", "LastName": "User", "Name": "Admin User",
                "Email": f"admin@{_slug(self.name)}.example", "Alias": "admin", "IsActive": 1,
                "Title": "System Administrator", "TimeZoneSidKey": "America/Los_Angeles",
                "LanguageLocaleKey": "en_US",
            }, stamp, admin)  # fmt: skip
            organization = {
                "Id": self.id, "Name": self.name, "DefaultCurrencyIsoCode": self.default_currency,
                "OrganizationType": "Developer Edition", "InstanceName": self.pod.upper() + "1",
                "IsSandbox": 0, "LanguageLocaleKey": "en_US", "DefaultLocaleSidKey": "en_US",
                "TimeZoneSidKey": "America/Los_Angeles",
            }  # fmt: skip
            if self.multi_currency:
                organization["CurrencyIsoCode"] = self.default_currency
            self._insert_row(self.schema["Organization"], organization, stamp, admin)
            for stage in stages:
                self._insert_row(self.schema["OpportunityStage"], {
                    "Id": self._next_id("OpportunityStage"), "ApiName": stage.api_name,
                    "MasterLabel": stage.master_label, "IsActive": int(stage.is_active),
                    "IsClosed": int(stage.is_closed), "IsWon": int(stage.is_won),
                    "DefaultProbability": stage.default_probability,
                    "ForecastCategory": stage.forecast_category,
                    "ForecastCategoryName": stage.forecast_category_name,
                    "SortOrder": stage.sort_order,
                }, stamp, admin)  # fmt: skip
        self._stages = self._read_stages()

    def _read_stages(self) -> list[StageDef]:
        rows = self._conn.execute(
            "SELECT ApiName, MasterLabel, IsActive, IsClosed, IsWon, DefaultProbability, "
            'ForecastCategoryName, SortOrder FROM "OpportunityStage" ORDER BY SortOrder'
        ).fetchall()
        return [
            StageDef(r[0], r[1], bool(r[2]), bool(r[3]), bool(r[4]), r[5], r[6], r[7]) for r in rows
        ]

    def _build_schema(self) -> dict[str, ObjectDef]:
        return build_schema(
            multi_currency=self.multi_currency, external_id_field=self.external_id_field,
            stages=self._stages or STANDARD_STAGES, currency=self.default_currency,
            currencies=self.currencies,
        )  # fmt: skip

    def _max_stamp(self) -> int:
        stamps = [
            self._conn.execute(sql("SELECT max(SystemModstamp) FROM {t}", t=n)).fetchone()[0]
            for n in self.schema
        ]
        return max((s for s in stamps if s is not None), default=0)

    # ----------------------------------------------------------------------------- plumbing

    @property
    def connection(self) -> sqlite3.Connection:
        """The SQLite connection; hold :attr:`lock` while using it."""
        return self._conn

    @property
    def lock(self) -> threading.RLock:
        return self._lock

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """A transaction (nested: a savepoint). An exception inside undoes everything inside."""
        with self._lock:
            savepoint = f"sp{self._depth}"
            self._conn.execute("BEGIN IMMEDIATE" if self._depth == 0 else f"SAVEPOINT {savepoint}")
            self._depth += 1
            try:
                yield
            except BaseException:
                self._depth -= 1
                if self._depth == 0:
                    self._conn.execute("ROLLBACK")
                else:
                    self._conn.execute(f"ROLLBACK TO {savepoint}")
                    self._conn.execute(f"RELEASE {savepoint}")
                raise
            self._depth -= 1
            self._conn.execute("COMMIT" if self._depth == 0 else f"RELEASE {savepoint}")

    def now_ms(self) -> int:
        return to_ms(self.clock())

    def _stamp(self) -> int:
        """The next write stamp: the clock, but always after the previous stamp."""
        with self._lock:
            self._last_stamp = max(self.now_ms(), self._last_stamp + 1)
            return self._last_stamp

    def _next_id(self, sobject: str) -> str:
        prefix = KEY_PREFIXES[sobject]
        with self._lock:
            value = self._counters.get(prefix, 0) + 1
            self._counters[prefix] = value
            self._conn.execute(
                "INSERT INTO _counters VALUES (?, ?) "
                "ON CONFLICT(prefix) DO UPDATE SET value = excluded.value",
                (prefix, value),
            )
        return make_id(prefix, self.pod, value)

    def reserve_stamps(self, n: int) -> int:
        """The first of ``n`` consecutive write stamps (epoch ms), ending at the clock if it can:
        bulk loads get distinct, increasing SystemModstamps just like single writes."""
        with self._lock:
            first = max(self._last_stamp + 1, self.now_ms() - n + 1)
            self._last_stamp = first + n - 1
            return first

    def reserve_counters(self, sobject: str, n: int) -> int:
        """The first of ``n`` id counters for ``sobject``: ``make_id(prefix, pod, first + i)``."""
        prefix = KEY_PREFIXES[sobject]
        with self._lock:
            start = self._counters.get(prefix, 0)
            self._counters[prefix] = start + n
            self._conn.execute(
                "INSERT INTO _counters VALUES (?, ?) "
                "ON CONFLICT(prefix) DO UPDATE SET value = excluded.value",
                (prefix, start + n),
            )
        return start + 1

    def reserve_ids(self, sobject: str, n: int) -> list[str]:
        """``n`` fresh ids for ``sobject`` (used by the bulk seeder)."""
        first = self.reserve_counters(sobject, n)
        return [make_id(KEY_PREFIXES[sobject], self.pod, first + i) for i in range(n)]

    def _insert_row(self, obj: ObjectDef, row: dict[str, Any], stamp: int, user: str) -> None:
        full = {
            **row, "IsDeleted": 0, "CreatedDate": stamp, "CreatedById": user,
            "LastModifiedDate": stamp, "LastModifiedById": user, "SystemModstamp": stamp,
        }  # fmt: skip
        self._conn.execute(
            sql(
                "INSERT INTO {t} ({cols}) VALUES ({marks})",
                t=obj.name,
                cols=column_list(list(full)),
                marks=placeholders(len(full)),
            ),
            list(full.values()),
        )

    def _read_row(self, obj: ObjectDef, record_id: str) -> dict[str, Any] | None:
        cursor = self._conn.execute(
            sql("SELECT * FROM {t} WHERE Id = ?", t=obj.name),
            (record_id,),
        )
        row = cursor.fetchone()
        if row is None:
            return None
        return dict(zip([d[0] for d in cursor.description], row, strict=True))

    # ----------------------------------------------------------------------------- objects

    def object(self, name: str, *, soql: bool = False) -> ObjectDef:
        """The object named ``name`` (any case).

        Unknown: 404 NOT_FOUND (what a REST path gets), or INVALID_TYPE when ``soql`` is true
        (what a FROM clause or a record's ``attributes.type`` gets).
        """
        found = self._by_lower.get(name.lower())
        if found is None:
            raise errors.invalid_type(name) if soql else errors.not_found()
        return found

    def stages(self) -> list[StageDef]:
        return list(self._stages)

    def _existing(self, obj: ObjectDef, record_id: str) -> tuple[str, dict[str, Any]]:
        """The canonical id and the stored row of a live record; MALFORMED_ID, NOT_FOUND or
        ENTITY_IS_DELETED otherwise."""
        if not isinstance(record_id, str):
            raise errors.malformed_id(obj.label, record_id)
        try:
            canonical = to_18(record_id)
        except SalesforceError:
            raise errors.malformed_id(obj.label, record_id) from None
        if key_prefix(canonical) != obj.key_prefix:
            raise errors.malformed_id(obj.label, record_id)
        row = self._read_row(obj, canonical)
        if row is None:
            raise errors.not_found()
        if row["IsDeleted"]:
            raise errors.entity_is_deleted()
        return canonical, row

    # ----------------------------------------------------------------------------- writes

    def _clean(self, obj: ObjectDef, values: dict[str, Any], *, create: bool) -> dict[str, Any]:
        """Input values -> stored values by canonical field name (unknown/read-only rejected)."""
        cleaned: dict[str, Any] = {}
        for name, value in values.items():
            if name == "attributes":
                continue  # clients send it in collections and composite bodies
            found = obj.find_field(name)
            if found is None:
                raise errors.invalid_field_on_sobject(name, obj.name)
            if found.name == "Id" and not create:
                continue  # the caller checked it against the record id
            if not (found.createable if create else found.updateable):
                raise _read_only(found, create)
            cleaned[found.name] = to_storage(found, value)
        return cleaned

    def insert(self, sobject: str, values: dict[str, Any], *, user_id: str | None = None) -> str:
        """Create a record; returns its 18-character id."""
        obj = self.object(sobject, soql=True)
        if not obj.createable:
            raise _not_writable(obj, "create")
        user = user_id or self.admin_user_id
        with self.transaction():
            row = self._clean(obj, values, create=True)
            for f in obj.fields.values():
                if f.name not in row and f.default_value is not None and f.createable:
                    row[f.name] = to_storage(f, f.default_value)
            if "OwnerId" in obj.fields and row.get("OwnerId") is None:
                row["OwnerId"] = user
            row = derive_fields(obj, row, {}, self._stage_map())
            self._check_required(obj, row, create=True)
            self._check_references(obj, row)
            record_id = self._next_id(obj.name)
            self._check_unique(obj, row, record_id)
            self._insert_row(obj, {"Id": record_id, **row}, self._stamp(), user)
        return record_id

    def update(
        self, sobject: str, record_id: str, values: dict[str, Any], *, user_id: str | None = None
    ) -> None:
        obj = self.object(sobject, soql=True)
        if not obj.updateable:
            raise _not_writable(obj, "update")
        user = user_id or self.admin_user_id
        with self.transaction():
            canonical, current = self._existing(obj, record_id)
            given_id = next((v for k, v in values.items() if k.lower() == "id"), None)
            if given_id is not None and given_id not in (record_id, canonical):
                raise errors.malformed_id(obj.label, given_id)
            changes = self._clean(obj, values, create=False)
            changes = derive_fields(obj, changes, current, self._stage_map())
            self._check_required(obj, {**current, **changes}, create=False)
            self._check_references(obj, changes)
            self._check_unique(obj, changes, canonical)
            stamp = self._stamp()
            changes.update(LastModifiedDate=stamp, LastModifiedById=user, SystemModstamp=stamp)
            assignments = Raw(", ".join(f"{quote_ident(c)} = ?" for c in changes))
            self._conn.execute(
                sql(
                    "UPDATE {t} SET {assignments} WHERE Id = ?", t=obj.name, assignments=assignments
                ),
                [*changes.values(), canonical],
            )

    def delete(self, sobject: str, record_id: str) -> None:
        """Send a record (and the records that go with it) to the recycle bin."""
        obj = self.object(sobject, soql=True)
        if not obj.deletable:
            raise _not_writable(obj, "delete")
        with self.transaction():
            canonical, _ = self._existing(obj, record_id)
            stamp = self._stamp()
            self._conn.execute(
                sql(
                    "UPDATE {t} SET IsDeleted = 1, SystemModstamp = ?, _DeletedDate = ? "
                    "WHERE Id = ?",
                    t=obj.name,
                ),
                (stamp, stamp, canonical),
            )
            self._cascade_delete(obj, [canonical], canonical, stamp)

    def _cascade_delete(self, obj: ObjectDef, parent_ids: list[str], root: str, stamp: int) -> None:
        for relationship in CASCADE_DELETES.get(obj.name, ()):
            child_name, fk = obj.child_relationships[relationship]
            child = self.schema[child_name]
            select = sql(
                "SELECT Id FROM {t} WHERE {fk} IN ({marks}) AND IsDeleted = 0",
                t=child_name, fk=fk, marks=placeholders(len(parent_ids)),
            )  # fmt: skip
            ids = [
                r[0]
                for r in self._conn.execute(
                    select,
                    parent_ids,
                )
            ]
            if not ids:
                continue
            self._conn.execute(
                sql(
                    "UPDATE {t} SET IsDeleted = 1, SystemModstamp = ?, _DeletedDate = ?, "
                    "_DeletedWith = ? WHERE Id IN ({marks})",
                    t=child_name,
                    marks=placeholders(len(ids)),
                ),
                [stamp, stamp, root, *ids],
            )
            self._cascade_delete(child, ids, root, stamp)

    def undelete(self, sobject: str, record_id: str) -> None:
        """Restore a record from the recycle bin, with the records deleted along with it."""
        obj = self.object(sobject, soql=True)
        with self.transaction():
            try:
                self._existing(obj, record_id)
            except SalesforceError as error:
                if error.error_code != "ENTITY_IS_DELETED":
                    raise
            else:
                raise SalesforceError(400, "UNDELETE_FAILED", "Entity is not in the recycle bin")
            canonical = to_18(record_id)
            stamp = self._stamp()
            restore = (
                "UPDATE {t} SET IsDeleted = 0, SystemModstamp = ?, _DeletedDate = NULL, "
                "_DeletedWith = NULL WHERE {key} = ?"
            )
            self._conn.execute(sql(restore, t=obj.name, key="Id"), (stamp, canonical))
            for name in self.schema:
                self._conn.execute(
                    sql(restore, t=name, key="_DeletedWith"),
                    (stamp, canonical),
                )

    def backdate(self, sobject: str, record_ids: Sequence[str], system_modstamp_ms: int) -> int:
        """Give records an older SystemModstamp, as a transaction that committed late would.

        A testing hook (the control API exposes it): it recreates what an integration meets in a
        real org — changes that become visible behind its cursor, and many records that share one
        SystemModstamp — which this org's strictly increasing stamps never produce by themselves.
        """
        obj = self.object(sobject, soql=True)
        ids = [to_18(i) for i in record_ids]
        with self.transaction():
            total = 0
            for start in range(0, len(ids), 500):
                chunk = ids[start : start + 500]
                marks = ", ".join("?" * len(chunk))
                cursor = self._conn.execute(
                    sql(f"UPDATE {{t}} SET SystemModstamp = ? WHERE Id IN ({marks})", t=obj.name),
                    (system_modstamp_ms, *chunk),
                )
                total += cursor.rowcount
            return total

    # ----------------------------------------------------------------------------- checks

    def _stage_map(self) -> dict[str, StageDef]:
        return {s.api_name: s for s in self._stages}

    def _check_required(self, obj: ObjectDef, row: dict[str, Any], *, create: bool) -> None:
        missing = [
            f.name
            for f in obj.fields.values()
            if row.get(f.name) is None
            and (f.required_on_create or (not f.nillable and f.createable and not create))
            and f.type != "boolean"
        ]
        if missing:
            raise errors.required_field_missing(missing)

    def _check_references(self, obj: ObjectDef, row: dict[str, Any]) -> None:
        for name, value in row.items():
            f = obj.fields[name]
            if (
                f.type != "reference"
                or value is None
                or name in ("CreatedById", "LastModifiedById")
            ):
                continue
            target = f.reference_to[0]
            if key_prefix(value) != KEY_PREFIXES[target]:
                raise SalesforceError(
                    400, "FIELD_INTEGRITY_EXCEPTION",
                    f"{f.label}: id value of incorrect type: {value}", [name],
                )  # fmt: skip
            found = self._conn.execute(
                sql("SELECT IsDeleted FROM {t} WHERE Id = ?", t=target),
                (value,),
            ).fetchone()
            if found is None:
                raise SalesforceError(
                    400, "INVALID_CROSS_REFERENCE_KEY", "invalid cross reference id", [name]
                )
            if found[0]:
                raise SalesforceError(400, "ENTITY_IS_DELETED", "entity is deleted", [name])

    def _check_unique(self, obj: ObjectDef, row: dict[str, Any], record_id: str) -> None:
        for name, value in row.items():
            if value is None or not obj.fields[name].unique:
                continue
            clash = self._conn.execute(
                sql(
                    "SELECT Id FROM {t} WHERE {f} = ? AND IsDeleted = 0 AND Id != ? LIMIT 1",
                    t=obj.name,
                    f=name,
                ),
                (value, record_id),
            ).fetchone()
            if clash:
                raise SalesforceError(
                    400,
                    "DUPLICATE_VALUE",
                    f"duplicate value found: {name} duplicates value on record with id: {clash[0]}",
                )

    # ----------------------------------------------------------------------------- reads

    def get(
        self,
        sobject: str,
        record_id: str,
        fields: Sequence[str] | None = None,
        *,
        api_version: str = DEFAULT_API_VERSION,
    ) -> dict[str, Any]:
        """The REST JSON of one live record (all fields, or ``fields`` in that order)."""
        obj = self.object(sobject, soql=True)
        chosen = [obj.field(n) for n in fields] if fields else list(obj.fields.values())
        with self._lock:
            _, row = self._existing(obj, record_id)
        return record_json(obj, row, chosen, api_version)

    def find_ids_by_field(self, sobject: str, field: str, value: Any) -> list[str]:
        """Ids of live records whose ``field`` equals ``value`` (ignoring case for text fields
        that Salesforce compares that way). Unknown field: INVALID_FIELD."""
        obj = self.object(sobject, soql=True)
        f = obj.field(field)
        stored = to_storage(f, value)
        if stored is None:
            return []
        with self._lock:
            rows = self._conn.execute(
                sql(
                    "SELECT Id FROM {t} WHERE {f} = ? AND IsDeleted = 0 ORDER BY Id",
                    t=obj.name,
                    f=f.name,
                ),
                (stored,),
            ).fetchall()
        return [r[0] for r in rows]

    def updated_ids(self, sobject: str, start: datetime, end: datetime) -> list[str]:
        """Ids of live records whose SystemModstamp is in ``[start, end)`` (for getUpdated)."""
        obj = self.object(sobject, soql=True)
        statement = sql(
            "SELECT Id FROM {t} WHERE IsDeleted = 0 AND SystemModstamp >= ? "
            "AND SystemModstamp < ? ORDER BY SystemModstamp, Id",
            t=obj.name,
        )
        with self._lock:
            rows = self._conn.execute(statement, (to_ms(start), to_ms(end))).fetchall()
        return [r[0] for r in rows]

    def deleted_records(self, sobject: str, start: datetime, end: datetime) -> list[dict[str, str]]:
        """``[{"id", "deletedDate"}]`` of records sent to the recycle bin in ``[start, end)``
        (for getDeleted), oldest first."""
        obj = self.object(sobject, soql=True)
        statement = sql(
            "SELECT Id, _DeletedDate FROM {t} WHERE IsDeleted = 1 AND _DeletedDate >= ? "
            "AND _DeletedDate < ? ORDER BY _DeletedDate, Id",
            t=obj.name,
        )
        with self._lock:
            rows = self._conn.execute(statement, (to_ms(start), to_ms(end))).fetchall()
        return [{"id": r[0], "deletedDate": format_datetime(r[1])} for r in rows]

    def count(self, sobject: str, *, include_deleted: bool = False) -> int:
        obj = self.object(sobject, soql=True)
        where = Raw("1" if include_deleted else "IsDeleted = 0")
        with self._lock:
            statement = sql("SELECT count(*) FROM {t} WHERE {where}", t=obj.name, where=where)
            return int(self._conn.execute(statement).fetchone()[0])

    def query(
        self, soql: str, *, include_deleted: bool = False, api_version: str = DEFAULT_API_VERSION
    ) -> QueryCursor:
        """Run a SOQL query; the cursor hands out shaped records page by page."""
        from .soql.run import run_query

        return run_query(self, soql, include_deleted=include_deleted, api_version=api_version)


def record_url(sobject: str, record_id: str, api_version: str) -> str:
    return f"/services/data/v{api_version}/sobjects/{sobject}/{record_id}"


def record_json(
    obj: ObjectDef, row: dict[str, Any], fields: Sequence[FieldDef], api_version: str
) -> dict[str, Any]:
    shaped: dict[str, Any] = {
        "attributes": {"type": obj.name, "url": record_url(obj.name, row["Id"], api_version)}
    }
    for f in fields:
        shaped[f.name] = to_json(f, row[f.name])
    return shaped


def _read_only(field: FieldDef, create: bool) -> SalesforceError:
    verb = "create" if create else "update"
    return SalesforceError(
        400,
        "INVALID_FIELD_FOR_INSERT_UPDATE",
        f"Unable to {verb} fields: {field.name}. Please check the security settings of this "
        "field and verify that it is read/write for your profile or permission set.",
        [field.name],
    )


def _not_writable(obj: ObjectDef, verb: str) -> SalesforceError:
    return SalesforceError(
        400, "INVALID_TYPE_FOR_OPERATION", f"entity type {obj.name} does not support {verb}"
    )


def _connect(path: str | None) -> sqlite3.Connection:
    conn = sqlite3.connect(path or ":memory:", check_same_thread=False, isolation_level=None)
    if path:
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("PRAGMA synchronous=NORMAL")
        conn.execute("PRAGMA busy_timeout=5000")
    return conn
