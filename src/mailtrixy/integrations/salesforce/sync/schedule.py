"""Which syncs are due, for any number of connections, without a timer per connection.

Every minute one round (a periodic job, run by whichever worker takes it) asks the database:
connections whose last run was queued more than SALESFORCE_SYNC_INTERVAL ago get a new run;
runs whose worker died (lease expired) and queued runs whose job was lost are resumed. Runs spread
out by themselves: each connection is due one interval after its own last run.
"""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.db.models import Max, OuterRef, Q, Subquery
from django.utils import timezone

from mailtrixy.integrations.models import Connection, ConnectionStatus, SyncRun, SyncRunStatus
from mailtrixy.integrations.salesforce.connection import PROVIDER
from mailtrixy.integrations.salesforce.sync import runs

LOST_JOB_AFTER = timedelta(minutes=2)


def due_runs() -> list[int]:
    now = timezone.now()
    interval = timedelta(seconds=settings.SALESFORCE_SYNC_INTERVAL)
    due = [*runs.expired_runs(), *_lost_queued_runs(now)]
    for workspace_id in _due_workspaces(now - interval):
        try:
            due.append(runs.request_run(workspace_id, reason="scheduled").pk)
        except runs.SyncAlreadyQueued:
            continue
    return due


def _due_workspaces(before: object) -> list[int]:
    last_queued = (
        SyncRun.objects.filter(workspace_id=OuterRef("workspace_id"), provider=PROVIDER)
        .values("workspace_id")
        .annotate(last=Max("queued_at"))
        .values("last")
    )
    rows = (
        Connection.objects.filter(provider=PROVIDER, status=ConnectionStatus.CONNECTED)
        .filter(Q(paused_until__isnull=True) | Q(paused_until__lt=timezone.now()))
        .annotate(last_queued=Subquery(last_queued))
        .filter(Q(last_queued__isnull=True) | Q(last_queued__lt=before))
        .values_list("workspace_id", flat=True)
    )
    return list(rows)


def _lost_queued_runs(now: object) -> list[int]:
    return list(
        SyncRun.objects.filter(
            provider=PROVIDER,
            status=SyncRunStatus.QUEUED,
            queued_at__lt=now - LOST_JOB_AFTER,  # type: ignore[operator]
        ).values_list("pk", flat=True)
    )
