"""What the sync needs to know about the org, read once an hour: currencies, fields, stages.

The read is three Composite subrequests. A sync sends them inside its opening Composite, beside the
first page of each object, so the hourly refresh costs no call of its own; the Opportunity query
of that Composite is then built from the last reading (kept for KEPT_SECONDS), or for a first
sync from FIRST_GUESS, and re-sent if the new reading changes it.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any

from django.core.cache import cache

from mailtrixy.integrations.models import Connection
from mailtrixy.integrations.salesforce.client import SalesforceClient, subresponse_body
from mailtrixy.integrations.salesforce.connection import workspace_generation

EXTERNAL_ID_FIELD = "MailTrixy_Deal_Id__c"
CACHE_SECONDS = 3600
"""How long a reading counts as fresh."""
KEPT_SECONDS = 30 * 86400
"""How long a reading is kept as the best guess of the next one (the org rarely changes)."""


@dataclass(frozen=True)
class OrgStage:
    name: str
    is_active: bool
    is_closed: bool
    is_won: bool
    sort_order: int

    @property
    def kind(self) -> str:
        if self.is_won:
            return "won"
        return "lost" if self.is_closed else "open"


@dataclass(frozen=True)
class OrgMetadata:
    multi_currency: bool
    currencies: tuple[str, ...]
    default_currency: str
    has_external_id: bool
    stages: tuple[OrgStage, ...]

    def stage(self, name: str) -> OrgStage | None:
        return next((s for s in self.stages if s.name == name), None)


FIRST_GUESS = OrgMetadata(
    multi_currency=False,
    currencies=(),
    default_currency="USD",
    has_external_id=True,  # the admin guide's recommended set-up
    stages=(),
)
"""What a first sync assumes to build its opening Opportunity query, before any reading."""


@dataclass(frozen=True)
class Known:
    """The best knowledge of the org without an API call, and whether it is fresh."""

    metadata: OrgMetadata
    fresh: bool


def _key(workspace_id: int) -> str:
    # With the workspace's cache generation: reconnecting (maybe to another org) drops it.
    return f"salesforce:metadata:{workspace_id}:{workspace_generation(workspace_id)}"


def known(workspace_id: int) -> Known:
    """The last reading (fresh if under CACHE_SECONDS old), else FIRST_GUESS; no API call."""
    found = _stored(workspace_id)
    if found is None:
        return Known(FIRST_GUESS, fresh=False)
    read_at, reading = found
    return Known(reading, fresh=time.time() - read_at < CACHE_SECONDS)


def last_reading(workspace_id: int) -> OrgMetadata | None:
    """The last reading however old (kept KEPT_SECONDS), or None before the first; no API call."""
    found = _stored(workspace_id)
    return found[1] if found else None


def _stored(workspace_id: int) -> tuple[float, OrgMetadata] | None:
    found = cache.get(_key(workspace_id))
    if not (isinstance(found, tuple) and len(found) == 2 and isinstance(found[1], OrgMetadata)):
        return None
    return float(found[0]), found[1]


def cached(workspace_id: int) -> OrgMetadata | None:
    """The last reading, if fresh (no API call)."""
    found = known(workspace_id)
    return found.metadata if found.fresh else None


def store(workspace_id: int, reading: OrgMetadata) -> OrgMetadata:
    cache.set(_key(workspace_id), (time.time(), reading), KEPT_SECONDS)
    return reading


def load(client: SalesforceClient, connection: Connection, *, refresh: bool = False) -> OrgMetadata:
    found = None if refresh else cached(connection.workspace_id)
    if found is None:
        found = store(connection.workspace_id, fetch(client))
    return found


def fetch(client: SalesforceClient) -> OrgMetadata:
    """One Composite call: the Opportunity describe, the stages, and the org's currency."""
    return parse(client.composite(subrequests(client)))


def subrequests(client: SalesforceClient) -> list[dict[str, Any]]:
    """The reading as Composite subrequests (one describe, two queries), to send alone or along."""
    stages_soql = (
        "SELECT ApiName, IsActive, IsClosed, IsWon, SortOrder FROM OpportunityStage "
        "ORDER BY SortOrder"
    )
    org_soql = "SELECT DefaultCurrencyIsoCode FROM Organization"
    return [
        {
            "method": "GET",
            "url": client.service_path("sobjects/Opportunity/describe"),
            "referenceId": "describe",
        },
        {
            "method": "GET",
            "url": client.service_path(f"query?q={_q(stages_soql)}"),
            "referenceId": "stages",
        },
        {
            "method": "GET",
            "url": client.service_path(f"query?q={_q(org_soql)}"),
            "referenceId": "org",
        },
    ]


def parse(answers: list[dict[str, Any]]) -> OrgMetadata:
    """The reading from the answers to `subrequests` (raises ApiError if one failed)."""
    bodies = {a["referenceId"]: subresponse_body(a) for a in answers}
    fields = {f["name"]: f for f in bodies["describe"]["fields"]}
    currency_field = fields.get("CurrencyIsoCode")
    currencies = tuple(
        v["value"] for v in (currency_field or {}).get("picklistValues", []) if v.get("active")
    )
    org_rows = bodies["org"]["records"]
    default_currency = org_rows[0].get("DefaultCurrencyIsoCode") if org_rows else None
    return OrgMetadata(
        multi_currency=currency_field is not None,
        currencies=currencies,
        default_currency=str(default_currency or "USD"),
        has_external_id=EXTERNAL_ID_FIELD in fields,
        stages=tuple(_stage(row) for row in bodies["stages"]["records"]),
    )


def _q(soql: str) -> str:
    from urllib.parse import quote

    return quote(soql, safe="")


def _stage(row: dict[str, Any]) -> OrgStage:
    return OrgStage(
        name=str(row["ApiName"]),
        is_active=bool(row["IsActive"]),
        is_closed=bool(row["IsClosed"]),
        is_won=bool(row["IsWon"]),
        sort_order=int(row.get("SortOrder") or 0),
    )
