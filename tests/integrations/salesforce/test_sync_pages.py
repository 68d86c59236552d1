"""Settings → Integrations and the sync report say what the syncs did, and the same thing."""

from __future__ import annotations

import html
import re
from datetime import timedelta

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from mailtrixy.integrations.models import Connection, SyncRun, SyncRunStatus
from mailtrixy.integrations.salesforce.models import SyncConflict, SyncIssue
from mailtrixy.integrations.salesforce.sync import runs
from tests.factories import Team

COUNTS = {"contacts_created": 40, "deals_created": 23, "deals_updated": 2, "conflicts": 1}


def text_of(fragment: str) -> str:
    """What a person reads in some HTML: its text, spaces collapsed."""
    without_tags = re.sub(r"<[^>]+>", " ", fragment)
    return " ".join(html.unescape(without_tags).split())


def history_row(page: str, run: SyncRun) -> str:
    """The text of the run's row in the runs table ('' when the table has no row for it)."""
    found = re.search(rf'<tr data-run="{run.pk}".*?</tr>', page, re.S)
    return text_of(found.group(0)) if found else ""


def finished_run(team: Team, stats: dict[str, int], *, ago: timedelta) -> SyncRun:
    now = timezone.now()
    return SyncRun.objects.create(
        workspace=team.workspace,
        provider="salesforce",
        reason="manual",
        status=SyncRunStatus.SUCCEEDED,
        started_at=now - ago - timedelta(seconds=3),
        finished_at=now - ago,
        stats=stats,
        api_calls=4,
    )


def settings_page(client: Client) -> str:
    return client.get(reverse("integrations:member_settings")).content.decode()


def test_history_shows_counts_from_and_to_salesforce_per_object(
    agent_client: Client, connected: Connection, team: Team
) -> None:
    run = finished_run(team, COUNTS, ago=timedelta(minutes=3))
    page = settings_page(agent_client)
    assert "<th>From Salesforce</th>" in page and "<th>To Salesforce</th>" in page
    row = history_row(page, run)
    assert "40 contacts added; 2 deals updated" in row
    assert "23 opportunities created" in row
    assert "Created" not in page and "Pushed" not in page


def test_status_tells_the_last_sync_in_the_same_words_as_the_history(
    agent_client: Client, connected: Connection, team: Team
) -> None:
    finished_run(team, COUNTS, ago=timedelta(minutes=3))
    status = text_of(settings_page(agent_client))
    assert (
        "Last sync: completed 3 minutes ago — From Salesforce: 40 contacts added; "
        "2 deals updated. To Salesforce: 23 opportunities created. 1 conflict."
    ) in status


def test_a_sync_that_just_finished_says_just_now(
    agent_client: Client, connected: Connection, team: Team
) -> None:
    finished_run(team, {}, ago=timedelta(seconds=5))
    page = text_of(settings_page(agent_client))
    assert "Last sync: completed just now — no changes." in page
    assert "0 minutes" not in page and "0 seconds" not in page


def test_a_failing_record_due_now_is_tried_at_the_next_sync(
    agent_client: Client, connected: Connection, team: Team
) -> None:
    SyncIssue.objects.create(
        workspace=team.workspace,
        sobject="Opportunity",
        local_id=1,
        record_name="Soon",
        error_code="UNABLE_TO_LOCK_ROW",
        message="Record locked",
        retry_after=timezone.now() + timedelta(seconds=30),
    )
    SyncIssue.objects.create(
        workspace=team.workspace,
        sobject="Opportunity",
        local_id=2,
        record_name="Later",
        error_code="UNABLE_TO_LOCK_ROW",
        message="Record locked",
        retry_after=timezone.now() + timedelta(minutes=8, seconds=10),
    )
    page = text_of(settings_page(agent_client))
    assert "Soon Record locked UNABLE_TO_LOCK_ROW 1 in under a minute" in page
    assert "Later Record locked UNABLE_TO_LOCK_ROW 1 in 8 minutes" in page
    assert "0 minutes" not in page


def test_the_polled_status_brings_the_history_of_the_same_runs(
    agent_client: Client, connected: Connection, team: Team
) -> None:
    """While a sync is active the page polls one fragment: the status and the runs table."""
    earlier = finished_run(team, {"contacts_created": 5}, ago=timedelta(hours=1))
    run = runs.request_run(team.workspace.pk, "manual")
    page = settings_page(agent_client)
    assert "Queued" in history_row(page, run)  # the new run is in the history at once

    claimed = runs.claim(run.pk, "test-worker")
    assert claimed is not None
    runs.renew(claimed, {"contacts_created": 12})
    polled = agent_client.get(reverse("salesforce:sync_status")).content.decode()
    assert f"Sync #{run.pk} is running… so far: From Salesforce: 12 contacts added." in (
        text_of(polled)
    )
    assert 'id="salesforce-sync-runs" hx-swap-oob="true"' in polled
    assert "Syncing" in history_row(polled, run) and "12 contacts added" in history_row(polled, run)
    assert "Completed" in history_row(polled, earlier)

    claimed.refresh_from_db()
    claimed.stats = {"contacts_created": 12, "deals_created": 1}
    runs.finish(claimed)
    polled = agent_client.get(reverse("salesforce:sync_status")).content.decode()
    assert "hx-trigger" not in polled  # nothing left to wait for: polling stops here
    assert "Last sync: completed just now" in text_of(polled)
    row = history_row(polled, run)
    assert "Completed" in row and "12 contacts added" in row and "1 opportunity created" in row


def test_sync_report_shows_counts_from_and_to_salesforce(
    admin_client_: Client, connected: Connection, team: Team
) -> None:
    run = finished_run(team, COUNTS, ago=timedelta(minutes=3))
    page = admin_client_.get(reverse("salesforce:sync_report")).content.decode()
    row = history_row(page, run)
    assert "40 contacts added; 2 deals updated" in row and "23 opportunities created" in row
    assert "Created" not in page and "Pushed" not in page


def test_the_poll_reads_runs_only_not_failing_records_or_conflicts(
    agent_client: Client, connected: Connection, team: Team
) -> None:
    """The page polls every 2 s during a run; what the poll does not show, it does not read."""
    runs.request_run(team.workspace.pk, "manual")
    with CaptureQueriesContext(connection) as queries:
        assert agent_client.get(reverse("salesforce:sync_status")).status_code == 200
    read = " ".join(q["sql"] for q in queries.captured_queries)
    assert SyncRun._meta.db_table in read
    assert SyncIssue._meta.db_table not in read
    assert SyncConflict._meta.db_table not in read
