"""Which syncs are due, for any number of connections, without a timer per connection.

Every minute one round (a periodic job, run by whichever worker takes it) asks the database, in a
fixed number of statements however many connections there are:
- runs whose worker died (lease expired) and queued runs whose job was lost, to resume;
- connections whose turn it is, to queue a run for.

Turns spread connections evenly over SALESFORCE_SYNC_INTERVAL: the interval is cut into one slot
per round (a minute each), and a workspace's slot is its id modulo the number of slots. A
connection is queued in its slot when its last run was queued more than half an interval ago, so
a thousand connections made at once settle into their own slots within one interval and are then
synced once per interval each. A connection that was never synced is due at once, and one that
missed its slot (no round ran then) is queued as soon as it is two intervals behind.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.db.models import F, Max, OuterRef, Q, Subquery, Value
from django.db.models.functions import Mod
from django.utils import timezone

from mailtrixy.integrations.models import Connection, ConnectionStatus, SyncRun, SyncRunStatus
from mailtrixy.integrations.salesforce.connection import PROVIDER
from mailtrixy.integrations.salesforce.sync import runs

LOST_JOB_AFTER = timedelta(minutes=2)
ROUND_SECONDS = 60
"""How often the periodic round runs (sync/jobs.py: every minute)."""


def due_runs(now: datetime | None = None) -> list[int]:
    """Ids of the runs to start now: resumed ones and newly queued ones."""
    now = now or timezone.now()
    due = [*runs.expired_runs(), *_lost_queued_runs(now)]
    for workspace_id in due_workspaces(now):
        try:
            due.append(runs.request_run(workspace_id, reason="scheduled").pk)
        except runs.SyncAlreadyQueued:
            continue
    return due


def slot_count() -> int:
    return max(1, settings.SALESFORCE_SYNC_INTERVAL // ROUND_SECONDS)


def slot_at(now: datetime) -> int:
    """The slot whose turn it is at `now`."""
    return int(now.timestamp() // ROUND_SECONDS) % slot_count()


def due_workspaces(now: datetime) -> list[int]:
    """Workspaces whose connection should be queued now (one statement)."""
    interval = timedelta(seconds=settings.SALESFORCE_SYNC_INTERVAL)
    last_queued = (
        SyncRun.objects.filter(workspace_id=OuterRef("workspace_id"), provider=PROVIDER)
        .values("workspace_id")
        .annotate(last=Max("queued_at"))
        .values("last")
    )
    its_turn = Q(slot=slot_at(now), last_queued__lt=now - interval / 2)
    rows = (
        Connection.objects.filter(provider=PROVIDER, status=ConnectionStatus.CONNECTED)
        .filter(Q(paused_until__isnull=True) | Q(paused_until__lt=now))
        .annotate(
            last_queued=Subquery(last_queued),
            slot=Mod(F("workspace_id"), Value(slot_count())),
        )
        .filter(Q(last_queued__isnull=True) | its_turn | Q(last_queued__lt=now - 2 * interval))
        .values_list("workspace_id", flat=True)
    )
    return list(rows)


def _lost_queued_runs(now: datetime) -> list[int]:
    return list(
        SyncRun.objects.filter(
            provider=PROVIDER,
            status=SyncRunStatus.QUEUED,
            queued_at__lt=now - LOST_JOB_AFTER,
        ).values_list("pk", flat=True)
    )
