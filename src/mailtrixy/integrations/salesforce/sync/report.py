"""What people see of the sync: progress, recent runs, failing records, conflicts."""

from __future__ import annotations

from typing import Any

from mailtrixy.integrations.models import SyncRun, SyncRunStatus
from mailtrixy.integrations.salesforce.conflicts import report_views
from mailtrixy.integrations.salesforce.connection import PROVIDER, get_connection
from mailtrixy.integrations.salesforce.models import StageMapping, SyncConflict, SyncIssue

# The run table's columns: (label, keys of the run's stats added together).
RUN_COLUMNS = [
    ("Pulled", ("contacts_fetched", "deals_fetched")),
    ("Created", ("contacts_created", "deals_created")),
    ("Updated", ("contacts_updated", "deals_updated", "contacts_linked", "contacts_restored")),
    ("Pushed", ("contacts_pushed", "deals_pushed")),
    ("Deleted", ("deals_deleted",)),
    ("Archived", ("contacts_archived", "deals_archived")),
    ("Conflicts", ("conflicts",)),
    ("Errors", ("issues",)),
]


def run_row(run: SyncRun) -> dict[str, Any]:
    stats = run.stats or {}
    counts = [sum(int(stats.get(key, 0) or 0) for key in keys) for _, keys in RUN_COLUMNS]
    return {"run": run, "counts": counts, "api_calls": run.api_calls or stats.get("api_calls", 0)}


def sync_state(workspace_id: int) -> dict[str, Any]:
    runs = SyncRun.objects.filter(workspace_id=workspace_id, provider=PROVIDER)
    running = runs.filter(status=SyncRunStatus.RUNNING).first()
    queued = runs.filter(status=SyncRunStatus.QUEUED).first()
    last = runs.filter(status__in=[SyncRunStatus.SUCCEEDED, SyncRunStatus.FAILED]).first()
    return {
        "running": running,
        "queued": queued,
        "active": running or queued,
        "progress": run_row(running) if running else None,
        "last": last,
        "columns": [label for label, _ in RUN_COLUMNS],
        "recent": [run_row(r) for r in runs.exclude(status=SyncRunStatus.QUEUED)[:5]],
        "issues": list(SyncIssue.objects.filter(workspace_id=workspace_id)[:50]),
        "issue_count": SyncIssue.objects.filter(workspace_id=workspace_id).count(),
        "conflicts": list(SyncConflict.objects.filter(workspace_id=workspace_id)[:10]),
    }


def full_report(workspace_id: int) -> dict[str, Any]:
    runs = SyncRun.objects.filter(workspace_id=workspace_id, provider=PROVIDER)[:50]
    return {
        "connection": get_connection(workspace_id),
        "columns": [label for label, _ in RUN_COLUMNS],
        "runs": [run_row(r) for r in runs],
        "issues": SyncIssue.objects.filter(workspace_id=workspace_id)[:500],
        "conflicts": report_views(
            workspace_id, list(SyncConflict.objects.filter(workspace_id=workspace_id)[:200])
        ),
        "mappings": StageMapping.objects.filter(workspace_id=workspace_id).select_related("stage"),
    }
