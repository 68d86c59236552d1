"""Settings → Integrations says what is true where it is read: the reconnect banner, and an old
failure once a newer sync has started."""

from __future__ import annotations

from django.test import Client
from django.urls import reverse
from django.utils import timezone

from mailtrixy.integrations.models import Connection, SyncRun
from mailtrixy.integrations.salesforce import connection as connections
from mailtrixy.integrations.salesforce.errors import NeedsReconnect, explain
from tests.factories import Team

SETTINGS = "integrations:member_settings"
OLD_FAILURE = "Salesforce refused the request (MALFORMED_QUERY): unexpected token."


def finished_run(team: Team, error: str = "") -> SyncRun:
    return SyncRun.objects.create(
        workspace=team.workspace,
        provider="salesforce",
        reason="scheduled",
        status="failed" if error else "succeeded",
        error=error,
        started_at=timezone.now(),
        finished_at=timezone.now(),
    )


def test_reconnect_banner_does_not_send_you_to_the_page_you_are_on(
    agent_client: Client, connected: Connection, team: Team
) -> None:
    reason = explain(NeedsReconnect("expired access/refresh token"))
    connections.mark_needs_reconnect(connected.pk, reason)
    finished_run(team, error=reason)  # the run that met the refusal
    page = agent_client.get(reverse(SETTINGS)).content.decode()
    assert "Salesforce needs to be reconnected." in page
    assert "Click Reconnect below and sign in to Salesforce again." in page
    assert "in Settings → Integrations" not in page


def test_an_old_failure_is_not_shown_beside_a_newer_run(
    agent_client: Client, connected: Connection, team: Team
) -> None:
    finished_run(team, error=OLD_FAILURE)
    SyncRun.objects.create(workspace=team.workspace, provider="salesforce", reason="manual")
    page = agent_client.get(reverse(SETTINGS)).content.decode()
    assert "is queued" in page
    assert OLD_FAILURE not in page
    fragment = agent_client.get(reverse("salesforce:sync_status")).content.decode()
    assert "is queued" in fragment and OLD_FAILURE not in fragment


def test_the_latest_failure_is_shown_while_nothing_newer_runs(
    agent_client: Client, connected: Connection, team: Team
) -> None:
    finished_run(team)
    finished_run(team, error=OLD_FAILURE)
    page = agent_client.get(reverse(SETTINGS)).content.decode()
    assert f'<p class="banner" role="alert">{OLD_FAILURE}</p>' in page


def test_a_failure_followed_by_a_success_is_not_shown(
    agent_client: Client, connected: Connection, team: Team
) -> None:
    finished_run(team, error=OLD_FAILURE)
    finished_run(team)
    page = agent_client.get(reverse(SETTINGS)).content.decode()
    assert "Last sync: completed" in page and OLD_FAILURE not in page
