"""Running one claimed sync run: the engine's work between claim and finish."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import timedelta

from django.utils import timezone

from mailtrixy.integrations.models import Connection, SyncRun
from mailtrixy.integrations.salesforce import connection as connections
from mailtrixy.integrations.salesforce.errors import (
    ApiLimitExceeded,
    SalesforceError,
    explain,
)
from mailtrixy.integrations.salesforce.sync import runs
from mailtrixy.integrations.salesforce.sync.engine import BUDGET_GUARD, SyncEngine
from mailtrixy.observability.context import log_context

log = logging.getLogger(__name__)

PAUSE_WHEN_LIMITED = timedelta(hours=1)


class LeaseLost(Exception):
    """Another worker took the run over (this one stalled past its lease)."""


def execute(run_id: int, owner: str, start_next: Callable[[int], object]) -> None:
    """Claim and run `run_id`; then hand the workspace's queued run, if any, to `start_next`."""
    run = runs.claim(run_id, owner)
    if run is None:
        return  # another worker holds it, or another run of the workspace is running
    try:
        with log_context(workspace_id=run.workspace_id, run_id=run.pk):
            _run(run)
    finally:
        waiting = runs.queued_run(run.workspace_id)
        if waiting is not None:
            start_next(waiting.pk)


def _run(run: SyncRun) -> None:
    connection = connections.get_connection(run.workspace_id)
    if connection is None:
        runs.finish(run, error="Salesforce is not connected for this workspace.")
        return
    if connection.needs_reconnect:
        runs.finish(run, error=connection.status_reason or "Reconnect Salesforce.")
        return
    engine = SyncEngine(connection, heartbeat=lambda progress: _renew_or_stop(run, progress))
    try:
        with log_context(connection_id=connection.pk):
            run.stats = engine.run()
    except LeaseLost:
        log.warning("Sync run %s was taken over by another worker; stopping here.", run.pk)
        return
    except ApiLimitExceeded as error:
        # Our own budget guard explains itself; Salesforce's refusal gets the standard words.
        reason = error.message if error.error_code == BUDGET_GUARD else explain(error)
        _pause(connection, reason)
        _finish(run, engine, reason)
    except SalesforceError as error:
        log.warning("Sync run %s failed: %s", run.pk, error.message)
        _finish(run, engine, explain(error))
    except Exception:
        log.exception("Sync run %s failed unexpectedly.", run.pk)
        _finish(run, engine, "The sync failed unexpectedly; it will be tried again.")
        raise
    else:
        _finish(run, engine, "")


def _finish(run: SyncRun, engine: SyncEngine, error: str) -> None:
    run.api_calls = engine.api_calls
    if error:
        run.stats = engine.stats.as_dict()
    runs.finish(run, error=error)


def _renew_or_stop(run: SyncRun, progress: dict[str, object]) -> None:
    """Keep the lease and show progress; stop if another worker has taken the run over."""
    if not runs.renew(run, progress):
        raise LeaseLost()


def _pause(connection: Connection, reason: str) -> None:
    Connection.objects.filter(pk=connection.pk).update(
        paused_until=timezone.now() + PAUSE_WHEN_LIMITED, paused_reason=reason
    )
