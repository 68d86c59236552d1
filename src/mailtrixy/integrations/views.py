"""Settings pages that integrations plug into, and the card endpoint the details panel loads."""

from __future__ import annotations

import logging

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from mailtrixy.accounts.permissions import admin_required, member_required
from mailtrixy.accounts.scoping import get_scoped_or_404
from mailtrixy.inbox.models import Contact
from mailtrixy.integrations import registry

log = logging.getLogger(__name__)


@member_required
def member_settings(request: HttpRequest) -> HttpResponse:
    sections = [(p, p.member_section(request)) for p in registry.providers()]
    return render(request, "integrations/member_settings.html", {"sections": sections})


@admin_required
def admin_settings(request: HttpRequest) -> HttpResponse:
    sections = [(p, p.admin_section(request)) for p in registry.providers()]
    return render(request, "integrations/admin_settings.html", {"sections": sections})


@member_required
def card(request: HttpRequest, provider_key: str, contact_id: int) -> HttpResponse:
    """One integration's card for a contact, loaded by htmx after the conversation page.

    Whatever goes wrong inside an integration hides its card; it never breaks the page.
    """
    provider = registry.get_provider(provider_key)
    if provider is None or provider.card_order is None:
        raise Http404("No such integration card.")
    contact = get_scoped_or_404(request, Contact, pk=contact_id)
    try:
        html = provider.render_card(request, contact)
    except Exception:
        log.exception("The %s card failed for contact %s; hiding it.", provider.key, contact.pk)
        html = ""
    return HttpResponse(html)
