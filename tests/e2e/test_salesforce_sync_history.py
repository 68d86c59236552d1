"""Sync Now in a real browser: the history follows the live status, in the same words."""

from __future__ import annotations

from playwright.sync_api import Page, expect

from mailtrixy.integrations.models import SyncRun
from salesforce_emulator.testing import EmulatorServer
from tests.e2e.helpers import log_in
from tests.factories import make_deal, make_team
from tests.integrations.salesforce.conftest import connect, make_org


def test_sync_now_moves_its_history_row_from_running_to_completed_with_counts_per_direction(
    page: Page, site: str, emulator: EmulatorServer, worker: None
) -> None:
    team = make_team("Acme")
    sf = make_org(emulator)
    sf.control.seed(sf.org_id, contacts=5)
    connect(team, sf)
    make_deal(team)
    # Every Salesforce answer takes 3 s, so the run is seen running across several polls.
    sf.control.set_faults(sf.org_id, latency_ms=3000)

    log_in(page, site, team.agent.user.username)
    page.goto(f"{site}/settings/integrations/")
    page.get_by_role("button", name="Sync Now").click()
    run = SyncRun.objects.get(workspace=team.workspace)
    expect(page.get_by_text(f"Queued sync #{run.pk}.")).to_be_visible()
    page.get_by_text("Recent syncs").click()
    row = page.locator(f'#salesforce-sync-runs tr[data-run="{run.pk}"]')
    status = page.locator("#salesforce-sync-status")

    expect(row).to_have_attribute("data-run-state", "running", timeout=15_000)
    expect(row).to_contain_text("Syncing")
    expect(status).to_contain_text(f"Sync #{run.pk} is running")

    expect(row).to_have_attribute("data-run-state", "succeeded", timeout=60_000)
    expect(row.locator("td").nth(4)).to_have_text("5 contacts added")
    expect(row.locator("td").nth(5)).to_have_text("1 opportunity created")
    expect(status).to_contain_text(
        "Last sync: completed just now — From Salesforce: 5 contacts added. "
        "To Salesforce: 1 opportunity created."
    )
    expect(page.locator("[data-sync-state=running], [data-sync-state=queued]")).to_have_count(0)
