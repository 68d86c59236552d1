"""Per-record sync problems: kept where admins see them, retried with backoff, cleared on success.

A record that failed is retried after 2, 4, 8 … minutes (at most 6 hours) — or at once when an
admin clicks Retry — so one broken record does not cost API calls on every run.
"""

from __future__ import annotations

from datetime import timedelta

from django.db.models import F
from django.utils import timezone

from mailtrixy.integrations.salesforce.models import SyncIssue

MAX_BACKOFF = timedelta(hours=6)


def backoff(attempts: int) -> timedelta:
    return min(timedelta(minutes=2 ** min(attempts, 10)), MAX_BACKOFF)


class IssueLog:
    def __init__(self, workspace_id: int) -> None:
        self.workspace_id = workspace_id
        self._recorded: set[tuple[str, int | None, str]] = set()
        # Usually few or none: load their keys once so success can clear them cheaply.
        rows = SyncIssue.objects.filter(workspace_id=workspace_id).values_list(
            "sobject", "local_id", "salesforce_id", "retry_after"
        )
        self._open = {(s, local, sf) for s, local, sf, _ in rows}
        now = timezone.now()
        self._waiting = {
            (s, local) for s, local, _, after in rows if local is not None and after and after > now
        }

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
        key = (sobject, local_id, salesforce_id)
        again_this_run = key in self._recorded  # the pull and the push both met it: one attempt
        self._recorded.add(key)
        if key in self._open:
            SyncIssue.objects.filter(
                workspace_id=self.workspace_id,
                sobject=sobject,
                local_id=local_id,
                salesforce_id=salesforce_id,
            ).update(
                attempts=F("attempts") + (0 if again_this_run else 1),
                error_code=code,
                message=message,
                record_name=name[:255],
                last_seen=timezone.now(),
            )
            if not again_this_run:
                self._defer(key)
            return
        SyncIssue.objects.create(
            workspace_id=self.workspace_id,
            sobject=sobject,
            local_id=local_id,
            salesforce_id=salesforce_id,
            record_name=name[:255],
            error_code=code,
            message=message,
            retry_after=timezone.now() + backoff(1),
        )
        self._open.add(key)

    @property
    def count(self) -> int:
        """How many records had a problem in this run (a record the pull and the push both
        found is one)."""
        return len(self._recorded)

    def _defer(self, key: tuple[str, int | None, str]) -> None:
        issue = SyncIssue.objects.filter(
            workspace_id=self.workspace_id, sobject=key[0], local_id=key[1], salesforce_id=key[2]
        ).first()
        if issue is not None:
            issue.retry_after = timezone.now() + backoff(issue.attempts)
            issue.save(update_fields=["retry_after"])

    def waiting(self, sobject: str, local_id: int | None) -> bool:
        """The record failed recently and waits for its next try."""
        return (sobject, local_id) in self._waiting

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


def retry_now(workspace_id: int, issue_id: int | None = None) -> int:
    """An admin's Retry: the record (or every failing record) is tried on the next run."""
    issues = SyncIssue.objects.filter(workspace_id=workspace_id)
    if issue_id is not None:
        issues = issues.filter(pk=issue_id)
    return issues.update(retry_after=None)
