"""The rest of a large full pull through one Bulk API 2.0 query job, streamed as CSV.

When it is used: during a full pull (the first sync, a reconcile), once the first REST page (read
in the run's opening Composite, so deciding costs no call) says at least `BULK_THRESHOLD` records
remain. REST paging costs one call per 2,000 records; a job costs create + polls + one call per
`MAX_RECORDS` records + delete: ≈ 4 calls for 50,000 records instead of 25, 24 instead of 500 for
1,000,000. The switch point was chosen from bench/ measurements (bench/RESULTS.md).

How: the job runs the plan's own query (same fields, same `ORDER BY SystemModstamp, Id`) from
the cursor on. Each results page is streamed line by line; rows become the same record dicts a
REST page holds (see `RowMapper`) and are applied 2,000 at a time, the cursor saved after each, as
REST pages are. A run that dies part-way resumes from the cursor like any other. Memory stays
flat: never more than one batch of records and one CSV line buffer are held.
"""

from __future__ import annotations

import csv
import time
from collections.abc import Callable, Generator, Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import closing, suppress
from typing import Any, Protocol

from mailtrixy.integrations.salesforce.client import SalesforceClient, SentAhead
from mailtrixy.integrations.salesforce.errors import ApiError, SalesforceError
from mailtrixy.integrations.salesforce.soql import datetime_literal, parse_datetime, quote

BULK_THRESHOLD = 20_000
"""Records still to read (after the first REST page) from which a job pays; see bench/RESULTS.md."""
MAX_RECORDS = 50_000
"""Records per results page (one API call each)."""
BATCH = 2_000
"""Records applied (and the cursor saved) at a time, as a REST page."""
POLL_FIRST_SECONDS = 0.1
POLL_MAX_SECONDS = 10.0
JOB_TIMEOUT_SECONDS = 30 * 60
BOOLEAN_FIELDS: dict[str, frozenset[str]] = {
    "Contact": frozenset({"IsDeleted"}),
    "Opportunity": frozenset({"IsDeleted", "IsWon", "IsClosed"}),
}
"""Objects pulled by bulk, with their boolean columns (CSV says `true`/`false`).

Every other column stays text, which the mapping reads as REST's values: `Amount` as "1200.5"
where REST says 1200.5 (`mapping.amount_text` gives "1200.50" for both)."""
DATETIME_FIELDS = frozenset({"SystemModstamp", "LastModifiedDate", "CreatedDate"})
DONE = "null"


class Plan(Protocol):
    """The pull being read (`cursor.PullCursor`)."""

    sobject: str
    fields: str
    full: bool

    @property
    def modstamp(self) -> str: ...

    @property
    def last_id(self) -> str: ...

    def advance(self, records: list[dict[str, Any]]) -> None: ...


class Applier(Protocol):
    def apply_page(self, records: list[dict[str, Any]]) -> None: ...


def pays(plan: Plan, page: dict[str, Any], fetched: int) -> bool:
    """Whether the rest of this pull should go through a bulk job (decided after a REST page)."""
    if not plan.full or plan.sobject not in BOOLEAN_FIELDS or page.get("done", True):
        return False
    return int(page.get("totalSize", 0)) - fetched >= BULK_THRESHOLD


def pull(
    client: SalesforceClient, plan: Plan, applier: Applier, heartbeat: Callable[[], Any]
) -> int:
    """Read the plan's query through one job and apply it; returns the records applied."""
    job_id = create_job(client, rest_of(plan))
    try:
        wait_for(client, job_id)
        with closing(result_rows(client, job_id)) as rows:  # its read-ahead ends with the pull
            return _apply_rows(rows, plan, applier, heartbeat)
    finally:
        _delete_job(client, job_id)


def _apply_rows(
    rows: Iterable[tuple[list[str], list[str]]],
    plan: Plan,
    applier: Applier,
    heartbeat: Callable[[], Any],
) -> int:
    mapper: RowMapper | None = None
    applied = 0
    batch: list[dict[str, Any]] = []
    position = (plan.modstamp, plan.last_id)
    for header, row in rows:
        mapper = mapper or RowMapper(header, BOOLEAN_FIELDS[plan.sobject])
        record = mapper.record(row)
        if (record["SystemModstamp"], record["Id"]) <= position:
            continue  # applied already from the opening REST page
        batch.append(record)
        if len(batch) >= BATCH:
            applied += _apply(plan, applier, batch, heartbeat)
            batch = []
    if batch:
        applied += _apply(plan, applier, batch, heartbeat)
    return applied


def rest_of(plan: Plan) -> str:
    """The plan's query from its cursor on (no overlap: the rows behind it were read this run)."""
    where = ""
    if plan.modstamp:  # keyset: after (SystemModstamp, Id), ties included
        since = datetime_literal(parse_datetime(plan.modstamp))
        after = quote(plan.last_id)
        where = f" WHERE (SystemModstamp > {since} OR (SystemModstamp = {since} AND Id > {after}))"
    return f"SELECT {plan.fields} FROM {plan.sobject}{where} ORDER BY SystemModstamp, Id"


def _apply(
    plan: Plan, applier: Applier, batch: list[dict[str, Any]], heartbeat: Callable[[], Any]
) -> int:
    applier.apply_page(batch)
    plan.advance(batch)
    heartbeat()
    return len(batch)


# -- the job -----------------------------------------------------------------------------------


def create_job(client: SalesforceClient, soql: str) -> str:
    body = {"operation": "queryAll", "query": soql, "contentType": "CSV", "lineEnding": "LF"}
    return str(client.request("POST", "jobs/query", json=body).json()["id"])


def wait_for(client: SalesforceClient, job_id: str, timeout: float = JOB_TIMEOUT_SECONDS) -> None:
    """Poll until JobComplete, waiting longer each time (each poll is an API call)."""
    deadline = time.monotonic() + timeout
    pause = POLL_FIRST_SECONDS
    while True:
        state = client.get(f"jobs/query/{job_id}")["state"]
        if state == "JobComplete":
            return
        if state in ("Failed", "Aborted") or time.monotonic() > deadline:
            raise ApiError(f"The Salesforce bulk query job ended as {state}.", error_code="BULK")
        time.sleep(pause)
        pause = min(pause * 2, POLL_MAX_SECONDS)


def _delete_job(client: SalesforceClient, job_id: str) -> None:
    """Salesforce keeps results 7 days; the org's data should not wait there for us."""
    with suppress(SalesforceError):
        client.request("DELETE", f"jobs/query/{job_id}")


def result_rows(client: SalesforceClient, job_id: str) -> Generator[tuple[list[str], list[str]]]:
    """(header, row) for every row of every results page, streamed.

    Each page names the next one in its headers (`Sforce-Locator`), so the next page is asked
    for as soon as a page's rows start: Salesforce prepares it while this one is applied. The
    client sends it on a worker thread (`send_ahead`), which only sends and waits for headers;
    the body waits in the socket, and the answer is settled (counted, its usage recorded, its
    error raised, the session refreshed) on this thread when its turn comes.
    """
    path = f"jobs/query/{job_id}/results"
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="bulk-results") as worker:
        locator = ""
        sent: SentAhead | None = client.send_ahead(worker, "GET", path, **_page(locator))
        try:
            while sent is not None:
                ahead, sent = sent, None  # settled below, whether it succeeds or raises
                response = client.request("GET", path, stream=True, sent=ahead, **_page(locator))
                with closing(response):
                    locator = response.headers.get("Sforce-Locator", DONE)
                    if locator and locator != DONE:
                        sent = client.send_ahead(worker, "GET", path, **_page(locator))
                    reader = csv.reader(_lines(client.streamed_text(response)))
                    header = next(reader, None)
                    if header is not None:
                        for row in reader:
                            yield header, row
        finally:
            if sent is not None:  # stopped early: the page asked for ahead is not read
                client.abandon(path, sent)


def _page(locator: str) -> dict[str, Any]:
    """What asks for one results page (one API call): its query string and headers."""
    params = {"maxRecords": str(MAX_RECORDS)} | ({"locator": locator} if locator else {})
    return {"params": params, "headers": {"Accept": "text/csv"}}


def _lines(chunks: Iterable[str]) -> Iterator[str]:
    """Text chunks → lines that keep their "\\n" (so quoted fields may hold line breaks)."""
    rest = ""
    for chunk in chunks:
        rest += chunk
        start = 0
        while (end := rest.find("\n", start)) >= 0:
            yield rest[start : end + 1]
            start = end + 1
        rest = rest[start:]
    if rest:
        yield rest


# -- rows to records ----------------------------------------------------------------------------


class RowMapper:
    """A CSV row → the record dict a REST page holds.

    Empty field → None; `true`/`false` → bool for boolean columns; date-times `…000Z` →
    `…000+0000` (REST's form, so cursors and stamps compare equal); `Account.Name` →
    `{"Account": {"Name": …}}`, or `"Account": None` when all its fields are empty.
    """

    def __init__(self, header: list[str], booleans: frozenset[str]) -> None:
        self.header = header
        self.booleans = booleans
        self.parents: dict[str, list[tuple[int, str]]] = {}
        self.plain: list[tuple[int, str]] = []
        for index, name in enumerate(header):
            parent, dot, field = name.partition(".")
            if dot:
                self.parents.setdefault(parent, []).append((index, field))
            else:
                self.plain.append((index, name))

    def record(self, row: list[str]) -> dict[str, Any]:
        record: dict[str, Any] = {name: self._value(name, row[i]) for i, name in self.plain}
        for parent, fields in self.parents.items():
            nested = {field: self._value(field, row[i]) for i, field in fields}
            record[parent] = nested if any(v is not None for v in nested.values()) else None
        return record

    def _value(self, name: str, text: str) -> Any:
        if text == "":
            return None
        if name in self.booleans:
            return text == "true"
        if name in DATETIME_FIELDS and text.endswith("Z"):
            return text[:-1] + "+0000"
        return text
