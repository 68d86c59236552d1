"""A contact's conflict and Keep mine, and a deal's currency, in a real browser."""

from __future__ import annotations

from django.core.cache import cache
from playwright.sync_api import Page, expect
from pytest_django.live_server_helper import LiveServer

from mailtrixy.inbox.models import Contact, Deal
from salesforce_emulator.testing import EmulatorServer
from tests.e2e.helpers import log_in
from tests.factories import make_deal, make_team
from tests.integrations.salesforce.conftest import connect, make_org
from tests.integrations.salesforce.sync_helpers import create_contact, sf_contacts, sync


def test_agent_sees_a_conflict_on_the_contacts_page_and_keeps_mine(
    page: Page, live_server: LiveServer, transactional_db: None, emulator: EmulatorServer
) -> None:
    cache.clear()  # the cache table outlives other transactional tests' data
    team = make_team("Acme")
    sf = make_org(emulator)
    connection = connect(team, sf)
    sf_id = create_contact(sf, FirstName="Ann", LastName="Lee", Email="ann@globex.example")
    sync(connection)
    contact = Contact.objects.get(salesforce__salesforce_id=sf_id)
    contact.title = "Chief Technology Officer"
    contact.save()
    sf.rest("PATCH", f"sobjects/Contact/{sf_id}", json={"Title": "CEO"})
    sync(connection)  # Salesforce changed it last: Salesforce wins

    log_in(page, live_server.url, team.agent.user.username)
    page.get_by_role("link", name="Contacts").click()
    row = page.get_by_role("row", name="Ann Lee")
    expect(row.get_by_role("link", name="Open in Salesforce")).to_have_attribute(
        "href", f"{connection.instance_url}/lightning/r/Contact/{sf_id}/view"
    )
    row.get_by_role("link", name="Ann Lee").click()
    note = page.get_by_role("region", name="Salesforce conflicts")
    expect(note).to_contain_text("Title was changed on both sides")
    expect(note).to_contain_text("The sync kept Salesforce's value.")
    expect(note.locator('[data-side="mailtrixy"]')).to_have_text("Chief Technology Officer")
    expect(note.locator('[data-side="salesforce"]')).to_have_text("CEO")

    note.get_by_role("button", name="Keep mine").click()
    expect(
        page.get_by_role("status").filter(has_text="Kept MailTrixy's title for Ann Lee.")
    ).to_be_visible()
    expect(page.locator("dl.facts").first).to_contain_text("Chief Technology Officer")
    expect(note).to_contain_text("It is sent to Salesforce with the next sync.")
    expect(note.get_by_role("button", name="Keep mine")).to_have_count(0)

    sync(connection)  # the queued sync, run here rather than by a worker
    assert sf_contacts(sf)[sf_id]["Title"] == "Chief Technology Officer"
    page.reload()
    expect(note).to_contain_text("Salesforce has it now.")


def test_a_eur_deal_in_a_usd_only_org_is_refused_at_the_form(
    page: Page, live_server: LiveServer, transactional_db: None, emulator: EmulatorServer
) -> None:
    cache.clear()
    team = make_team("Acme")
    deal = make_deal(team)
    Deal.objects.filter(pk=deal.pk).update(currency="EUR")  # made before Salesforce was connected
    sync(connect(team, make_org(emulator)))

    log_in(page, live_server.url, team.agent.user.username)
    page.get_by_role("link", name="Deals").click()
    page.get_by_role("link", name="Annual plan").click()
    currency = page.get_by_label("Currency")
    expect(currency).to_have_value("EUR")
    page.get_by_role("button", name="Save deal").click()
    expect(page.get_by_role("alert")).to_have_text(
        "Salesforce takes deals only in USD, not EUR. Choose USD, or ask your Salesforce admin "
        "to turn on EUR there."
    )
    page.get_by_label("Currency").select_option("USD")
    page.get_by_role("button", name="Save deal").click()
    expect(page.get_by_role("status")).to_have_text("Saved deal “Annual plan”.")
    expect(page.get_by_role("row", name="Annual plan")).to_contain_text("USD 1,200.00")

    page.get_by_role("link", name="New deal").click()
    options = page.get_by_label("Currency").locator("option")
    expect(options).to_have_text(["USD"])
