from __future__ import annotations

import re

from playwright.sync_api import Page, expect
from pytest_django.live_server_helper import LiveServer

from tests.e2e.helpers import log_in
from tests.factories import make_contact, make_conversation, make_team


def test_agent_opens_conversation_and_toggles_details_panel(
    page: Page, live_server: LiveServer, transactional_db: None
) -> None:
    team = make_team("Acme")
    contact = make_contact(team.workspace, "jane.doe@globex.example", title="CTO")
    make_conversation(contact, subject="Invoice question")

    log_in(page, live_server.url, team.agent.user.username)
    page.get_by_role("link", name=re.compile("Invoice question")).click()
    panel = page.get_by_role("complementary", name="Details")
    expect(panel).to_be_hidden()

    toggle = page.locator(".conversation-header [data-panel-toggle]")
    toggle.click()
    expect(panel).to_be_visible()
    card = panel.locator('[data-card="contact"]')
    expect(card).to_contain_text("Jane Doe")
    expect(card).to_contain_text("jane.doe@globex.example")
    toggle.click()
    expect(panel).to_be_hidden()


def test_agent_gets_403_on_admin_integrations(
    page: Page, live_server: LiveServer, transactional_db: None
) -> None:
    team = make_team("Acme")
    log_in(page, live_server.url, team.agent.user.username)
    expect(page.get_by_role("link", name="Admin")).to_have_count(0)
    response = page.goto(f"{live_server.url}/admin/settings/integrations/")
    assert response is not None and response.status == 403
    expect(page.get_by_role("heading", name="Not allowed")).to_be_visible()


def test_member_of_a_gets_404_for_conversation_of_b(
    page: Page, live_server: LiveServer, transactional_db: None
) -> None:
    a, b = make_team("Team A"), make_team("Team B")
    theirs = make_conversation(make_contact(b.workspace), subject="B's secret")
    log_in(page, live_server.url, a.agent.user.username)
    response = page.goto(f"{live_server.url}/conversations/{theirs.pk}/")
    assert response is not None and response.status == 404
    expect(page.get_by_text("B's secret")).to_have_count(0)


def test_admin_opens_admin_integrations(
    page: Page, live_server: LiveServer, transactional_db: None
) -> None:
    team = make_team("Acme")
    log_in(page, live_server.url, team.admin.user.username)
    page.get_by_role("link", name="Admin").click()
    expect(page.get_by_role("heading", name="Admin · Settings · Integrations")).to_be_visible()
    expect(page.get_by_role("region", name="Salesforce")).to_be_visible()
