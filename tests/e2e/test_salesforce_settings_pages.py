"""The Salesforce settings pages in a real browser: a new key needs its secret, Test connection
says whether Salesforce accepts the pair, and Disconnect is confirmed and keeps the history."""

from __future__ import annotations

import uuid

from django.utils import timezone
from playwright.sync_api import Page, expect

from mailtrixy.integrations.models import AppCredentials, Connection, SyncRun
from salesforce_emulator.testing import EmulatorServer
from tests.e2e.helpers import log_in
from tests.factories import make_team
from tests.integrations.salesforce.conftest import CALLBACK, connect, make_org, save_app


def test_admin_changes_the_key_then_tests_the_connection(
    page: Page, site: str, emulator: EmulatorServer, transactional_db: None
) -> None:
    team = make_team("Acme")
    sf = make_org(emulator)
    save_app(team, sf)
    new_key, new_secret = f"key-{uuid.uuid4().hex}", uuid.uuid4().hex
    sf.control.create_app(sf.org_id, new_key, new_secret, CALLBACK)

    log_in(page, site, team.admin.user.username)
    page.goto(f"{site}/admin/settings/integrations/salesforce/")
    page.get_by_label("Consumer Key").fill(new_key)
    page.get_by_role("button", name="Save", exact=True).click()
    expect(
        page.get_by_text(
            "You changed the Consumer Key: enter the Consumer Secret of the same app too."
        )
    ).to_be_visible()
    expect(page.get_by_label("Consumer Key")).to_have_value(new_key)  # what was typed
    assert AppCredentials.objects.get(workspace=team.workspace).client_id == sf.key

    page.get_by_label("Consumer Secret").fill("not-the-secret")
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.get_by_text("Saved the Salesforce Connected App settings.")).to_be_visible()
    page.get_by_role("button", name="Test connection").click()
    expect(
        page.get_by_text("knows the Consumer Key but refused the Consumer Secret")
    ).to_be_visible()
    assert "not-the-secret" not in page.content()

    page.get_by_label("Consumer Secret").fill(new_secret)
    page.get_by_role("button", name="Save", exact=True).click()
    page.get_by_role("button", name="Test connection").click()
    expect(page.get_by_text("accepted the Consumer Key and Secret")).to_be_visible()
    assert new_secret not in page.content()


def test_disconnect_is_confirmed_by_an_admin_and_keeps_the_history(
    page: Page, site: str, emulator: EmulatorServer, transactional_db: None
) -> None:
    team = make_team("Acme")
    sf = make_org(emulator)
    connection = connect(team, sf)
    run = SyncRun.objects.create(
        workspace=team.workspace,
        provider="salesforce",
        reason="manual",
        status="succeeded",
        started_at=timezone.now(),
        finished_at=timezone.now(),
    )

    log_in(page, site, team.agent.user.username)
    page.goto(f"{site}/settings/integrations/")
    expect(page.get_by_text(f"Connected as {sf.username}")).to_be_visible()
    expect(page.get_by_role("link", name="Disconnect…")).to_have_count(0)
    page.get_by_role("button", name="Log out").click()

    log_in(page, site, team.admin.user.username)
    page.goto(f"{site}/settings/integrations/")
    page.get_by_role("link", name="Disconnect…").click()
    expect(page.get_by_role("heading", name="Disconnect Salesforce?")).to_be_visible()
    expect(page.get_by_text("revokes MailTrixy's access at Salesforce")).to_be_visible()
    expect(page.get_by_text("keeps the sync history")).to_be_visible()
    page.get_by_role("link", name="Cancel").click()
    expect(page.get_by_text(f"Connected as {sf.username}")).to_be_visible()
    assert Connection.objects.filter(pk=connection.pk).exists()

    page.get_by_role("link", name="Disconnect…").click()
    page.get_by_role("button", name="Disconnect Salesforce").click()
    expect(
        page.get_by_text("Disconnected Salesforce and revoked MailTrixy's access.")
    ).to_be_visible()
    expect(page.get_by_role("button", name="Connect")).to_be_visible()
    page.get_by_text("Recent syncs").click()
    expect(page.get_by_role("cell", name=str(run.pk), exact=True)).to_be_visible()
    assert sf.control.is_revoked(sf.org_id, connection.refresh_token)
