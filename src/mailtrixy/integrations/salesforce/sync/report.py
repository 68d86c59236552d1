"""What people see of the sync: progress, recent runs, failing records, conflicts."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet

from mailtrixy.integrations.models import SyncRun, SyncRunStatus
from mailtrixy.integrations.salesforce.conflicts import report_views
from mailtrixy.integrations.salesforce.connection import PROVIDER, get_connection
from mailtrixy.integrations.salesforce.models import StageMapping, SyncConflict, SyncIssue
from mailtrixy.integrations.salesforce.sync.stats import RunCounts, counted

RECENT_RUNS = 5
FINISHED = (SyncRunStatus.SUCCEEDED, SyncRunStatus.FAILED)


@dataclass(frozen=True)
class RunRow:
    """A run as the status and the runs table show it (counts so far while it runs)."""

    run: SyncRun
    counts: RunCounts
    api_calls: int


def run_row(run: SyncRun) -> RunRow:
    stats = run.stats or {}
    api_calls = run.api_calls or stats.get("api_calls", 0)
    return RunRow(run=run, counts=counted(stats), api_calls=int(api_calls or 0))


def _runs(workspace_id: int) -> QuerySet[SyncRun]:
    return SyncRun.objects.filter(workspace_id=workspace_id, provider=PROVIDER)


def sync_state(workspace_id: int) -> dict[str, Any]:
    """The status and the recent runs, both read from one query so they cannot disagree.

    The active runs are always among the newest: at most one is running and one queued, and runs
    start in the order they were queued, so the newest five hold them and the last finished one.
    """
    recent = [run_row(run) for run in _runs(workspace_id)[:RECENT_RUNS]]
    running = next((r for r in recent if r.run.status == SyncRunStatus.RUNNING), None)
    queued = next((r for r in recent if r.run.status == SyncRunStatus.QUEUED), None)
    return {
        "running": running,
        "queued": queued,
        "active": running or queued,
        "last": next((r for r in recent if r.run.status in FINISHED), None),
        "recent": recent,
    }


def settings_state(workspace_id: int) -> dict[str, Any]:
    """What Settings → Integrations shows of the sync: the state, failing records, conflicts.

    The poll during a run asks only for `sync_state`: records and conflicts are read once a page.
    """
    return {
        **sync_state(workspace_id),
        "issues": list(SyncIssue.objects.filter(workspace_id=workspace_id)[:50]),
        "issue_count": SyncIssue.objects.filter(workspace_id=workspace_id).count(),
        "conflicts": report_views(
            workspace_id, list(SyncConflict.objects.filter(workspace_id=workspace_id)[:10])
        ),
    }


def full_report(workspace_id: int) -> dict[str, Any]:
    return {
        "connection": get_connection(workspace_id),
        "runs": [run_row(r) for r in _runs(workspace_id)[:50]],
        "issues": SyncIssue.objects.filter(workspace_id=workspace_id)[:500],
        "conflicts": report_views(
            workspace_id, list(SyncConflict.objects.filter(workspace_id=workspace_id)[:200])
        ),
        "mappings": StageMapping.objects.filter(workspace_id=workspace_id).select_related("stage"),
    }
