"""Salesforce's part of `mailtrixy sync --workspace X`: one sync now, in this process.

The run is an ordinary SyncRun (reason "manual"), claimed under a lease like any worker's, so it
never overlaps a worker's run of the same workspace: when one is running, this run waits queued
and that worker starts it when it finishes; this command follows it either way.
"""

from __future__ import annotations

import threading
import time
from typing import TextIO

from django.db import connection as db_connection

from mailtrixy.integrations.models import SyncRun, SyncRunStatus
from mailtrixy.integrations.salesforce import connection as connections
from mailtrixy.integrations.salesforce.sync import runs
from mailtrixy.integrations.salesforce.sync.execute import execute

POLL_SECONDS = 0.5


def sync_now(workspace_id: int, out: TextIO) -> int | None:
    """None when the workspace has no Salesforce connection; else the exit status."""
    connection = connections.get_connection(workspace_id)
    if connection is None:
        return None
    if connection.needs_reconnect:
        out.write(
            "Salesforce needs to be reconnected: "
            f"{connection.status_reason or 'the saved login was refused'}.\n"
        )
        return 1
    try:
        run = runs.request_run(workspace_id, "manual")
    except runs.SyncAlreadyQueued as already:
        run = already.run
    out.write(f"Salesforce sync #{run.pk} queued.\n")
    worker = threading.Thread(target=_execute, args=(run.pk,), daemon=True)
    worker.start()
    final = _follow(run.pk, out)
    worker.join()
    if final.status == SyncRunStatus.SUCCEEDED:
        calls = f"{final.api_calls} API call{'' if final.api_calls == 1 else 's'}"
        out.write(f"Sync #{final.pk} completed: {_summary(final)} ({calls}).\n")
        return 0
    out.write(f"Sync #{final.pk} failed: {final.error}\n")
    return 1


def _execute(run_id: int) -> None:
    from mailtrixy.integrations.salesforce.sync.jobs import run_sync

    try:
        execute(run_id, runs.worker_id(), start_next=run_sync)
    finally:
        db_connection.close()


def _follow(run_id: int, out: TextIO) -> SyncRun:
    """Print each change of state and progress until the run ends."""
    started, shown = time.monotonic(), ""
    while True:
        run = SyncRun.objects.get(pk=run_id)
        line = f"{run.get_status_display().lower()}: {_summary(run)}"
        if line != shown:
            out.write(f"[{time.monotonic() - started:6.1f}s] {line}\n")
            out.flush()
            shown = line
        if run.status in {SyncRunStatus.SUCCEEDED, SyncRunStatus.FAILED}:
            return run
        time.sleep(POLL_SECONDS)


def _summary(run: SyncRun) -> str:
    summary = (run.stats or {}).get("summary")
    if run.status == SyncRunStatus.QUEUED:
        return "waiting to start (after any sync of the workspace that is running)"
    return str(summary) if summary else "starting"
