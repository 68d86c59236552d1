"""A connection whose refresh token Salesforce refused: said plainly, paused, and resumed by
reconnecting. And the callback refuses a request that carries no state at all."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from mailtrixy.integrations.models import Connection, ConnectionStatus, SyncRun
from mailtrixy.integrations.salesforce.client import SalesforceClient
from mailtrixy.integrations.salesforce.errors import NeedsReconnect
from mailtrixy.integrations.salesforce.sync import execute, runs
from mailtrixy.integrations.salesforce.sync.schedule import due_workspaces
from tests.factories import Team
from tests.integrations.salesforce.authorize import authorize
from tests.integrations.salesforce.conftest import SfOrg
from tests.integrations.salesforce.test_connect import callback_path, start_connect


def _refused(connection: Connection, sf_org: SfOrg) -> None:
    """Salesforce refuses the saved refresh token (revoked by an admin, or the 5-approval cap)."""
    sf_org.control.revoke_refresh_tokens(sf_org.org_id)
    sf_org.control.expire_sessions(sf_org.org_id)
    with pytest.raises(NeedsReconnect):
        SalesforceClient(connection).query("SELECT Id FROM Contact")


def test_callback_without_state_is_refused(agent_client: Client, team: Team) -> None:
    response = agent_client.get(reverse("salesforce:callback"), {"code": "aPrxCode"})
    assert response.status_code == 400
    assert not Connection.objects.exists()


def test_needs_reconnect_shows_a_banner_in_settings_and_no_sync_now(
    connected: Connection, sf_org: SfOrg, agent_client: Client
) -> None:
    _refused(connected, sf_org)
    page = agent_client.get(reverse("integrations:member_settings")).content.decode()
    assert "Salesforce needs to be reconnected." in page
    assert "Syncing is paused until then." in page
    assert ">Reconnect</button>" in page and "Sync Now" not in page


def test_syncs_pause_while_the_connection_needs_reconnect(
    connected: Connection, sf_org: SfOrg, team: Team
) -> None:
    _refused(connected, sf_org)
    assert team.workspace.pk not in due_workspaces(timezone.now())  # the scheduler skips it
    run = runs.request_run(team.workspace.pk, "manual")
    sf_org.control.reset_counters(sf_org.org_id)
    execute.execute(run.pk, "test-worker", start_next=lambda _run_id: None)
    run.refresh_from_db()
    assert run.status == "failed" and "Reconnect Salesforce" in run.error
    assert sf_org.api_calls() == 0 and sf_org.counters()["oauth"] == {}  # nothing was tried


def test_reconnecting_resumes_syncing(
    connected: Connection, sf_org: SfOrg, team: Team, agent_client: Client,
    django_capture_on_commit_callbacks: object,
) -> None:  # fmt: skip
    _refused(connected, sf_org)
    back = authorize(start_connect(agent_client), sf_org.username, sf_org.password)
    with django_capture_on_commit_callbacks(execute=True):  # type: ignore[operator]
        agent_client.get(callback_path(back))
    connection = Connection.objects.get(workspace=team.workspace)
    assert connection.status == ConnectionStatus.CONNECTED and not connection.status_reason
    assert SyncRun.objects.filter(workspace=team.workspace, reason="connected").exists()
    SalesforceClient(connection).query("SELECT Id FROM Contact")  # works again
    page = agent_client.get(reverse("integrations:member_settings")).content.decode()
    assert "needs to be reconnected" not in page and "Sync Now" in page
