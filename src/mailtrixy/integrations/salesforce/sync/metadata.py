"""What the sync needs to know about the org, read once an hour: currencies, fields, stages."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.core.cache import cache

from mailtrixy.integrations.models import Connection
from mailtrixy.integrations.salesforce.client import SalesforceClient, subresponse_body
from mailtrixy.integrations.salesforce.connection import workspace_generation

EXTERNAL_ID_FIELD = "MailTrixy_Deal_Id__c"
CACHE_SECONDS = 3600


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


def _key(workspace_id: int) -> str:
    # With the workspace's cache generation: reconnecting (maybe to another org) drops it.
    return f"salesforce:metadata:{workspace_id}:{workspace_generation(workspace_id)}"


def cached(workspace_id: int) -> OrgMetadata | None:
    """What the last read found, if still cached (no API call)."""
    found = cache.get(_key(workspace_id))
    return found if isinstance(found, OrgMetadata) else None


def load(client: SalesforceClient, connection: Connection, *, refresh: bool = False) -> OrgMetadata:
    found = None if refresh else cached(connection.workspace_id)
    if found is None:
        found = fetch(client)
        cache.set(_key(connection.workspace_id), found, CACHE_SECONDS)
    return found


def fetch(client: SalesforceClient) -> OrgMetadata:
    """One Composite call: the Opportunity describe, the stages, and the org's currency."""
    stages_soql = (
        "SELECT ApiName, IsActive, IsClosed, IsWon, SortOrder FROM OpportunityStage "
        "ORDER BY SortOrder"
    )
    answers = client.composite(
        [
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
                "url": client.service_path(
                    f"query?q={_q('SELECT DefaultCurrencyIsoCode FROM Organization')}"
                ),
                "referenceId": "org",
            },
        ]
    )
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
