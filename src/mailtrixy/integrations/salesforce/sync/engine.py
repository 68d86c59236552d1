"""One sync of a workspace with its org: pull both objects, then push, then sweep.

Cost: when nothing changed, one API call (a Composite carrying the two incremental queries,
and once an hour the org's metadata reading too). Pulled pages are applied and the cursor saved
page by page, so a run that dies resumes where it was, re-reading at most one page and the
overlap window.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any, Protocol

from django.utils import timezone

from mailtrixy.inbox.models import Contact, Deal
from mailtrixy.integrations.models import Connection
from mailtrixy.integrations.salesforce import connection as connections
from mailtrixy.integrations.salesforce.client import SalesforceClient, subresponse_body
from mailtrixy.integrations.salesforce.errors import ApiLimitExceeded
from mailtrixy.integrations.salesforce.models import ContactLink, DealLink
from mailtrixy.integrations.salesforce.sync import (
    bulk,
    metadata,
    operations,
    pull_contacts,
    pull_deals,
)
from mailtrixy.integrations.salesforce.sync.cursor import PullCursor
from mailtrixy.integrations.salesforce.sync.issues import IssueLog
from mailtrixy.integrations.salesforce.sync.push_contacts import ContactPush
from mailtrixy.integrations.salesforce.sync.push_deals import DealPush
from mailtrixy.integrations.salesforce.sync.stages import StageMap, ensure_defaults
from mailtrixy.integrations.salesforce.sync.stats import Stats

BUDGET_GUARD = "MAILTRIXY_API_BUDGET"
GONE_REASON = "No longer in Salesforce (deleted and removed from its recycle bin)"


class PagePull(Protocol):
    def apply_page(self, records: list[dict[str, Any]]) -> None: ...


class SyncEngine:
    def __init__(
        self, connection: Connection, heartbeat: Callable[[dict[str, object]], Any] = lambda _: None
    ):
        self.connection = connection
        self.workspace_id = connection.workspace_id
        self._renew = heartbeat
        self.stats = Stats()
        self.client: SalesforceClient | None = None
        app = connections.app_credentials(connection.workspace)
        self.budget_share = (app.api_budget_percent if app else 50) / 100

    @property
    def api_calls(self) -> int:
        return self.client.calls if self.client else 0

    def heartbeat(self) -> None:
        """Between pages and batches: keep the lease, and stop before the API budget is spent."""
        self._renew(self.stats.as_dict())
        self.connection.refresh_from_db(fields=["api_usage", "api_limit", "api_usage_at"])
        self._check_budget()

    def run(self) -> dict[str, object]:
        self._check_budget()
        client = self.client = SalesforceClient(self.connection)
        known = metadata.known(self.workspace_id)
        contacts = PullCursor(self.workspace_id, "Contact", pull_contacts.SELECT)
        deals = PullCursor(
            self.workspace_id, "Opportunity", pull_deals.select_fields(known.metadata)
        )
        meta, answers = self._open(client, [contacts, deals], known)
        pages = [
            subresponse_body(answers[0]),
            self._first_deals_page(client, deals, meta, answers[1]),
        ]
        ensure_defaults(self.workspace_id, meta)
        stages = StageMap.load(self.workspace_id, meta)
        issues = IssueLog(self.workspace_id)
        appliers: list[PagePull] = [
            pull_contacts.ContactPull(self.workspace_id, self.stats, issues, contacts.mark),
            pull_deals.DealPull(self.workspace_id, self.stats, issues, meta, stages, deals.mark),
        ]
        for cursor, applier, page in zip([contacts, deals], appliers, pages, strict=True):
            self._read(client, cursor, applier, page)
        if contacts.full:
            self._sweep_contacts(contacts.mark)
            contacts.finish_full()
        if deals.full:
            self._sweep_deals(deals.mark)
            deals.finish_full()
        self._restored_in_mailtrixy()
        self._push(client, issues, meta, stages)
        self.stats.add("issues", issues.count)
        self.stats.add("api_calls", client.calls)
        return self.stats.as_dict()

    def _check_budget(self) -> None:
        """Pause above the admin's share of the org's daily allocation (last reading, < 1 h)."""
        share = self.budget_share
        conn = self.connection
        used, limit, read_at = conn.api_usage, conn.api_limit, conn.api_usage_at
        if used is None or not limit or read_at is None:
            return
        if read_at < timezone.now() - timedelta(hours=1) or used < limit * share:
            return
        raise ApiLimitExceeded(
            f"Your org has used {used} of its {limit} daily API requests; MailTrixy pauses "
            f"syncing above {share:.0%} so other tools keep working, and resumes by itself as "
            "the allowance frees up.",
            error_code=BUDGET_GUARD,
        )

    # -- pull ------------------------------------------------------------------------------

    def _open(
        self, client: SalesforceClient, cursors: list[PullCursor], known: metadata.Known
    ) -> tuple[metadata.OrgMetadata, list[dict[str, Any]]]:
        """The first page of every object in one Composite call, the org's metadata riding along
        when the last reading is stale: the metadata, and each object's answer."""
        subrequests = [
            {
                "method": "GET",
                "url": client.service_path(cursor.query_path()),
                "referenceId": cursor.sobject,
            }
            for cursor in cursors
        ]
        if not known.fresh:
            subrequests += metadata.subrequests(client)
        answers = client.composite(subrequests)
        if known.fresh:
            return known.metadata, answers
        reading = metadata.parse(answers[len(cursors) :])
        return metadata.store(self.workspace_id, reading), answers[: len(cursors)]

    def _first_deals_page(
        self, client: SalesforceClient, cursor: PullCursor, meta: metadata.OrgMetadata, answer: Any
    ) -> dict[str, Any]:
        """The opening Composite's Opportunity page, unless the metadata read with it changed what
        the query selects: then that (guessed) page is dropped and the query sent again."""
        if cursor.fields == pull_deals.select_fields(meta):
            page: dict[str, Any] = subresponse_body(answer)
            return page
        cursor.fields = pull_deals.select_fields(meta)
        path = client.service_path(cursor.query_path())
        again: dict[str, Any] = client.request("GET", path).json()
        return again

    def _read(
        self, client: SalesforceClient, cursor: PullCursor, applier: PagePull, page: dict[str, Any]
    ) -> None:
        """Apply an object's pages from its first one: REST pages, or a Bulk job if that pays."""
        fetched = 0
        while True:
            applier.apply_page(page["records"])
            cursor.advance(page["records"])
            self.heartbeat()
            fetched += len(page["records"])
            if page.get("done", True):
                break
            if bulk.pays(cursor, page, fetched):  # a large full pull: the rest in one job
                bulk.pull(client, cursor, applier, self.heartbeat)
                break
            page = client.request("GET", page["nextRecordsUrl"]).json()
        cursor.read_to_end()

    def _sweep_contacts(self, mark: int) -> None:
        """After a complete full pull: links not seen are gone from Salesforce for good."""
        gone = ContactLink.objects.filter(
            workspace_id=self.workspace_id, deleted_in_salesforce=False
        ).exclude(seen_mark=mark)
        contact_ids = list(gone.values_list("contact_id", flat=True))
        if contact_ids:
            Contact.objects.filter(pk__in=contact_ids, archived_at__isnull=True).update(
                archived_at=timezone.now(), archived_reason=GONE_REASON
            )
            gone.update(deleted_in_salesforce=True)
            self.stats.add("contacts_archived", len(contact_ids))

    def _sweep_deals(self, mark: int) -> None:
        """As contacts; and the links of deleted deals that waited with their Opportunity in the
        recycle bin are dropped once Salesforce has purged it."""
        DealLink.objects.filter(
            workspace_id=self.workspace_id, deleted_in_salesforce=True, deal__isnull=True
        ).exclude(seen_mark=mark).delete()
        gone = (
            DealLink.objects.filter(
                workspace_id=self.workspace_id, deleted_in_salesforce=False, deal__isnull=False
            )
            .exclude(salesforce_id="")
            .exclude(seen_mark=mark)
        )
        deal_ids = list(gone.values_list("deal_id", flat=True))
        if deal_ids:
            Deal.objects.filter(pk__in=deal_ids, archived_at__isnull=True).update(
                archived_at=timezone.now(), archived_reason=GONE_REASON
            )
            gone.update(deleted_in_salesforce=True)
            self.stats.add("deals_archived", len(deal_ids))

    def _restored_in_mailtrixy(self) -> None:
        """Records a person restored in MailTrixy after Salesforce deleted their twin.

        A contact is kept as a MailTrixy contact, no longer linked; a deal becomes a new
        Opportunity (the old one stays in Salesforce's recycle bin).
        """
        ContactLink.objects.filter(
            workspace_id=self.workspace_id,
            deleted_in_salesforce=True,
            contact__archived_at__isnull=True,
        ).delete()
        for link in DealLink.objects.filter(
            workspace_id=self.workspace_id,
            deleted_in_salesforce=True,
            deal__isnull=False,
            deal__archived_at__isnull=True,
        ):
            link.delete()  # the push links the deal afresh, with a new external key
            self.stats.add("deals_restored")

    # -- push ------------------------------------------------------------------------------

    def _push(
        self, client: SalesforceClient, issues: IssueLog, meta: Any, stages: StageMap
    ) -> None:
        contacts = ContactPush(self.workspace_id, self.stats, issues)
        deals = DealPush(self.connection, client, self.stats, issues, meta, stages)
        deals.reconcile_intents()
        deals.reconcile_contact_roles()
        beat = self.heartbeat
        calls = operations.execute(client, contacts.operations(), beat, contacts.settled)
        calls += operations.execute(client, deals.operations(), beat, deals.settled)
        calls += operations.execute(client, deals.contact_role_operations(), beat, deals.settled)
        self.stats.add("push_calls", calls)
