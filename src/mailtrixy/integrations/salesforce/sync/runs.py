"""Sync runs as visible state: request one, claim it under a lease, finish it.

A run is QUEUED when asked for (on connect, by Sync Now, by the scheduler), RUNNING while a worker
holds its lease, and SUCCEEDED or FAILED at the end. The database allows one unfinished run per
workspace, so two workers never sync one workspace at once; a worker that dies leaves a lease that
expires, and the next worker to claim the run takes it over.
"""

from __future__ import annotations

import os
import socket
import threading
from datetime import timedelta

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from mailtrixy.accounts.models import Member
from mailtrixy.integrations.models import SyncRun, SyncRunStatus
from mailtrixy.integrations.salesforce.connection import PROVIDER

LEASE = timedelta(minutes=2)


class SyncAlreadyActive(Exception):
    def __init__(self, run: SyncRun) -> None:
        super().__init__("A sync is already queued or running for this workspace.")
        self.run = run


def worker_id() -> str:
    return f"{socket.gethostname()}:{os.getpid()}:{threading.get_ident()}"


def active_run(workspace_id: int) -> SyncRun | None:
    return SyncRun.objects.filter(
        workspace_id=workspace_id,
        provider=PROVIDER,
        status__in=[SyncRunStatus.QUEUED, SyncRunStatus.RUNNING],
    ).first()


def latest_runs(workspace_id: int, count: int = 5) -> list[SyncRun]:
    return list(SyncRun.objects.filter(workspace_id=workspace_id, provider=PROVIDER)[:count])


def request_run(workspace_id: int, reason: str, member: Member | None = None) -> SyncRun:
    """Queue a run, or raise SyncAlreadyActive with the run that is queued or running."""
    try:
        with transaction.atomic():
            return SyncRun.objects.create(
                workspace_id=workspace_id, provider=PROVIDER, reason=reason, requested_by=member
            )
    except IntegrityError:
        run = active_run(workspace_id)
        if run is None:  # it finished between our insert and this read: try once more
            return SyncRun.objects.create(
                workspace_id=workspace_id, provider=PROVIDER, reason=reason, requested_by=member
            )
        raise SyncAlreadyActive(run) from None


def claim(run_id: int, owner: str) -> SyncRun | None:
    """Take the run if it is queued or its lease expired; None when another worker holds it."""
    now = timezone.now()
    claimable = Q(status=SyncRunStatus.QUEUED) | Q(
        status=SyncRunStatus.RUNNING, lease_until__lt=now
    )
    with transaction.atomic():
        updated = SyncRun.objects.filter(claimable, pk=run_id).update(
            status=SyncRunStatus.RUNNING, lease_owner=owner, lease_until=now + LEASE
        )
        if not updated:
            return None
        run = SyncRun.objects.get(pk=run_id)
        run.attempts += 1
        run.started_at = run.started_at or now
        run.save(update_fields=["attempts", "started_at"])
        return run


def renew(run: SyncRun) -> bool:
    """Extend the lease while working; False when it was lost (another worker took over)."""
    updated = SyncRun.objects.filter(
        pk=run.pk, status=SyncRunStatus.RUNNING, lease_owner=run.lease_owner
    ).update(lease_until=timezone.now() + LEASE)
    return bool(updated)


def finish(run: SyncRun, *, error: str = "") -> None:
    run.status = SyncRunStatus.FAILED if error else SyncRunStatus.SUCCEEDED
    run.error = error
    run.finished_at = timezone.now()
    run.lease_until = None
    run.save(update_fields=["status", "error", "finished_at", "lease_until", "stats"])


def expired_runs() -> list[int]:
    """Runs whose worker stopped renewing the lease (it died): to be resumed elsewhere."""
    return list(
        SyncRun.objects.filter(
            status=SyncRunStatus.RUNNING, lease_until__lt=timezone.now()
        ).values_list("pk", flat=True)
    )
