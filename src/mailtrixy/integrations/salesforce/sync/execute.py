"""Running one claimed sync run: the engine's work between claim and finish."""

from __future__ import annotations

import logging

from mailtrixy.integrations.salesforce import connection as connections
from mailtrixy.integrations.salesforce.errors import SalesforceError, explain
from mailtrixy.integrations.salesforce.sync import runs
from mailtrixy.integrations.salesforce.sync.engine import SyncEngine

log = logging.getLogger(__name__)


def execute(run_id: int, owner: str) -> None:
    run = runs.claim(run_id, owner)
    if run is None:
        return  # another worker holds it, or it already finished
    connection = connections.get_connection(run.workspace_id)
    if connection is None:
        runs.finish(run, error="Salesforce is not connected for this workspace.")
        return
    if connection.needs_reconnect:
        runs.finish(run, error=connection.status_reason or "Reconnect Salesforce.")
        return
    try:
        run.stats = SyncEngine(connection, heartbeat=lambda: runs.renew(run)).run()
    except SalesforceError as error:
        log.warning("Sync run %s failed: %s", run.pk, error.message)
        runs.finish(run, error=explain(error))
        return
    except Exception:
        log.exception("Sync run %s failed unexpectedly.", run.pk)
        runs.finish(run, error="The sync failed unexpectedly; it will be tried again.")
        raise
    runs.finish(run)
