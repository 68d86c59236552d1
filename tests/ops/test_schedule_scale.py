"""Scheduling that scales: the round costs a fixed number of statements however many
connections there are, and spreads runs evenly over the sync interval."""

from __future__ import annotations

from collections import Counter
from datetime import timedelta

import pytest
from django.test import override_settings
from django.utils import timezone

from mailtrixy.accounts.models import Workspace
from mailtrixy.integrations.models import Connection, SyncRun, SyncRunStatus
from mailtrixy.integrations.salesforce.sync import schedule


def connected_workspaces(count: int, last_synced_ago: timedelta) -> list[int]:
    """`count` connected workspaces, each with one finished run queued that long ago."""
    workspaces = Workspace.objects.bulk_create(Workspace(name=f"w{n}") for n in range(count))
    Connection.objects.bulk_create(
        Connection(
            workspace=w,
            provider="salesforce",
            access_token="access-token-of-a-test",
            refresh_token="refresh-token-of-a-test",
            instance_url="https://example.my.salesforce.com",
            external_org_id="00D000000000001",
            external_user_id="005000000000001",
            external_username="ann@example.com",
        )
        for w in workspaces
    )
    SyncRun.objects.bulk_create(
        SyncRun(workspace=w, provider="salesforce", status=SyncRunStatus.SUCCEEDED)
        for w in workspaces
    )
    SyncRun.objects.update(queued_at=timezone.now() - last_synced_ago)
    return [w.pk for w in workspaces]


def test_a_round_over_a_thousand_connections_with_nothing_due_costs_three_statements(
    db: None, django_assert_max_num_queries: pytest.FixtureRequest
) -> None:
    connected_workspaces(1000, last_synced_ago=timedelta(seconds=30))
    with django_assert_max_num_queries(3):  # type: ignore[operator]
        assert schedule.due_runs() == []


@override_settings(SALESFORCE_SYNC_INTERVAL=600)
def test_connections_made_at_once_spread_evenly_over_the_interval(db: None) -> None:
    ids = connected_workspaces(600, last_synced_ago=timedelta(0))  # all connected at once
    start = SyncRun.objects.values_list("queued_at", flat=True)[0]
    per_round: list[int] = []
    synced: Counter[int] = Counter()
    for n in range(1, 26):  # 25 rounds, one a minute
        now = start + timedelta(minutes=n)
        due = schedule.due_workspaces(now)
        per_round.append(len(due))
        synced.update(due)
        SyncRun.objects.filter(workspace_id__in=due).update(queued_at=now)
    slots = 10  # 600 s cut into one-minute slots
    assert max(per_round) <= len(ids) // slots  # never more than a slot's share at once
    assert per_round[:5] == [0] * 5  # nobody is due before half an interval passed
    # Then every connection once per interval: each 10-round window syncs all 600, once each.
    assert sum(per_round[5:15]) == len(ids) and sum(per_round[15:25]) == len(ids)
    assert set(synced.values()) == {2}


def test_a_connection_that_missed_its_slot_is_queued_once_two_intervals_behind(
    db: None,
) -> None:
    (workspace_id,) = connected_workspaces(1, last_synced_ago=timedelta(0))
    start = timezone.now()
    interval = timedelta(seconds=300)
    other_slot = next(
        start + interval + timedelta(minutes=m)
        for m in range(5)
        if schedule.slot_at(start + interval + timedelta(minutes=m))
        != workspace_id % schedule.slot_count()
    )
    assert schedule.due_workspaces(other_slot) == []
    assert schedule.due_workspaces(start + 2 * interval + timedelta(seconds=1)) == [workspace_id]
