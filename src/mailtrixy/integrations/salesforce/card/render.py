"""The card for a MailTrixy contact: when it shows, where its data comes from, and its HTML."""

from __future__ import annotations

import logging
from dataclasses import dataclass

from django.conf import settings
from django.http import HttpRequest
from django.template.loader import render_to_string

from mailtrixy import metrics
from mailtrixy.integrations.models import Connection
from mailtrixy.integrations.provider import CardSubject
from mailtrixy.integrations.salesforce import connection as connections
from mailtrixy.integrations.salesforce.card.cache import card_cache
from mailtrixy.integrations.salesforce.card.lookup import lookup
from mailtrixy.integrations.salesforce.card.model import OrgFacts, SalesforceCard
from mailtrixy.integrations.salesforce.client import SalesforceClient
from mailtrixy.integrations.salesforce.errors import SalesforceError
from mailtrixy.integrations.salesforce.links import lightning_url
from mailtrixy.integrations.salesforce.sync import metadata

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class ShownCard:
    card: SalesforceCard
    record_url: str
    """"Open in Salesforce": the Contact's Lightning page under the saved instance URL."""


def render_card(request: HttpRequest, subject: CardSubject) -> str:
    shown = card_for(subject)
    if shown is None:
        return ""
    return render_to_string(
        "salesforce/card.html", {"card": shown.card, "record_url": shown.record_url}, request
    )


def card_for(subject: CardSubject) -> ShownCard | None:
    """The Salesforce card of the customer `subject`, or None when it does not appear.

    It does not appear without an email, without a working connection, without a matching
    Salesforce Contact, or when Salesforce fails or is slower than SALESFORCE_CARD_TIMEOUT.
    """
    email = normalise_email(subject.email)
    if not email:
        return None
    connection = connections.get_connection(subject.workspace_id)
    if connection is None or connection.needs_reconnect:
        return None
    generation = card_cache.generation(subject.workspace_id)
    key = card_cache.card_key(subject.workspace_id, generation, email)
    fetched: list[bool] = []  # issue 7 metrics: did this view ask Salesforce (a cache miss)?

    def fetch_once() -> SalesforceCard | None:
        fetched.append(True)
        return fetch(connection, email, generation)

    try:
        entry = card_cache.get_or_fetch(key, fetch_once)
    except SalesforceError as error:
        metrics.record_card_lookup("failed")
        log.warning(
            "Salesforce card hidden for workspace %s: %s (%s)",
            subject.workspace_id,
            type(error).__name__,
            error.error_code or error.status,
        )
        return None
    metrics.record_card_lookup("miss" if fetched else "hit")
    if entry is None or entry.failed or entry.card is None:
        return None
    return ShownCard(entry.card, record_url(connection, entry.card.contact_id))


def normalise_email(email: str | None) -> str:
    """The form emails take in cache keys and in the query: trimmed and lower-cased."""
    return (email or "").strip().lower()


def fetch(connection: Connection, email: str, generation: int) -> SalesforceCard | None:
    """One lookup against Salesforce (what the cache calls on a miss)."""
    workspace_id = connection.workspace_id
    known = org_facts(workspace_id, generation)
    # No retries: a slow or failing Salesforce hides the card within one time limit.
    client = SalesforceClient(
        connection, timeout=float(settings.SALESFORCE_CARD_TIMEOUT), retries=0
    )
    result = lookup(client, email, org_id=connection.external_org_id, facts=known)
    if known is None:
        card_cache.put_facts(workspace_id, generation, result.facts)
    return result.card


def org_facts(workspace_id: int, generation: int) -> OrgFacts | None:
    """What the card already knows about the org, or what the sync learned (no API call)."""
    facts = card_cache.get_facts(workspace_id, generation)
    if facts is not None:
        return facts
    synced = metadata.cached(workspace_id)
    if synced is None:
        return None
    return OrgFacts(synced.multi_currency, synced.default_currency)


def record_url(connection: Connection, record_id: str) -> str:
    return lightning_url(connection.instance_url, "Contact", record_id)
