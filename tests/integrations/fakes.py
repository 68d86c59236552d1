"""Example providers for tests: they show how an integration plugs in without naming one."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TextIO

from django.http import HttpRequest
from django.urls import URLPattern, URLResolver
from django.utils.html import format_html

from mailtrixy.integrations.provider import CardSubject, RecordKind, RecordLink, RecordRef
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

    def record_links(
        self, workspace_id: int, kind: RecordKind, ids: Sequence[int]
    ) -> Mapping[int, RecordLink] | None:
        return None

    def record_section(self, request: HttpRequest, record: RecordRef) -> str:
        return ""

    def deal_currencies(self, workspace_id: int) -> tuple[str, ...] | None:
        return None


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


class FakeLinked(_FakeProvider):
    """Links every record, says so on its pages, and takes deals in USD and GBP only."""

    key = "linked"
    name = "Linked CRM"

    def record_links(
        self, workspace_id: int, kind: RecordKind, ids: Sequence[int]
    ) -> Mapping[int, RecordLink] | None:
        return {pk: RecordLink(linked=True, url=f"https://crm.example/{kind}/{pk}") for pk in ids}

    def record_section(self, request: HttpRequest, record: RecordRef) -> str:
        return format_html("<p>Linked CRM section for {} {}</p>", record.kind, record.id)

    def deal_currencies(self, workspace_id: int) -> tuple[str, ...] | None:
        return ("USD", "GBP")


class FakeBrokenRecords(_FakeProvider):
    """Fails at everything a record page asks of it."""

    key = "broken-records"
    name = "Broken records"

    def record_links(
        self, workspace_id: int, kind: RecordKind, ids: Sequence[int]
    ) -> Mapping[int, RecordLink] | None:
        raise RuntimeError("the remote service is down")

    def record_section(self, request: HttpRequest, record: RecordRef) -> str:
        raise RuntimeError("the remote service is down")

    def deal_currencies(self, workspace_id: int) -> tuple[str, ...] | None:
        raise RuntimeError("the remote service is down")
