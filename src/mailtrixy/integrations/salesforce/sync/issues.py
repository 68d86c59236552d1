"""Per-record sync problems: kept where admins see them, retried every run, cleared on success."""

from __future__ import annotations

from django.db.models import F
from django.utils import timezone

from mailtrixy.integrations.salesforce.models import SyncIssue


class IssueLog:
    def __init__(self, workspace_id: int) -> None:
        self.workspace_id = workspace_id
        self.count = 0
        # Usually few or none: load their keys once so success can clear them cheaply.
        self._open = set(
            SyncIssue.objects.filter(workspace_id=workspace_id).values_list(
                "sobject", "local_id", "salesforce_id"
            )
        )

    def record(
        self,
        sobject: str,
        *,
        local_id: int | None,
        salesforce_id: str = "",
        name: str = "",
        code: str,
        message: str,
    ) -> None:
        self.count += 1
        key = (sobject, local_id, salesforce_id)
        if key in self._open:
            SyncIssue.objects.filter(
                workspace_id=self.workspace_id,
                sobject=sobject,
                local_id=local_id,
                salesforce_id=salesforce_id,
            ).update(
                attempts=F("attempts") + 1,
                error_code=code,
                message=message,
                record_name=name[:255],
                last_seen=timezone.now(),
            )
            return
        SyncIssue.objects.create(
            workspace_id=self.workspace_id,
            sobject=sobject,
            local_id=local_id,
            salesforce_id=salesforce_id,
            record_name=name[:255],
            error_code=code,
            message=message,
        )
        self._open.add(key)

    def resolve(self, sobject: str, *, local_id: int | None, salesforce_id: str = "") -> None:
        key = (sobject, local_id, salesforce_id)
        if key not in self._open:
            return
        SyncIssue.objects.filter(
            workspace_id=self.workspace_id,
            sobject=sobject,
            local_id=local_id,
            salesforce_id=salesforce_id,
        ).delete()
        self._open.discard(key)

    def resolve_any(self, sobject: str, local_id: int | None, salesforce_id: str) -> None:
        """Clear issues recorded under either identity of the record."""
        self.resolve(sobject, local_id=local_id, salesforce_id=salesforce_id)
        self.resolve(sobject, local_id=local_id, salesforce_id="")
        self.resolve(sobject, local_id=None, salesforce_id=salesforce_id)
