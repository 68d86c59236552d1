"""The product page's Setup and two-way sync, done by people in a real browser."""

from __future__ import annotations

import os
import re
from decimal import Decimal
from pathlib import Path

from playwright.sync_api import Page, expect

from mailtrixy.integrations.models import Connection
from mailtrixy.integrations.salesforce.models import DealLink
from salesforce_emulator.testing import EmulatorServer
from tests.e2e.helpers import log_in
from tests.factories import Team, make_deal, make_team
from tests.integrations.salesforce.conftest import SfOrg, connect, make_org


def snapshot(page: Page, name: str) -> None:
    """With DOC_SCREENSHOTS=docs/images the walk-through refreshes the admin guide's images."""
    folder = os.environ.get("DOC_SCREENSHOTS")
    if folder:
        page.screenshot(path=str(Path(folder) / f"{name}.png"), full_page=True)


def log_in_to_emulator(page: Page, sf: SfOrg) -> None:
    page.get_by_label("Username").fill(sf.username)
    page.get_by_label("Password").fill(sf.password)
    page.get_by_role("button", name="Log In").click()


def test_admin_sets_up_member_connects_then_disconnects(
    page: Page, site: str, emulator: EmulatorServer, transactional_db: None
) -> None:
    team = make_team("Acme")
    sf = make_org(emulator)
    sf.control.create_app(
        sf.org_id, sf.key + "-live", sf.secret, f"{site}/oauth/salesforce/callback"
    )
    key = sf.key + "-live"

    log_in(page, site, team.admin.user.username)
    page.goto(f"{site}/admin/settings/integrations/")
    page.get_by_role("link", name="Set up Salesforce").click()
    expect(page.locator("#callback-url")).to_have_text(f"{site}/oauth/salesforce/callback")
    expect(page.locator("#scopes")).to_have_text("api refresh_token offline_access")
    page.get_by_label("Consumer Key").fill(key)
    page.get_by_label("Consumer Secret").fill(sf.secret)
    page.get_by_role("radio", name="My Domain URL").check()
    page.get_by_role("textbox", name="My Domain URL").fill(sf.url)
    snapshot(page, "admin-setup")
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.get_by_text("Saved the Salesforce Connected App settings.")).to_be_visible()
    expect(page.get_by_text("A secret is saved (it is never shown)")).to_be_visible()
    assert sf.secret not in page.content()
    page.get_by_role("button", name="Log out").click()

    log_in(page, site, team.agent.user.username)
    page.goto(f"{site}/settings/integrations/")
    page.get_by_role("button", name="Connect").click()
    expect(page).to_have_url(re.compile(re.escape(sf.url) + "/services/oauth2/authorize"))
    snapshot(page, "salesforce-login")
    log_in_to_emulator(page, sf)
    snapshot(page, "salesforce-allow")
    page.get_by_role("button", name="Allow").click()
    expect(page).to_have_url(f"{site}/settings/integrations/")
    expect(page.get_by_text(f"Connected as {sf.username}")).to_be_visible()
    snapshot(page, "connected")
    expect(page.get_by_text(sf.org_id)).to_be_visible()
    refresh_token = Connection.objects.get(workspace=team.workspace).refresh_token

    expect(page.get_by_role("link", name="Disconnect…")).to_have_count(0)  # admins only
    page.get_by_role("button", name="Log out").click()

    log_in(page, site, team.admin.user.username)
    page.goto(f"{site}/settings/integrations/")
    page.get_by_role("link", name="Disconnect…").click()
    page.get_by_role("button", name="Disconnect Salesforce").click()
    expect(
        page.get_by_text("Disconnected Salesforce and revoked MailTrixy's access.")
    ).to_be_visible()
    assert sf.control.is_revoked(sf.org_id, refresh_token)
    expect(page.get_by_role("button", name="Connect")).to_be_visible()


def test_deal_edit_reaches_salesforce_and_stage_edit_comes_back(
    page: Page, site: str, emulator: EmulatorServer, worker: None
) -> None:
    team: Team = make_team("Acme")
    sf = make_org(emulator)
    connect(team, sf)
    deal = make_deal(team, stage="Lead")
    from tests.integrations.salesforce.sync_helpers import sync

    sync(Connection.objects.get(workspace=team.workspace))
    opportunity = DealLink.objects.get(deal=deal).salesforce_id

    log_in(page, site, team.agent.user.username)
    page.goto(f"{site}/deals/{deal.pk}/edit/")
    page.get_by_label("Amount").fill("4321.00")
    page.get_by_role("button", name="Save deal").click()
    page.goto(f"{site}/settings/integrations/")
    page.get_by_role("button", name="Sync Now").click()
    expect(page.get_by_text("Last sync: completed")).to_be_visible(timeout=30_000)

    record = page.context.new_page()
    record.goto(f"{sf.url}/lightning/r/Opportunity/{opportunity}/view")
    log_in_to_emulator(record, sf)
    expect(record.locator('[data-field="Amount"]')).to_contain_text("4321")
    record.locator("#f-StageName").select_option("Closed Won")
    record.get_by_role("button", name="Save").click()
    expect(record.locator('[data-field="StageName"]')).to_have_text("Closed Won")

    page.reload()
    page.get_by_role("button", name="Sync Now").click()
    expect(page.get_by_text(re.compile(r"Queued sync #\d+"))).to_be_visible()
    # A person waits for the sync, then looks at the deals list again.
    expect(page.locator("[data-sync-state=queued], [data-sync-state=running]")).to_have_count(
        0, timeout=30_000
    )
    page.goto(f"{site}/deals/")
    expect(page.get_by_role("row", name=re.compile("Annual plan"))).to_contain_text("Won")
    deal.refresh_from_db()
    assert deal.stage.name == "Won" and deal.amount == Decimal("4321.00")
