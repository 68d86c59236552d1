"""Where a MailTrixy contact or deal lives in Salesforce: linked or not, and its Lightning page."""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence

from mailtrixy.integrations.provider import RecordKind, RecordLink
from mailtrixy.integrations.salesforce import connection as connections
from mailtrixy.integrations.salesforce.models import ContactLink, DealLink

RECORD_ID = re.compile(r"[A-Za-z0-9]{15}(?:[A-Za-z0-9]{3})?")
SOBJECTS: dict[RecordKind, str] = {"contact": "Contact", "deal": "Opportunity"}
CHUNK = 1000
"""Ids asked for in one query (SQLite limits a statement's parameters)."""


def lightning_url(instance_url: str, sobject: str, record_id: str) -> str:
    """The record's Lightning page under the org's instance URL; "" for an id that is not one."""
    if not instance_url or not RECORD_ID.fullmatch(record_id or ""):
        return ""
    return f"{instance_url.rstrip('/')}/lightning/r/{sobject}/{record_id}/view"


def record_links(
    workspace_id: int, kind: RecordKind, ids: Sequence[int]
) -> dict[int, RecordLink] | None:
    """How each record stands in Salesforce; None when the workspace has no connection."""
    connection = connections.get_connection(workspace_id)
    if connection is None:
        return None
    instance_url = connection.instance_url
    found: dict[int, RecordLink] = {}
    for local_id, salesforce_id, deleted in _links(workspace_id, kind, ids):
        if deleted:
            found[local_id] = RecordLink(linked=False, note="Deleted in Salesforce.")
        elif salesforce_id:
            url = lightning_url(instance_url, SOBJECTS[kind], salesforce_id)
            found[local_id] = RecordLink(linked=True, url=url)
    return found


def _links(
    workspace_id: int, kind: RecordKind, ids: Sequence[int]
) -> Iterator[tuple[int, str, bool]]:
    ids = list(ids)
    for start in range(0, len(ids), CHUNK):
        chunk = ids[start : start + CHUNK]
        if kind == "contact":
            rows = ContactLink.objects.filter(workspace_id=workspace_id, contact_id__in=chunk)
            yield from rows.values_list("contact_id", "salesforce_id", "deleted_in_salesforce")
        else:
            deals = DealLink.objects.filter(workspace_id=workspace_id, deal_id__in=chunk)
            for deal_id, salesforce_id, deleted in deals.values_list(
                "deal_id", "salesforce_id", "deleted_in_salesforce"
            ):
                if deal_id is not None:
                    yield deal_id, salesforce_id, deleted
