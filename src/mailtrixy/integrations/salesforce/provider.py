"""What Salesforce is to MailTrixy: its key, name, card position, settings sections and views."""

from __future__ import annotations

from django.http import HttpRequest
from django.template.loader import render_to_string
from django.urls import URLPattern, URLResolver, include, path
from django.utils import timezone

from mailtrixy.accounts.scoping import current_member
from mailtrixy.inbox.models import Contact
from mailtrixy.integrations.provider import CARD_ORDER
from mailtrixy.integrations.salesforce import connection as connections
from mailtrixy.integrations.salesforce.connect import may_disconnect
from mailtrixy.integrations.salesforce.sync.report import sync_state


class SalesforceProvider:
    key = "salesforce"
    name = "Salesforce"
    card_order: int | None = CARD_ORDER["salesforce"]

    def render_card(self, request: HttpRequest, contact: Contact) -> str:
        from mailtrixy.integrations.salesforce.card import render_card

        return render_card(request, contact)

    def member_section(self, request: HttpRequest) -> str:
        member = current_member(request)
        context = {
            "app": connections.app_credentials(member.workspace),
            "connection": connections.get_connection(member.workspace),
            "sync": sync_state(member.workspace_id),
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
