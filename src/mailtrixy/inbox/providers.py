"""What the inbox's pages ask of the integrations, through the registry only.

A conversation's cards, a contact's and a deal's links and sections, a deal's currencies. Plain
values go out (a CardSubject, a workspace id, record ids, a RecordRef) and plain values come back
(RecordLink, currency codes, HTML); no provider is named here. An integration that fails is left
out of the page, as a failing card is hidden: it never breaks a conversation's, a contact's or a
deal's page.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from django.http import HttpRequest
from django.utils.safestring import SafeString, mark_safe

from mailtrixy.inbox.models import Contact
from mailtrixy.integrations import registry
from mailtrixy.integrations.provider import CardSubject, Provider, RecordKind, RecordLink, RecordRef

log = logging.getLogger(__name__)

NOT_LINKED = RecordLink(linked=False)


@dataclass(frozen=True)
class LinkColumn:
    """One integration's links for a page of records."""

    name: str
    links: Mapping[int, RecordLink]

    def link(self, record_id: int) -> RecordLink:
        return self.links.get(record_id, NOT_LINKED)


@dataclass(frozen=True)
class CurrencyLimit:
    """The currencies every integration that limits them takes a deal in (the default first)."""

    codes: tuple[str, ...]
    names: tuple[str, ...]
    """The integrations that set the limit, by name."""


def card_subject(contact: Contact) -> CardSubject:
    """The contact as a provider sees it: plain data, so no provider depends on inbox models."""
    return CardSubject(
        workspace_id=contact.workspace_id,
        contact_id=contact.pk,
        email=contact.email,
        name=contact.name,
    )


def card_html(request: HttpRequest, provider: Provider, contact: Contact) -> str:
    """One provider's card for the contact; whatever goes wrong inside it hides the card."""
    try:
        return provider.render_card(request, card_subject(contact))
    except Exception:
        log.exception("The %s card failed for contact %s; hiding it.", provider.key, contact.pk)
        return ""


def link_columns(workspace_id: int, kind: RecordKind, ids: Sequence[int]) -> list[LinkColumn]:
    """A column for each integration that applies to the workspace, in the registry's order."""
    columns = []
    for provider in registry.providers():
        try:
            links = provider.record_links(workspace_id, kind, ids)
        except Exception:
            log.exception("The %s record links failed; leaving them out.", provider.key)
            continue
        if links is not None:
            columns.append(LinkColumn(provider.name, links))
    return columns


def link_rows(columns: Sequence[LinkColumn], record_id: int) -> list[tuple[str, RecordLink]]:
    """(integration name, link) for one record, one per column."""
    return [(column.name, column.link(record_id)) for column in columns]


def record_sections(request: HttpRequest, record: RecordRef) -> SafeString:
    """The integrations' sections for a record's own page, joined."""
    parts = []
    for provider in registry.providers():
        try:
            parts.append(provider.record_section(request, record))
        except Exception:
            log.exception("The %s section failed for %s %s.", provider.key, record.kind, record.id)
    # Providers render their sections with Django's escaping templates.
    return mark_safe("".join(parts))  # noqa: S308


def currency_limit(workspace_id: int) -> CurrencyLimit | None:
    """The currencies a deal may be in, or None when no integration limits them."""
    codes: tuple[str, ...] | None = None
    names: list[str] = []
    for provider in registry.providers():
        try:
            allowed = provider.deal_currencies(workspace_id)
        except Exception:
            log.exception("The %s deal currencies failed; not limiting by them.", provider.key)
            continue
        if allowed is None:
            continue
        names.append(provider.name)
        codes = tuple(allowed) if codes is None else tuple(c for c in codes if c in allowed)
    return None if codes is None else CurrencyLimit(codes, tuple(names))
