"""What people see of the sync: the current and last run, open issues, recent conflicts."""

from __future__ import annotations

from typing import Any

from mailtrixy.integrations.models import SyncRun, SyncRunStatus
from mailtrixy.integrations.salesforce.connection import PROVIDER, get_connection
from mailtrixy.integrations.salesforce.models import StageMapping, SyncConflict, SyncIssue


def sync_state(workspace_id: int) -> dict[str, Any]:
    runs = SyncRun.objects.filter(workspace_id=workspace_id, provider=PROVIDER)
    active = runs.filter(status__in=[SyncRunStatus.QUEUED, SyncRunStatus.RUNNING]).first()
    last = runs.filter(status__in=[SyncRunStatus.SUCCEEDED, SyncRunStatus.FAILED]).first()
    issues = SyncIssue.objects.filter(workspace_id=workspace_id).count()
    return {"active": active, "last": last, "issues": issues}


def full_report(workspace_id: int) -> dict[str, Any]:
    return {
        "connection": get_connection(workspace_id),
        "runs": SyncRun.objects.filter(workspace_id=workspace_id, provider=PROVIDER)[:20],
        "issues": SyncIssue.objects.filter(workspace_id=workspace_id)[:200],
        "conflicts": SyncConflict.objects.filter(workspace_id=workspace_id)[:100],
        "mappings": StageMapping.objects.filter(workspace_id=workspace_id).select_related("stage"),
    }
