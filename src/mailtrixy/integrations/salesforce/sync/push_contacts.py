"""Sending edits of linked contacts back to Salesforce: the fields that differ from the base."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from typing import Any

from django.db.models import F, Q
from django.utils import timezone

from mailtrixy.bulk_update import PendingWrites
from mailtrixy.integrations.salesforce.models import ContactLink
from mailtrixy.integrations.salesforce.sync import mapping
from mailtrixy.integrations.salesforce.sync.issues import IssueLog
from mailtrixy.integrations.salesforce.sync.operations import (
    ItemResult,
    Operation,
    Settle,
    chunked_operations,
    first_error,
)
from mailtrixy.integrations.salesforce.sync.stats import Stats

SOBJECT = "Contact"


class ContactPush:
    def __init__(self, workspace_id: int, stats: Stats, issues: IssueLog) -> None:
        self.workspace_id = workspace_id
        self.stats = stats
        self.issues = issues
        self.settled = PendingWrites(ContactLink)
        """Links whose push was answered, written with the Composite's settlement."""

    def operations(self) -> Iterator[Operation]:
        return chunked_operations("PATCH", "composite/sobjects", self._items())

    def _items(self) -> Iterator[tuple[dict[str, Any], Settle]]:
        # Read time, not settle time: an edit made while we send stays pending for the next run.
        read_at = timezone.now()
        for link in self._candidates():
            if self.issues.waiting(SOBJECT, link.contact_id):
                continue
            changes = {
                attr: value
                for attr, value in mapping.contact_local(link.contact).items()
                if link.base.get(attr, "") != value
            }
            if not changes:
                self._settled(link, {}, read_at)
                continue
            record = {
                "attributes": {"type": SOBJECT},
                "id": link.salesforce_id,
                **mapping.contact_to_salesforce(changes),
            }
            yield record, self._settler(link, changes, read_at)

    def _candidates(self) -> Iterator[ContactLink]:
        dirty = Q(pending_push=True) | Q(contact__updated_at__gt=F("synced_at"))
        return (
            ContactLink.objects.filter(
                dirty,
                workspace_id=self.workspace_id,
                deleted_in_salesforce=False,
                contact__archived_at__isnull=True,
            )
            .select_related("contact")
            .order_by("pk")
            .iterator(chunk_size=1000)
        )

    def _settler(self, link: ContactLink, changes: dict[str, str], read_at: datetime) -> Settle:
        def settle(result: ItemResult) -> None:
            if result.get("success"):
                self._settled(link, changes, read_at)
                self.stats.add("contacts_pushed")
                return
            code, message = first_error(result)
            self.issues.record(
                SOBJECT,
                local_id=link.contact_id,
                salesforce_id=link.salesforce_id,
                name=link.contact.name,
                code=code,
                message=f"Salesforce refused the change to {link.contact.name}: {message}",
            )

        return settle

    def _settled(self, link: ContactLink, changes: dict[str, str], read_at: datetime) -> None:
        link.base = {**link.base, **changes}
        link.synced_at = read_at
        link.pending_push = False
        self.settled.add(link, ["base", "synced_at", "pending_push"])
        self.issues.resolve_any(SOBJECT, link.contact_id, link.salesforce_id)
