"""Sync runs people can see and trust: Sync Now, one run at a time, budget, pauses, retries."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from mailtrixy.integrations.models import AppCredentials, Connection, SyncRun, SyncRunStatus
from mailtrixy.integrations.salesforce.models import StageMapping, SyncIssue
from mailtrixy.integrations.salesforce.sync import runs, schedule
from mailtrixy.integrations.salesforce.sync.execute import execute
from tests.factories import Team, make_deal
from tests.integrations.salesforce.conftest import SfOrg


def run_now(run_id: int) -> list[int]:
    started: list[int] = []
    execute(run_id, "test-worker", start_next=started.append)
    return started


def test_sync_now_queues_a_run_and_says_so(
    agent_client: Client, connected: Connection, team: Team
) -> None:
    response = agent_client.post(reverse("salesforce:sync_now"), follow=True)
    run = SyncRun.objects.get(workspace=team.workspace)
    assert run.status == SyncRunStatus.QUEUED and run.reason == "manual"
    assert f"Queued sync #{run.pk}".encode() in response.content


def test_sync_now_during_a_run_queues_exactly_one_more(connected: Connection, team: Team) -> None:
    first = runs.request_run(team.workspace.pk, "manual")
    assert runs.claim(first.pk, "worker-a") is not None
    second = runs.request_run(team.workspace.pk, "manual")
    with pytest.raises(runs.SyncAlreadyQueued) as already:
        runs.request_run(team.workspace.pk, "manual")
    assert already.value.run.pk == second.pk
    assert runs.claim(second.pk, "worker-b") is None  # one running at a time


def test_finishing_a_run_starts_the_queued_one(
    connected: Connection, sf_org: SfOrg, team: Team
) -> None:
    first = runs.request_run(team.workspace.pk, "connected")
    assert runs.claim(first.pk, "worker-that-died") is not None
    second = runs.request_run(team.workspace.pk, "manual")  # Sync Now during the run
    SyncRun.objects.filter(pk=first.pk).update(lease_until=timezone.now() - timedelta(seconds=1))
    assert run_now(first.pk) == [second.pk]  # taken over, finished, and hands on the next
    first.refresh_from_db()
    assert first.status == SyncRunStatus.SUCCEEDED
    assert first.api_calls == sf_org.api_calls() == 1  # an empty org: the opening Composite
    assert run_now(second.pk) == []
    second.refresh_from_db()
    assert second.status == SyncRunStatus.SUCCEEDED


def test_an_expired_lease_lets_another_worker_resume_the_run(
    connected: Connection, team: Team
) -> None:
    run = runs.request_run(team.workspace.pk, "scheduled")
    assert runs.claim(run.pk, "worker-that-died") is not None
    assert runs.claim(run.pk, "worker-b") is None
    SyncRun.objects.filter(pk=run.pk).update(lease_until=timezone.now() - timedelta(seconds=1))
    assert run.pk in schedule.due_runs()
    taken = runs.claim(run.pk, "worker-b")
    assert taken is not None and taken.attempts == 2


def test_scheduler_queues_due_connections_once(connected: Connection, team: Team) -> None:
    due = schedule.due_runs()
    (run,) = SyncRun.objects.filter(workspace=team.workspace)
    assert due == [run.pk]
    assert (run.status, run.reason) == (SyncRunStatus.QUEUED, "scheduled")
    assert schedule.due_runs() == []  # queued now: not due again, no second queued run


def test_run_pauses_before_the_api_budget_is_spent(
    connected: Connection, sf_org: SfOrg, team: Team
) -> None:
    AppCredentials.objects.filter(workspace=team.workspace).update(api_budget_percent=50)
    Connection.objects.filter(pk=connected.pk).update(
        api_usage=8000, api_limit=15000, api_usage_at=timezone.now()
    )
    run = runs.request_run(team.workspace.pk, "manual")
    run_now(run.pk)
    run.refresh_from_db()
    assert run.status == SyncRunStatus.FAILED
    assert "8000 of its 15000" in run.error and "50%" in run.error
    assert sf_org.api_calls() == 0
    connected.refresh_from_db()
    assert connected.paused_until and connected.paused_until > timezone.now()
    assert schedule.due_runs() == []  # paused connections are not scheduled


def test_request_limit_exceeded_pauses_the_connection(
    connected: Connection, sf_org: SfOrg, team: Team
) -> None:
    sf_org.control.set_faults(sf_org.org_id, daily_api_limit=1)
    sf_org.rest("GET", "limits")  # uses the only request of the day
    sf_org.control.set_faults(sf_org.org_id, daily_api_limit=1)
    run = runs.request_run(team.workspace.pk, "manual")
    run_now(run.pk)
    run.refresh_from_db()
    assert run.status == SyncRunStatus.FAILED
    assert "daily API allowance" in run.error
    connected.refresh_from_db()
    assert connected.paused_until and connected.paused_until > timezone.now()
    assert schedule.due_runs() == []  # paused connections are not scheduled


def test_rotated_refresh_token_mid_run_is_saved_and_the_run_completes(
    team: Team, emulator: object
) -> None:
    from tests.integrations.salesforce.conftest import connect, make_org

    sf = make_org(emulator)  # type: ignore[arg-type]
    sf.control.create_app(sf.org_id, sf.key + "-r", sf.secret, "http://testserver/cb", rotate=True)
    sf.key += "-r"
    connection = connect(team, sf)
    sf.control.seed(sf.org_id, contacts=2500, seed=1)
    old_refresh = connection.refresh_token
    beats = {"n": 0}

    def expire_after_first_page(_: object) -> None:
        beats["n"] += 1
        if beats["n"] == 1:
            sf.control.expire_sessions(sf.org_id)

    from mailtrixy.integrations.salesforce.sync.engine import SyncEngine

    SyncEngine(Connection.objects.get(pk=connection.pk), heartbeat=expire_after_first_page).run()
    connection.refresh_from_db()
    assert connection.refresh_token != old_refresh
    assert team.workspace.contacts.count() == 2500


def test_retry_clears_the_backoff_and_queues_a_sync(
    agent_client: Client, connected: Connection, team: Team
) -> None:
    deal = make_deal(team)
    issue = SyncIssue.objects.create(
        workspace=team.workspace,
        sobject="Opportunity",
        local_id=deal.pk,
        error_code="UNABLE_TO_LOCK_ROW",
        message="locked",
        retry_after=timezone.now() + timedelta(hours=1),
    )
    response = agent_client.post(reverse("salesforce:retry"), {"issue": issue.pk}, follow=True)
    issue.refresh_from_db()
    assert issue.retry_after is None
    assert b"will be tried again now" in response.content
    assert SyncRun.objects.filter(workspace=team.workspace, status="queued").exists()


def test_settings_page_shows_runs_failures_and_usage(
    agent_client: Client, connected: Connection, sf_org: SfOrg, team: Team
) -> None:
    run = runs.request_run(team.workspace.pk, "manual")
    run_now(run.pk)
    SyncIssue.objects.create(
        workspace=team.workspace,
        sobject="Opportunity",
        local_id=1,
        record_name="Big deal",
        error_code="FIELD_CUSTOM_VALIDATION_EXCEPTION",
        message="Amount must be positive",
    )
    page = agent_client.get(reverse("integrations:member_settings")).content.decode()
    assert "Last sync: completed" in page
    assert "Recent syncs" in page and "API calls" in page
    assert "Amount must be positive" in page and "FIELD_CUSTOM_VALIDATION_EXCEPTION" in page
    assert "Retry" in page
    assert "of 15000 requests" in page


def test_admin_stage_mapping_refuses_a_stage_of_another_kind(
    admin_client_: Client, connected: Connection, team: Team
) -> None:
    page = admin_client_.get(reverse("salesforce:stage_mapping"))
    assert page.status_code == 200
    won = team.stage("Won")
    form = {
        f"stage_{s.pk}": m.salesforce_stage
        for m in StageMapping.objects.select_related("stage")
        for s in [m.stage]
    }
    form[f"stage_{won.pk}"] = "Prospecting"
    response = admin_client_.post(reverse("salesforce:stage_mapping"), form)
    assert response.status_code == 200
    assert "is a won stage; choose a won stage in Salesforce" in response.content.decode()
    form[f"stage_{won.pk}"] = "Closed Won"
    response = admin_client_.post(reverse("salesforce:stage_mapping"), form)
    assert response.status_code == 302
    assert StageMapping.objects.get(stage=won).salesforce_stage == "Closed Won"


def test_agent_cannot_open_the_stage_mapping(agent_client: Client, connected: Connection) -> None:
    assert agent_client.get(reverse("salesforce:stage_mapping")).status_code == 403
