"""Example providers for tests: they show how an integration plugs in without naming one."""

from __future__ import annotations

from django.http import HttpRequest
from django.urls import URLPattern, URLResolver
from django.utils.html import format_html

from mailtrixy.inbox.models import Contact
from mailtrixy.integrations.provider import CARD_ORDER


class _FakeProvider:
    key = "fake"
    name = "Fake"
    card_order: int | None = None

    def render_card(self, request: HttpRequest, contact: Contact) -> str:
        return format_html(
            '<section class="card" data-card="{}"><h2>{}</h2><p>{}</p></section>',
            self.key,
            self.name,
            contact.email,
        )

    def member_section(self, request: HttpRequest) -> str:
        return format_html("<h2>{}</h2><p>Member section</p>", self.name)

    def admin_section(self, request: HttpRequest) -> str:
        return format_html("<h2>{}</h2><p>Admin section</p>", self.name)

    def urlpatterns(self) -> list[URLPattern | URLResolver]:
        return []


class FakeSalesforce(_FakeProvider):
    key = "salesforce"
    name = "Salesforce (fake)"
    card_order = CARD_ORDER["salesforce"]


class FakeHubSpot(_FakeProvider):
    key = "hubspot"
    name = "HubSpot (fake)"
    card_order = CARD_ORDER["hubspot"]


class FakeStripe(_FakeProvider):
    key = "stripe"
    name = "Stripe (fake)"
    card_order = CARD_ORDER["stripe"]


class FakeNoCard(_FakeProvider):
    key = "nocard"
    name = "No card"


class FakeBroken(_FakeProvider):
    key = "broken"
    name = "Broken"
    card_order = 5

    def render_card(self, request: HttpRequest, contact: Contact) -> str:
        raise RuntimeError("the remote service is down")


class FakeNoMatch(_FakeProvider):
    key = "nomatch"
    name = "No match"
    card_order = 40

    def render_card(self, request: HttpRequest, contact: Contact) -> str:
        return ""
