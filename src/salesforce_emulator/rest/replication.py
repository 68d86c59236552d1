"""getUpdated and getDeleted: `/sobjects/{T}/updated/` and `/deleted/` by time window (§2.6)."""

from __future__ import annotations

from datetime import datetime, timedelta

from salesforce_emulator.clock import format_datetime, from_ms, parse_datetime, to_ms
from salesforce_emulator.errors import SalesforceError
from salesforce_emulator.rest.context import RestContext, RestRequest, RestResult


def _window(ctx: RestContext, request: RestRequest) -> tuple[datetime, datetime]:
    start, end = (parse_datetime(request.query.get(k, "")) for k in ("start", "end"))
    if start is None or end is None or end <= start:
        message = "start and end must be valid date-times, start before end"
        raise SalesforceError(400, "INVALID_REPLICATION_DATE", message)
    # Never past the present: what is covered must not change later. (Salesforce also rounds to
    # whole minutes; the emulator does not, so a test sees a change made a moment ago.)
    end = min(end, ctx.org.now_ms() + 1)
    return from_ms(start), from_ms(max(end, start))


def updated(ctx: RestContext, request: RestRequest, groups: dict[str, str]) -> RestResult:
    obj = ctx.org.object(groups["sobject"])
    start, end = _window(ctx, request)
    ids = ctx.org.updated_ids(obj.name, start, end)
    return RestResult(200, {"ids": ids, "latestDateCovered": format_datetime(to_ms(end))})


def deleted(ctx: RestContext, request: RestRequest, groups: dict[str, str]) -> RestResult:
    obj = ctx.org.object(groups["sobject"])
    start, end = _window(ctx, request)
    records = ctx.org.deleted_records(obj.name, start, end)
    earliest = start - timedelta(days=15) if records else start
    return RestResult(
        200,
        {
            "deletedRecords": records,
            "earliestDateAvailable": format_datetime(to_ms(earliest)),
            "latestDateCovered": format_datetime(to_ms(end)),
        },
    )
