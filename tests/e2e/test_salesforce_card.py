"""The Salesforce card in a real browser, against the Salesforce emulator."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from django.core.cache import cache
from django.test import override_settings
from playwright.sync_api import Page, expect
from pytest_django.live_server_helper import LiveServer

from salesforce_emulator.testing import EmulatorServer
from tests.e2e.helpers import log_in
from tests.factories import make_contact, make_conversation, make_team
from tests.integrations.salesforce.card_support import seed_customer
from tests.integrations.salesforce.conftest import connect, make_org


@pytest.fixture(autouse=True)
def _patient_card() -> Iterator[None]:
    with override_settings(SALESFORCE_CARD_TIMEOUT=15):  # a busy machine must not hide the card
        yield


def test_agent_sees_the_salesforce_card_and_opens_the_contact_in_salesforce(
    page: Page,
    live_server: LiveServer,
    transactional_db: None,
    emulator: EmulatorServer,
) -> None:
    cache.clear()  # the cache table outlives other transactional tests' data
    team = make_team("Acme")
    sf = make_org(emulator)
    connect(team, sf)
    seeded = seed_customer(sf, "jane.doe@globex.example", opportunities=6)
    contact = make_contact(team.workspace, "jane.doe@globex.example")
    make_conversation(contact, subject="Renewal question")

    log_in(page, live_server.url, team.agent.user.username)
    page.get_by_role("link", name=re.compile("Renewal question")).click()
    page.locator(".conversation-header [data-panel-toggle]").click()
    panel = page.get_by_role("complementary", name="Details")
    card = panel.locator('section[data-card="salesforce"]')  # the slot shares the name

    expect(card).to_be_visible()
    expect(card.locator('[data-field="account"]')).to_have_text("Globex Corporation")
    expect(card.locator('[data-field="title"]')).to_have_text("VP Operations")
    expect(card.locator('[data-field="lead-source"]')).to_have_text("Web")
    # Below the Contact card.
    cards = panel.locator("[data-card]:not(.card-slot)")
    expect(cards.first).to_have_attribute("data-card", "contact")
    rows = card.locator(".sf-opportunity")
    expect(rows).to_have_count(5)
    expect(rows.locator(".sf-opportunity-name")).to_have_text(
        ["Deal 6", "Deal 5", "Deal 4", "Deal 3", "Deal 2"]
    )
    expect(rows.locator(".pill")).to_have_text(["Won", "Won", "Open", "Open", "Lost"])
    expect(rows.locator('[data-field="amount"]')).to_have_text(
        ["USD 6,000.00", "USD 5,000.00", "USD 4,000.00", "USD 3,000.00", "—"]
    )
    expect(rows.locator('[data-field="stage"]')).to_have_text(
        ["Closed Won", "Closed Won", "Negotiation/Review", "Prospecting", "Closed Lost"]
    )

    link = card.get_by_role("link", name="Open in Salesforce")
    record_path = f"/lightning/r/Contact/{seeded.contact_id}/view"
    expect(link).to_have_attribute("href", f"{sf.url}{record_path}")
    with page.expect_popup() as popup_info:
        link.click()
    salesforce = popup_info.value
    # The emulator asks who is there first, as Salesforce does, then shows the record.
    salesforce.get_by_label("Username").fill(sf.username)
    salesforce.get_by_label("Password").fill(sf.password)
    salesforce.get_by_role("button", name="Log In").click()
    expect(salesforce).to_have_url(f"{sf.url}{record_path}")
    expect(salesforce.get_by_role("heading", level=1)).to_have_text("Jane Doe")
