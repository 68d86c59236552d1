"""The integrations' cards in a conversation's details panel, as the inbox asks for them."""

from __future__ import annotations

import logging

from django.http import HttpRequest

from mailtrixy.inbox.models import Contact
from mailtrixy.integrations.provider import CardSubject, Provider

log = logging.getLogger(__name__)


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
