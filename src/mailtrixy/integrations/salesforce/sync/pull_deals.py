"""Applying pulled Opportunities to the deals they mirror.

Every Opportunity is read, but only those MailTrixy pushed (those with a link) are applied:
MailTrixy is where deals start, per the product page. Their changes flow into the deal by the same
three-way merge as contacts. An Opportunity deleted in Salesforce archives its deal (undelete
restores it); one whose deal was deleted in MailTrixy meanwhile keeps its link, so that an undelete
is met by the delete MailTrixy still owes. An Opportunity found by MailTrixy_Deal_Id__c whose
create answer was lost is adopted, not created again.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from mailtrixy.bulk_update import PendingWrites, snapshot
from mailtrixy.inbox.models import Deal
from mailtrixy.integrations.salesforce.models import DealLink, SyncConflict
from mailtrixy.integrations.salesforce.sync import mapping
from mailtrixy.integrations.salesforce.sync.issues import IssueLog
from mailtrixy.integrations.salesforce.sync.merge import changed_later, conflict_rows, merge_link
from mailtrixy.integrations.salesforce.sync.metadata import EXTERNAL_ID_FIELD, OrgMetadata
from mailtrixy.integrations.salesforce.sync.stages import StageError, StageMap
from mailtrixy.integrations.salesforce.sync.stats import Stats

SOBJECT = "Opportunity"
DELETED_REASON = "Opportunity deleted in Salesforce"
PULLED_FIELDS = (
    "salesforce_id",
    "remote_modstamp",
    "seen_mark",
    "deleted_in_salesforce",
    "base",
    "pending_push",
)
"""What a pull may change on a link; a link is written when one of them changed."""
MERGED_FIELDS = (*PULLED_FIELDS, "synced_at")
"""What a pull writes to a link it merged."""


def select_fields(metadata: OrgMetadata) -> str:
    """What the Opportunity pull reads. It reads every Opportunity, not only those carrying
    MailTrixy_Deal_Id__c: one MailTrixy pushed before the org had the field lacks it yet is ours
    (matched by Id), and a filter would hide it, so that a full reconcile took it for deleted."""
    fields = ["Id", "Name", "Amount", "StageName", "CloseDate", "IsWon", "IsClosed", "AccountId"]
    if metadata.multi_currency:
        fields.append("CurrencyIsoCode")
    if metadata.has_external_id:
        fields.append(EXTERNAL_ID_FIELD)
    return ", ".join([*fields, "IsDeleted", "SystemModstamp", "LastModifiedDate"])


class DealPull:
    def __init__(
        self,
        workspace_id: int,
        stats: Stats,
        issues: IssueLog,
        metadata: OrgMetadata,
        stages: StageMap,
        mark: int,
    ) -> None:
        self.workspace_id = workspace_id
        self.stats = stats
        self.issues = issues
        self.metadata = metadata
        self.stages = stages
        self.mark = mark
        self.changed_links = PendingWrites(DealLink)
        """The page's changed links, written together at its end (one save each was 3.5 s of
        a sync re-reading 10,000 Opportunities; bench/RESULTS.md)."""

    def apply_page(self, records: list[dict[str, Any]]) -> None:
        self.stats.add("deals_fetched", len(records))
        links = self._links(records)
        now = timezone.now()
        conflicts: list[SyncConflict] = []
        with transaction.atomic():
            for record in records:
                link = links.get(record["Id"]) or links.get(record.get(EXTERNAL_ID_FIELD) or "")
                if link is None:
                    continue  # not one of ours
                if record.get("IsDeleted"):
                    self._deleted(link, now)
                else:
                    conflicts.extend(self._merge(link, record, now))
            self.changed_links.write()
            if conflicts:
                SyncConflict.objects.bulk_create(conflicts)

    def _deleted(self, link: DealLink, now: datetime) -> None:
        link.seen_mark = self.mark
        if link.deleted_in_salesforce:
            self.changed_links.add(link, ["seen_mark"])
            return
        link.deleted_in_salesforce = True  # a deal deleted in MailTrixy too: nothing to send
        self.changed_links.add(link, ["deleted_in_salesforce", "seen_mark"])
        if link.deal is not None:
            Deal.objects.filter(pk=link.deal.pk).update(
                archived_at=now, archived_reason=DELETED_REASON
            )
            self.stats.add("deals_archived")

    def _merge(self, link: DealLink, record: dict[str, Any], now: datetime) -> list[SyncConflict]:
        deal = link.deal
        before = _saved_state(link)
        link.salesforce_id = record["Id"]  # adopts a create whose answer was lost
        link.remote_modstamp = record["SystemModstamp"]
        link.seen_mark = self.mark
        if deal is None:  # deleted in MailTrixy; the push deletes the Opportunity (again, if
            # it was undeleted in Salesforce meanwhile)
            link.deleted_in_salesforce = False
            self.changed_links.add(
                link, ["salesforce_id", "remote_modstamp", "seen_mark", "deleted_in_salesforce"]
            )
            return []
        restored = link.deleted_in_salesforce
        link.deleted_in_salesforce = False
        local, remote, stage_error = self._values(deal, record)
        merged = merge_link(
            link.base,
            link.pending_push,
            local,
            remote,
            local_is_newer=changed_later(deal.updated_at, record),
            take=lambda values: self._apply(deal, values, restored),
        )
        link.base, link.pending_push = merged.base, merged.pending_push
        if _saved_state(link) != before:  # not a record the overlap window re-read unchanged
            link.synced_at = now
            self.changed_links.add(link, MERGED_FIELDS)
        if stage_error is not None:  # kept where admins see it until the mapping is fixed
            self.issues.record(
                SOBJECT,
                local_id=deal.pk,
                salesforce_id=record["Id"],
                name=deal.name,
                code=stage_error.code,
                message=stage_error.message,
            )
        elif merged.settled(local):
            # A push Salesforce refused stays reported (and waits for its backoff) while the
            # deal still differs from what Salesforce holds; re-reading it settles nothing.
            self.issues.resolve_any(SOBJECT, deal.pk, record["Id"])
        if merged.taken:
            self.stats.add("deals_updated")
        self.stats.add("conflicts", len(merged.conflicts))
        return conflict_rows(self.workspace_id, SOBJECT, record["Id"], deal.name, merged.conflicts)

    def _values(
        self, deal: Deal, record: dict[str, Any]
    ) -> tuple[dict[str, str], dict[str, str], StageError | None]:
        """Both sides' values; the stage leaves the merge when it cannot be mapped."""
        multi = self.metadata.multi_currency
        remote = mapping.deal_remote(record, multi_currency=multi)
        try:
            stage = self.stages.salesforce_stage(deal.stage)
            self.stages.mailtrixy_stage_id(remote["stage"])
        except StageError as error:
            remote.pop("stage")
            local = mapping.deal_local(deal, "", multi_currency=multi)
            local.pop("stage")
            return local, remote, error
        return mapping.deal_local(deal, stage, multi_currency=multi), remote, None

    def _apply(self, deal: Deal, to_local: dict[str, str], restored: bool) -> dict[str, str]:
        """Write the values the deal takes (all of them), and its restore; return them."""
        updates = mapping.deal_updates(to_local, self.stages.mailtrixy_stage_id)
        if restored:
            updates.update(archived_at=None, archived_reason="")
        if updates:
            # update(), not save(): keeps updated_at as the time a person last edited the deal.
            Deal.objects.filter(pk=deal.pk).update(**updates)
        return to_local

    def _links(self, records: list[dict[str, Any]]) -> dict[str, DealLink]:
        ids = [r["Id"] for r in records]
        keys = [r[EXTERNAL_ID_FIELD] for r in records if r.get(EXTERNAL_ID_FIELD)]
        rows = (
            DealLink.objects.filter(workspace_id=self.workspace_id)
            .filter(Q(salesforce_id__in=ids) | Q(external_key__in=keys))
            .select_related("deal", "deal__stage")
        )
        found: dict[str, DealLink] = {}
        for link in rows:
            if link.salesforce_id:
                found[link.salesforce_id] = link
            found[link.external_key] = link
        return found


def _saved_state(link: DealLink) -> tuple[object, ...]:
    return snapshot(link, PULLED_FIELDS)
