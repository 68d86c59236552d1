"""The sync's background jobs: run one sync, and the periodic round that schedules them."""

from __future__ import annotations

import logging
import uuid

from django.core.cache import cache
from django.db import transaction

from mailtrixy import jobs
from mailtrixy.accounts.models import Member
from mailtrixy.integrations.models import SyncRun
from mailtrixy.integrations.salesforce.sync import runs, schedule
from mailtrixy.integrations.salesforce.sync.execute import execute

log = logging.getLogger(__name__)

ROUND_LOCK = "salesforce:schedule-round:lock"
ROUND_LOCK_SECONDS = 50


def enqueue_sync(workspace_id: int, reason: str, member: Member | None = None) -> SyncRun:
    """Queue a sync run and its job (after the current transaction commits).

    Raises runs.SyncAlreadyQueued when one already waits (one may run meanwhile).
    """
    run = runs.request_run(workspace_id, reason, member)
    transaction.on_commit(lambda: run_sync(run.pk))
    return run


@jobs.job(retries=0)
def run_sync(run_id: int) -> None:
    execute(run_id, runs.worker_id(), start_next=run_sync)


@jobs.periodic_job(jobs.crontab(minute="*"))
def schedule_round() -> None:
    """Every minute: queue the syncs that are due, and resume runs whose worker died.

    Every worker's scheduler enqueues this round; one runs at a time (a lock in the shared cache
    that expires), since two rounds reading at once could both queue one workspace.
    """
    token = uuid.uuid4().hex
    if not cache.add(ROUND_LOCK, token, timeout=ROUND_LOCK_SECONDS):
        log.info("Another worker is running the schedule round; skipping this one.")
        return
    try:
        due = schedule.due_runs()
        for run_id in due:
            run_sync(run_id)
        log.info("Schedule round started %d sync runs.", len(due), extra={"runs_started": len(due)})
    finally:
        if cache.get(ROUND_LOCK) == token:
            cache.delete(ROUND_LOCK)
