"""Example providers for tests: they show how an integration plugs in without naming one."""

from __future__ import annotations

from typing import TextIO

from django.http import HttpRequest
from django.urls import URLPattern, URLResolver
from django.utils.html import format_html

from mailtrixy.integrations.provider import CardSubject
from mailtrixy.ops.check import Finding


class _FakeProvider:
    key = "fake"
    name = "Fake"
    card_order: int | None = None

    def render_card(self, request: HttpRequest, subject: CardSubject) -> str:
        return format_html(
            '<section class="card" data-card="{}"><h2>{}</h2><p>{}</p></section>',
            self.key,
            self.name,
            subject.email,
        )

    def member_section(self, request: HttpRequest) -> str:
        return format_html("<h2>{}</h2><p>Member section</p>", self.name)

    def admin_section(self, request: HttpRequest) -> str:
        return format_html("<h2>{}</h2><p>Admin section</p>", self.name)

    def urlpatterns(self) -> list[URLPattern | URLResolver]:
        return []

    def sync_now(self, workspace_id: int, out: TextIO) -> int | None:
        return None

    def configuration_findings(self) -> list[Finding]:
        return []


class FakeSalesforce(_FakeProvider):
    key = "salesforce"
    name = "Salesforce (fake)"
    card_order = 30


class FakeHubSpot(_FakeProvider):
    key = "hubspot"
    name = "HubSpot (fake)"
    card_order = 10


class FakeStripe(_FakeProvider):
    key = "stripe"
    name = "Stripe (fake)"
    card_order = 20


class FakeNoCard(_FakeProvider):
    key = "nocard"
    name = "No card"


class FakeBroken(_FakeProvider):
    key = "broken"
    name = "Broken"
    card_order = 5

    def render_card(self, request: HttpRequest, subject: CardSubject) -> str:
        raise RuntimeError("the remote service is down")


class FakeNoMatch(_FakeProvider):
    key = "nomatch"
    name = "No match"
    card_order = 40

    def render_card(self, request: HttpRequest, subject: CardSubject) -> str:
        return ""
