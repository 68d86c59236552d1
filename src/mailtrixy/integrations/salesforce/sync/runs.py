"""Sync runs as visible state: request one, claim it under a lease, finish it.

A run is QUEUED when asked for (on connect, by Sync Now, by the scheduler), RUNNING while a worker
holds its lease, and SUCCEEDED or FAILED at the end. The database allows one running and one
queued run per workspace: two workers never sync one workspace at once, and Sync Now during a run
queues exactly one more. A worker that dies leaves a lease that expires; the next worker to claim
the run takes it over and resumes from the saved cursors.
"""

from __future__ import annotations

import os
import socket
import threading
from datetime import timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from mailtrixy import metrics
from mailtrixy.accounts.models import Member
from mailtrixy.integrations.models import SyncRun, SyncRunStatus
from mailtrixy.integrations.salesforce.connection import PROVIDER


def lease() -> timedelta:
    """How long a claim holds without renewal: SALESFORCE_SYNC_LEASE_SECONDS (2 min by default)."""
    return timedelta(seconds=settings.SALESFORCE_SYNC_LEASE_SECONDS)


class SyncAlreadyQueued(Exception):
    def __init__(self, run: SyncRun) -> None:
        super().__init__("A sync is already queued for this workspace.")
        self.run = run


def worker_id() -> str:
    return f"{socket.gethostname()}:{os.getpid()}:{threading.get_ident()}"


def queued_run(workspace_id: int) -> SyncRun | None:
    return SyncRun.objects.filter(
        workspace_id=workspace_id, provider=PROVIDER, status=SyncRunStatus.QUEUED
    ).first()


def request_run(workspace_id: int, reason: str, member: Member | None = None) -> SyncRun:
    """Queue a run, or raise SyncAlreadyQueued with the run that already waits."""
    try:
        with transaction.atomic():
            return SyncRun.objects.create(
                workspace_id=workspace_id, provider=PROVIDER, reason=reason, requested_by=member
            )
    except IntegrityError:
        waiting = queued_run(workspace_id)
        if waiting is None:  # it was claimed between our insert and this read: queue again
            return request_run(workspace_id, reason, member)
        raise SyncAlreadyQueued(waiting) from None


def claim(run_id: int, owner: str) -> SyncRun | None:
    """Take the run if it is queued or its lease expired.

    None when another worker holds it, or when another run of the workspace is running (the
    database refuses a second running run); that run's worker starts this one when it finishes.
    """
    now = timezone.now()
    claimable = Q(status=SyncRunStatus.QUEUED) | Q(
        status=SyncRunStatus.RUNNING, lease_until__lt=now
    )
    try:
        with transaction.atomic():
            updated = SyncRun.objects.filter(claimable, pk=run_id).update(
                status=SyncRunStatus.RUNNING, lease_owner=owner, lease_until=now + lease()
            )
    except IntegrityError:
        return None
    if not updated:
        return None
    run = SyncRun.objects.get(pk=run_id)
    run.attempts += 1
    run.started_at = run.started_at or now
    run.save(update_fields=["attempts", "started_at"])
    return run


def renew(run: SyncRun, progress: dict[str, object] | None = None) -> bool:
    """Extend the lease while working, saving progress so far; False when the lease was lost."""
    changes: dict[str, object] = {"lease_until": timezone.now() + lease()}
    if progress is not None:
        changes["stats"] = progress
    updated = SyncRun.objects.filter(
        pk=run.pk, status=SyncRunStatus.RUNNING, lease_owner=run.lease_owner
    ).update(**changes)
    return bool(updated)


def finish(run: SyncRun, *, error: str = "") -> None:
    run.status = SyncRunStatus.FAILED if error else SyncRunStatus.SUCCEEDED
    run.error = error
    run.finished_at = timezone.now()
    run.lease_until = None
    run.save(update_fields=["status", "error", "finished_at", "lease_until", "stats", "api_calls"])
    metrics.record_sync_run(run.status, run.duration_seconds, run.stats or {})  # issue 7: metrics


def expired_runs() -> list[int]:
    """Runs whose worker stopped renewing the lease (it died): to be resumed elsewhere."""
    return list(
        SyncRun.objects.filter(
            status=SyncRunStatus.RUNNING, lease_until__lt=timezone.now()
        ).values_list("pk", flat=True)
    )
