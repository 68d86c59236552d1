"""`query` and `queryAll` with `nextRecordsUrl` paging (reference §2.2)."""

from __future__ import annotations

import re
from typing import Any

from salesforce_emulator.errors import SalesforceError, malformed_query
from salesforce_emulator.rest.context import RestContext, RestRequest, RestResult

DEFAULT_BATCH = 2000
MIN_BATCH = 200
MAX_BATCH = 2000
_BATCH_OPTION = re.compile(r"batchSize\s*=\s*(\d+)", re.IGNORECASE)
INVALID_LOCATOR = SalesforceError(400, "INVALID_QUERY_LOCATOR", "invalid query locator")


def batch_size(request: RestRequest) -> int:
    """From `Sforce-Query-Options: batchSize=N`, kept within 200..2000."""
    match = _BATCH_OPTION.search(request.headers.get("sforce-query-options", ""))
    if match is None:
        return DEFAULT_BATCH
    return max(MIN_BATCH, min(MAX_BATCH, int(match[1])))


def run_query(ctx: RestContext, request: RestRequest, include_deleted: bool) -> RestResult:
    soql = request.query.get("q")
    if not soql or not soql.strip():
        raise malformed_query("A query string has to be specified")
    ctx.query_started()
    cursor = ctx.org.query(soql, include_deleted=include_deleted, api_version=request.version)
    size = batch_size(request)
    records = cursor.fetch(size)
    done = cursor.done or len(records) >= cursor.total_size
    locator = None if done else ctx.handle.locators.open(cursor, size, len(records))
    return RestResult(
        200, _page(request.version, cursor.total_size, records, locator, len(records))
    )


def query(ctx: RestContext, request: RestRequest, groups: dict[str, str]) -> RestResult:
    return run_query(ctx, request, include_deleted=False)


def query_all(ctx: RestContext, request: RestRequest, groups: dict[str, str]) -> RestResult:
    return run_query(ctx, request, include_deleted=True)


def query_more(ctx: RestContext, request: RestRequest, groups: dict[str, str]) -> RestResult:
    locator, _, offset_text = groups["locator"].partition("-")
    locators = ctx.handle.locators
    if offset_text and not offset_text.isdigit():
        raise INVALID_LOCATOR
    page = locators.next_page(locator, int(offset_text) if offset_text else -1)
    if page is None:
        raise INVALID_LOCATOR
    records, served, done = page
    body = _page(
        request.version, locators.total_size(locator), records, None if done else locator, served
    )
    return RestResult(200, body)


def _page(
    version: str, total: int, records: list[dict[str, Any]], locator: str | None, served: int
) -> dict[str, Any]:
    body: dict[str, Any] = {"totalSize": total, "done": locator is None}
    if locator is not None:
        # queryAll's next pages are fetched from /query/ too (reference §2.2).
        body["nextRecordsUrl"] = f"/services/data/v{version}/query/{locator}-{served}"
    body["records"] = records
    return body
