"""The emulator's Setup pages in a real browser: saving apps, the apps table, revoking tokens."""

from __future__ import annotations

import secrets

import httpx
import pytest
from playwright.sync_api import Browser, Page, expect
from pytest_django.live_server_helper import LiveServer

from mailtrixy.integrations.models import Connection
from mailtrixy.integrations.salesforce.client import SalesforceClient
from mailtrixy.integrations.salesforce.errors import NeedsReconnect
from salesforce_emulator.testing import EmulatorServer, OrgSetup, setup_org
from tests.e2e.helpers import log_in, open_emulator_as
from tests.factories import make_team
from tests.integrations.salesforce.conftest import connect, make_org

WIDE_SCREEN = {"width": 1366, "height": 768}


def log_in_to_setup(page: Page, org: OrgSetup) -> None:
    open_emulator_as(page, org.base_url, org.username, org.password)
    page.get_by_role("link", name="Setup").click()
    expect(page.get_by_role("heading", name="Connected Apps", exact=True)).to_be_visible()


def revoke_in_oauth_usage(page: Page, app_name: str, username: str) -> None:
    """Setup → Connected Apps OAuth Usage → the app's user count → Revoke on the user's row."""
    page.get_by_role("link", name="Connected Apps OAuth Usage").click()
    page.get_by_role("link", name=f"Users of {app_name}").click()
    page.locator(f'tr[data-user="{username}"]').get_by_role("button", name="Revoke").click()


def test_creating_and_editing_a_connected_app_says_it_was_saved(
    page: Page, emulator: EmulatorServer
) -> None:
    org = setup_org(emulator)
    log_in_to_setup(page, org)
    page.get_by_label("Connected App Name").fill("Browser App")
    page.get_by_label("Callback URLs (one a line)").fill("http://127.0.0.1:9/cb")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("status")).to_have_text("Saved the Connected App “Browser App”.")
    expect(page.locator("#connected-apps")).to_contain_text("Browser App")

    page.get_by_role("link", name="Edit Browser App").click()
    expect(page.get_by_label("Connected App Name")).to_have_value("Browser App")
    page.get_by_label("Connected App Name").fill("Browser App Renamed")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("status")).to_have_text(
        "Saved the Connected App “Browser App Renamed”."
    )
    page.reload()
    expect(page.get_by_role("status")).to_have_count(1)  # the address still says saved=…
    page.get_by_role("link", name="Connected Apps", exact=True).click()
    expect(page.get_by_role("status")).to_have_count(0)


def test_the_apps_table_fits_a_1366_px_window_and_keys_copy_whole(
    browser: Browser, emulator: EmulatorServer
) -> None:
    org = setup_org(emulator)
    key = "3MVG9" + secrets.token_urlsafe(64)  # as long as Salesforce's consumer keys
    callback = "https://mail.example.com/oauth/salesforce/callback?tenant=" + "x" * 60
    org.server.control.create_app(org.org_id, key, secrets.token_hex(32).upper(), callback)
    context = browser.new_context(viewport=WIDE_SCREEN)
    page = context.new_page()
    try:
        log_in_to_setup(page, org)
        sizes = page.evaluate(
            """() => {
                const table = document.querySelector('#connected-apps');
                return {table: table.scrollWidth, box: table.parentElement.clientWidth,
                        page: document.documentElement.scrollWidth, viewport: window.innerWidth};
            }"""
        )
        assert sizes["table"] <= sizes["box"] and sizes["table"] <= sizes["viewport"], sizes
        assert sizes["page"] <= sizes["viewport"], sizes  # no horizontal scroll bar
        spilling = page.locator("#connected-apps td").evaluate_all(
            "(cells) => cells.filter((c) => c.scrollWidth > c.clientWidth).map((c) => c.innerText)"
        )
        assert spilling == []  # no value runs into its neighbour either
        cell = page.locator("[data-consumer-key]", has_text=key)
        expect(cell).to_be_visible()
        copied = cell.evaluate(
            """(element) => {
                const range = document.createRange();
                range.selectNodeContents(element);
                const selection = window.getSelection();
                selection.removeAllRanges();
                selection.addRange(range);
                const clipped = element.scrollWidth > element.clientWidth;
                return {text: selection.toString(), clipped: clipped};
            }"""
        )
        assert copied == {"text": key, "clipped": False}  # wrapped, not cut: it copies whole
    finally:
        context.close()


def test_revoking_a_user_in_oauth_usage_ends_their_tokens(
    page: Page, emulator: EmulatorServer
) -> None:
    org = setup_org(emulator)
    tokens = org.tokens()
    log_in_to_setup(page, org)
    page.get_by_role("link", name="Connected Apps OAuth Usage").click()
    row = page.locator(f'tr[data-app="{org.app_key}"]')
    expect(row.get_by_role("link", name=f"Users of {org.app_key}")).to_have_text("1")
    page.get_by_role("link", name="Connected Apps", exact=True).click()
    revoke_in_oauth_usage(page, org.app_key, org.username)
    expect(page.get_by_role("status")).to_contain_text(
        f"Revoked Test User {org.username[4:14]}'s access to {org.app_key}"
    )
    expect(page.locator("tr[data-user]")).to_have_count(0)
    page.get_by_role("link", name="Back to Connected Apps OAuth Usage").click()
    expect(page.locator(f'tr[data-app="{org.app_key}"]')).to_have_count(0)

    rest = httpx.get(
        f"{org.base_url}/services/data/v62.0/limits",
        headers={"Authorization": f"Bearer {tokens['access_token']}"},
    )
    assert rest.status_code == 401 and rest.json()[0]["errorCode"] == "INVALID_SESSION_ID"
    form = {"grant_type": "refresh_token", "refresh_token": tokens["refresh_token"],
            "client_id": org.app_key, "client_secret": org.app_secret}  # fmt: skip
    refused = httpx.post(f"{org.base_url}/services/oauth2/token", data=form)
    assert refused.status_code == 400 and refused.json()["error"] == "invalid_grant"


def test_mailtrixy_needs_reconnect_at_its_next_call_after_a_revoke_in_oauth_usage(
    page: Page, emulator: EmulatorServer, live_server: LiveServer, transactional_db: None
) -> None:
    team = make_team("Acme")
    sf = make_org(emulator)
    connection = connect(team, sf)
    open_emulator_as(page, sf.url, sf.username, sf.password)
    page.get_by_role("link", name="Setup").click()
    revoke_in_oauth_usage(page, sf.key, sf.username)
    expect(page.get_by_role("status")).to_contain_text("access to")
    assert Connection.objects.get(pk=connection.pk).needs_reconnect is False  # not yet called

    with pytest.raises(NeedsReconnect):
        SalesforceClient(Connection.objects.get(pk=connection.pk)).request("GET", "limits")
    after = Connection.objects.get(pk=connection.pk)
    assert after.needs_reconnect and after.status_reason

    log_in(page, live_server.url, team.agent.user.username)
    page.goto(f"{live_server.url}/settings/integrations/")
    banner = page.get_by_role("alert").filter(has_text="Salesforce needs to be reconnected.")
    expect(banner).to_be_visible()
    expect(page.get_by_role("button", name="Reconnect")).to_be_visible()
