"""Bulk API 2.0 query jobs: create, poll, read CSV results by locator, abort, delete (§6.1).

`POST jobs/query` snapshots the matching rows at once (as a query locator does) and answers
`UploadComplete`; the job reports `JobComplete` once `PROCESSING_SECONDS` have passed (0 by
default: real orgs take seconds to minutes, tests may raise it to exercise polling).
`GET jobs/query/{id}/results[?locator=&maxRecords=]` answers CSV (comma, LF, header row, fields in
the order the query names them, parent fields as `Account.Name`, null as an empty field, booleans
`true`/`false`, date-times `…000Z`) with `Sforce-NumberOfRecords` and `Sforce-Locator` (the next
locator, or the literal `null` on the last page). Results are read in order; the last page served
can be read again (a client retrying a dropped answer), any other locator is refused.
Unsupported in a bulk query, as in Salesforce: aggregates (`COUNT()`), child subqueries, OFFSET.
"""

from __future__ import annotations

import csv
import io
import itertools
import re
import threading
import time
import weakref
from dataclasses import dataclass, field
from typing import Any

from salesforce_emulator.errors import SalesforceError, not_found
from salesforce_emulator.ids import KEY_PREFIXES, make_id
from salesforce_emulator.rest.context import RestContext, RestRequest, RestResult
from salesforce_emulator.soql.ast import CountAll, FieldRef, Query
from salesforce_emulator.soql.cursor import QueryCursor
from salesforce_emulator.soql.parser import parse
from salesforce_emulator.store import Org

PROCESSING_SECONDS = 0.0
"""How long a job stays InProgress after its creation (module setting, for tests)."""
DEFAULT_MAX_RECORDS = 50_000
"""Records per results page when the client does not say (Salesforce picks its own size)."""
CSV_TYPE = "text/csv"
STATES_AFTER_CREATE = ("UploadComplete", "InProgress", "JobComplete")
_DATETIME = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}\+0000")
_ids = itertools.count(1)


@dataclass
class _Job:
    id: str
    operation: str
    object: str
    columns: list[tuple[str, ...]]
    cursor: QueryCursor
    created: float
    created_date: str
    user_id: str
    api_version: str
    aborted: bool = False
    served: int = 0
    last_page: tuple[str, bytes, int, str] | None = None  # locator, csv, records, next locator
    lock: threading.Lock = field(default_factory=threading.Lock)

    @property
    def state(self) -> str:
        if self.aborted:
            return "Aborted"
        if time.monotonic() - self.created < PROCESSING_SECONDS:
            return "InProgress"
        return "JobComplete"

    def info(self, *, detailed: bool) -> dict[str, Any]:
        body: dict[str, Any] = {
            "id": self.id,
            "operation": self.operation,
            "object": self.object,
            "createdById": self.user_id,
            "createdDate": self.created_date,
            "systemModstamp": self.created_date,
            "state": self.state,
            "concurrencyMode": "Parallel",
            "contentType": "CSV",
            "apiVersion": float(self.api_version),
            "lineEnding": "LF",
            "columnDelimiter": "COMMA",
        }
        if detailed:
            complete = self.state == "JobComplete"
            body |= {
                "jobType": "V2Query",
                "numberRecordsProcessed": self.cursor.total_size if complete else 0,
                "retries": 0,
                "totalProcessingTime": 0,
                "isPkChunkingSupported": True,
            }
        return body


_jobs: weakref.WeakKeyDictionary[Org, dict[str, _Job]] = weakref.WeakKeyDictionary()
_jobs_lock = threading.Lock()


def _org_jobs(ctx: RestContext) -> dict[str, _Job]:
    with _jobs_lock:
        return _jobs.setdefault(ctx.org, {})


def _invalid(message: str) -> SalesforceError:
    # The reference gives no error body for a refused job; INVALIDJOB is what clients report.
    return SalesforceError(400, "INVALIDJOB", message)


def _job(ctx: RestContext, groups: dict[str, str]) -> _Job:
    job = _org_jobs(ctx).get(groups["job"])
    if job is None:
        raise not_found()
    return job


def _columns(query: Query) -> list[tuple[str, ...]]:
    columns: list[tuple[str, ...]] = []
    for item in query.select:
        if isinstance(item, CountAll):
            raise _invalid("Aggregate queries are not supported by Bulk API 2.0 query jobs")
        if not isinstance(item, FieldRef):
            raise _invalid("Parent-to-child subqueries are not supported by Bulk API 2.0")
        columns.append(item.path)
    if query.offset is not None:
        raise _invalid("OFFSET is not supported by Bulk API 2.0 query jobs")
    return columns


def create(ctx: RestContext, request: RestRequest, groups: dict[str, str]) -> RestResult:
    body = request.body if isinstance(request.body, dict) else {}
    operation = body.get("operation", "query")
    soql = body.get("query")
    if operation not in ("query", "queryAll"):
        raise _invalid(f"Invalid operation: {operation}")
    if not isinstance(soql, str) or not soql.strip():
        raise _invalid("A query string has to be specified")
    if body.get("contentType", "CSV") != "CSV" or body.get("columnDelimiter", "COMMA") != "COMMA":
        raise _invalid("Only CSV with COMMA delimiters is supported by this emulator")
    if body.get("lineEnding", "LF") != "LF":
        raise _invalid("Only LF line endings are supported by this emulator")
    parsed = parse(soql)
    columns = _columns(parsed)
    ctx.query_started()
    cursor = ctx.org.query(
        soql, include_deleted=operation == "queryAll", api_version=request.version
    )
    org = ctx.org
    job = _Job(
        id=make_id(KEY_PREFIXES["BulkJob"], org.pod, next(_ids)),
        operation=operation,
        object=parsed.sobject,
        columns=columns,
        cursor=cursor,
        created=time.monotonic(),
        created_date=org.clock().strftime("%Y-%m-%dT%H:%M:%S.000+0000"),
        user_id=ctx.user_id,
        api_version=request.version,
    )
    _org_jobs(ctx)[job.id] = job
    return RestResult(200, job.info(detailed=False) | {"state": "UploadComplete"})


def info(ctx: RestContext, request: RestRequest, groups: dict[str, str]) -> RestResult:
    return RestResult(200, _job(ctx, groups).info(detailed=True))


def list_jobs(ctx: RestContext, request: RestRequest, groups: dict[str, str]) -> RestResult:
    records = [job.info(detailed=False) for job in _org_jobs(ctx).values()]
    return RestResult(200, {"done": True, "records": records, "nextRecordsUrl": None})


def abort(ctx: RestContext, request: RestRequest, groups: dict[str, str]) -> RestResult:
    job = _job(ctx, groups)
    body = request.body if isinstance(request.body, dict) else {}
    if body.get("state") != "Aborted":
        raise _invalid("Only the state Aborted can be set on a query job")
    if job.state == "JobComplete":
        raise _invalid("The job is already complete and cannot be aborted")
    job.aborted = True
    return RestResult(200, job.info(detailed=False))


def delete(ctx: RestContext, request: RestRequest, groups: dict[str, str]) -> RestResult:
    job = _job(ctx, groups)
    del _org_jobs(ctx)[job.id]
    return RestResult(204)


def results(ctx: RestContext, request: RestRequest, groups: dict[str, str]) -> RestResult:
    if ctx.in_composite:
        raise _invalid("Bulk API 2.0 results cannot be read inside a Composite request")
    job = _job(ctx, groups)
    if job.api_version != request.version:
        raise SalesforceError(
            409, "INVALIDJOB", "Results must be read with the API version that created the job"
        )
    if job.state != "JobComplete":
        raise _invalid(f"The job is {job.state}; results are available once it is JobComplete")
    locator = request.query.get("locator", "")
    size = _max_records(request.query.get("maxRecords"))
    with job.lock:
        body, count, next_locator = _page(job, locator, size)
    headers = {
        "Content-Type": CSV_TYPE,
        "Sforce-NumberOfRecords": str(count),
        "Sforce-Locator": next_locator,
    }
    return RestResult(200, body, headers)


def _max_records(text: str | None) -> int:
    if not text:
        return DEFAULT_MAX_RECORDS
    if not text.isdigit() or int(text) < 1:
        raise _invalid(f"Invalid maxRecords: {text}")
    return int(text)


def _page(job: _Job, locator: str, size: int) -> tuple[bytes, int, str]:
    if job.last_page is not None and job.last_page[0] == locator:
        _, body, count, next_locator = job.last_page
        return body, count, next_locator
    if _offset(locator) != job.served:
        raise SalesforceError(400, "INVALIDLOCATOR", f"Invalid locator: {locator}")
    records = job.cursor.fetch(size)
    job.served += len(records)
    done = job.cursor.done or job.served >= job.cursor.total_size
    next_locator = "null" if done else _locator(job.served)
    body = _csv(job.columns, records)
    job.last_page = (locator, body, len(records), next_locator)
    return body, len(records), next_locator


def _locator(offset: int) -> str:
    """Opaque to clients; here the offset in base 36 behind a fixed tag."""
    return "MTA" + _base36(offset)


def _offset(locator: str) -> int:
    if not locator:
        return 0
    if not locator.startswith("MTA"):
        return -1
    try:
        return int(locator[3:], 36)
    except ValueError:
        return -1


def _base36(n: int) -> str:
    digits = "0123456789abcdefghijklmnopqrstuvwxyz"
    text = ""
    while True:
        n, rest = divmod(n, 36)
        text = digits[rest] + text
        if n == 0:
            return text


def _csv(columns: list[tuple[str, ...]], records: list[dict[str, Any]]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow([".".join(path) for path in columns])
    for record in records:
        writer.writerow([_cell(_value(record, path)) for path in columns])
    return out.getvalue().encode()


def _value(record: dict[str, Any], path: tuple[str, ...]) -> Any:
    """A (possibly parent) field of a shaped record; names as written, matched ignoring case."""
    value: Any = record
    for name in path:
        if not isinstance(value, dict):
            return None
        if name in value:
            value = value[name]
            continue
        lowered = name.lower()
        value = next((v for k, v in value.items() if k.lower() == lowered), None)
    return value


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if value is True:
        return "true"
    if value is False:
        return "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    text = str(value)
    if _DATETIME.fullmatch(text):
        return text[:-5] + "Z"
    return text
