"""Shared by the card tests: org data made through the emulator, a movable clock, views.

(A module of helpers, not tests; named so it sits with the card tests it serves.)
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from mailtrixy.inbox.models import Contact

if TYPE_CHECKING:  # the conftest imports this module
    from tests.integrations.salesforce.conftest import SfOrg

STAGES = ["Closed Won", "Closed Lost", "Prospecting", "Negotiation/Review", "Closed Won"]


def create(sf: SfOrg, sobject: str, **fields: Any) -> str:
    """A record made by the org's admin (not counted as MailTrixy's cost)."""
    response = sf.rest("POST", f"sobjects/{sobject}", json=fields)
    assert response.status_code == 201, response.text
    return str(response.json()["id"])


@dataclass
class SeededAccount:
    account_id: str
    contact_id: str
    opportunity_ids: list[str] = field(default_factory=list)


def seed_customer(
    sf: SfOrg,
    email: str,
    *,
    account: str = "Globex Corporation",
    opportunities: int = 6,
    **contact_fields: Any,
) -> SeededAccount:
    """An Account with a Contact of `email` and `opportunities` Opportunities.

    Close dates run from 2024-01-01 (oldest) a month apart, so the newest are the last made.
    Stages cycle through STAGES; amounts are 1000 * (i + 1), except the second, which has none.
    """
    account_id = create(sf, "Account", Name=account)
    fields = {"LastName": "Doe", "FirstName": "Jane", "Title": "VP Operations"}
    fields |= {"LeadSource": "Web", **contact_fields}
    contact_id = create(sf, "Contact", Email=email, AccountId=account_id, **fields)
    seeded = SeededAccount(account_id, contact_id)
    for i in range(opportunities):
        values: dict[str, Any] = {
            "Name": f"Deal {i + 1}",
            "StageName": STAGES[i % len(STAGES)],
            "CloseDate": f"2024-{i % 12 + 1:02d}-01",
            "AccountId": account_id,
        }
        if i != 1:
            values["Amount"] = 1000 * (i + 1)
        seeded.opportunity_ids.append(create(sf, "Opportunity", **values))
    return seeded


class FakeClock:
    """The card cache's clock, moved by hand."""

    def __init__(self, start: float = 1_700_000_000.0) -> None:
        self.now = start

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


def clear_cache() -> None:
    """Transactional tests reuse workspace ids and the cache table survives their flush."""
    cache.clear()


def card_url(contact: Contact) -> str:
    return reverse("inbox:card", args=["salesforce", contact.pk])


def view_card(client: Client, contact: Contact) -> str:
    response = client.get(card_url(contact), HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    return response.content.decode()
