"""One money format everywhere: "USD 12,500.00"."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.template import Context, Template
from django.test import Client
from django.urls import reverse

from mailtrixy.inbox.models import Deal
from mailtrixy.integrations.salesforce.card.model import CardOpportunity
from mailtrixy.money import format_money
from tests.factories import Team, make_contact, make_deal


@pytest.mark.parametrize(
    ("amount", "currency", "shown"),
    [
        (Decimal("12500"), "USD", "USD 12,500.00"),
        (Decimal("1234567.5"), "eur", "EUR 1,234,567.50"),
        ("0.005", "JPY", "JPY 0.01"),
        (Decimal("999.99"), "", "999.99"),
        (None, "USD", "—"),
        ("", "USD", "—"),
    ],
)
def test_money_is_the_code_then_the_amount_with_comma_thousands_and_two_decimals(
    amount: object, currency: str, shown: str
) -> None:
    assert format_money(amount, currency) == shown  # type: ignore[arg-type]


def test_money_filter_writes_the_same_format_in_templates() -> None:
    template = Template("{% load money %}{{ amount|money:currency }}")
    assert template.render(Context({"amount": Decimal("12500"), "currency": "USD"})) == (
        "USD 12,500.00"
    )


def test_card_opportunities_use_the_money_format() -> None:
    opportunity = CardOpportunity(
        "006", "Renewal", "Prospecting", Decimal("12500"), "USD", False, False
    )
    assert opportunity.amount_text == format_money(Decimal("12500"), "USD") == "USD 12,500.00"


def test_deal_list_contact_page_and_deal_page_write_amounts_in_the_money_format(
    agent_client: Client, team: Team
) -> None:
    contact = make_contact(team.workspace)
    deal = make_deal(team, contact=contact)
    Deal.objects.filter(pk=deal.pk).update(amount=Decimal("12500"))
    for url in [
        reverse("inbox:deals"),
        reverse("inbox:contact", args=[contact.pk]),
        reverse("inbox:deal_edit", args=[deal.pk]),
    ]:
        assert "USD 12,500.00" in agent_client.get(url).content.decode(), url
