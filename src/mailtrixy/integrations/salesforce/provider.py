"""What Salesforce is to MailTrixy: its key, name, card position, settings sections and views."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, TextIO

from django.http import HttpRequest
from django.template.loader import render_to_string
from django.urls import URLPattern, URLResolver, include, path
from django.utils import timezone

from mailtrixy.accounts.scoping import current_member
from mailtrixy.integrations.provider import CardSubject, RecordKind, RecordLink, RecordRef
from mailtrixy.integrations.salesforce import conflicts, currencies, links
from mailtrixy.integrations.salesforce import connection as connections
from mailtrixy.integrations.salesforce.connect import may_disconnect
from mailtrixy.integrations.salesforce.sync.report import settings_state

if TYPE_CHECKING:
    from mailtrixy.ops.check import Finding


class SalesforceProvider:
    key = "salesforce"
    name = "Salesforce"
    # The product page puts the Salesforce card below the HubSpot and Stripe cards when those also
    # match; they would declare 10 and 20.
    card_order: int | None = 30

    def render_card(self, request: HttpRequest, subject: CardSubject) -> str:
        from mailtrixy.integrations.salesforce.card import render_card

        return render_card(request, subject)

    def member_section(self, request: HttpRequest) -> str:
        member = current_member(request)
        context = {
            "app": connections.app_credentials(member.workspace),
            "connection": connections.get_connection(member.workspace),
            "sync": settings_state(member.workspace_id),
            "now": timezone.now(),
            "may_disconnect": may_disconnect(member),
        }
        return render_to_string("salesforce/member_section.html", context, request=request)

    def admin_section(self, request: HttpRequest) -> str:
        member = current_member(request)
        context = {
            "app": connections.app_credentials(member.workspace),
            "connection": connections.get_connection(member.workspace),
        }
        return render_to_string("salesforce/admin_section.html", context, request=request)

    def urlpatterns(self) -> list[URLPattern | URLResolver]:
        return [path("", include("mailtrixy.integrations.salesforce.urls"))]

    def record_links(
        self, workspace_id: int, kind: RecordKind, ids: Sequence[int]
    ) -> Mapping[int, RecordLink] | None:
        return links.record_links(workspace_id, kind, ids)

    def record_section(self, request: HttpRequest, record: RecordRef) -> str:
        notes = conflicts.record_notes(record)
        if not notes:
            return ""
        return render_to_string("salesforce/record_section.html", {"notes": notes}, request)

    def deal_currencies(self, workspace_id: int) -> tuple[str, ...] | None:
        return currencies.deal_currencies(workspace_id)

    def sync_now(self, workspace_id: int, out: TextIO) -> int | None:
        from mailtrixy.integrations.salesforce.sync.command_line import sync_now

        return sync_now(workspace_id, out)

    def configuration_findings(self) -> list[Finding]:
        from mailtrixy.integrations.salesforce.checks import sync_timing

        return sync_timing()
