"""Pushing deals as Opportunities: creates, changes and deletes, each idempotent.

With MailTrixy_Deal_Id__c in the org, every deal is upserted by its link's external key: sending
it twice (after a timeout, say) updates the same Opportunity. Without the field, the link records
a create intent before the create is sent; a later run first looks for an Opportunity that create
made (by name, by our user, since the intent) and adopts it, and only then creates again.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta
from typing import Any

from django.db.models import F, Q
from django.utils import timezone

from mailtrixy.bulk_update import PendingWrites
from mailtrixy.inbox.models import Deal
from mailtrixy.integrations.models import Connection
from mailtrixy.integrations.salesforce.client import SalesforceClient
from mailtrixy.integrations.salesforce.models import ContactLink, DealLink
from mailtrixy.integrations.salesforce.soql import datetime_literal, quote, quote_list
from mailtrixy.integrations.salesforce.sync import mapping
from mailtrixy.integrations.salesforce.sync.issues import IssueLog
from mailtrixy.integrations.salesforce.sync.metadata import EXTERNAL_ID_FIELD, OrgMetadata
from mailtrixy.integrations.salesforce.sync.operations import (
    ItemResult,
    Operation,
    Settle,
    chunked_operations,
    delete_operations,
    first_error,
)
from mailtrixy.integrations.salesforce.sync.stages import StageError, StageMap
from mailtrixy.integrations.salesforce.sync.stats import Stats

SOBJECT = "Opportunity"
GONE = {"NOT_FOUND", "INVALID_CROSS_REFERENCE_KEY"}
"""A delete answered with one of these has nothing left to delete: the link goes."""
IN_RECYCLE_BIN = "ENTITY_IS_DELETED"
SETTLED_FIELDS = ("salesforce_id", "base", "synced_at", "pending_push", "create_intent_at")


class DealPush:
    def __init__(
        self,
        connection: Connection,
        client: SalesforceClient,
        stats: Stats,
        issues: IssueLog,
        metadata: OrgMetadata,
        stages: StageMap,
    ) -> None:
        self.connection = connection
        self.workspace_id = connection.workspace_id
        self.client = client
        self.stats = stats
        self.issues = issues
        self.metadata = metadata
        self.stages = stages
        self.settled = PendingWrites(DealLink)
        """Links whose push was answered, written with the Composite's settlement."""

    # -- what to send ----------------------------------------------------------------------

    def operations(self) -> Iterator[Operation]:
        """Deletes, then creates and changes. Call reconcile_intents() first (no external id)."""
        read_at = timezone.now()
        self._link_new_deals()
        yield from delete_operations(self._deletes())
        creates: list[tuple[dict[str, Any], Settle]] = []
        updates: list[tuple[dict[str, Any], Settle]] = []
        for record, settle in self._changes(read_at):
            (updates if "id" in record else creates).append((record, settle))
        if self.metadata.has_external_id:  # creates are upserts: idempotent
            path = f"composite/sobjects/{SOBJECT}/{EXTERNAL_ID_FIELD}"
            yield from chunked_operations("PATCH", path, creates)
        else:
            yield from chunked_operations("POST", "composite/sobjects", creates)
        # Changes go by Id, so an Opportunity made before the org had the external-id field is
        # updated (and given the key) rather than upserted into a second one.
        yield from chunked_operations("PATCH", "composite/sobjects", updates)

    def contact_role_operations(self) -> Iterator[Operation]:
        """An OpportunityContactRole for each pushed deal whose contact is linked."""
        return chunked_operations("POST", "composite/sobjects", self._contact_roles())

    def _link_new_deals(self) -> None:
        new = Deal.objects.filter(
            workspace_id=self.workspace_id, archived_at__isnull=True, salesforce__isnull=True
        ).values_list("pk", flat=True)
        DealLink.objects.bulk_create(
            [DealLink(workspace_id=self.workspace_id, deal_id=pk, pending_push=True) for pk in new]
        )

    def _deletes(self) -> Iterator[tuple[str, Settle]]:
        orphans = DealLink.objects.filter(workspace_id=self.workspace_id, deal__isnull=True)
        orphans.filter(salesforce_id="", create_intent_at__isnull=True).delete()
        # An Opportunity in Salesforce's recycle bin is not sent again: its link waits with it,
        # so that an undelete there is met by the delete MailTrixy still owes (the pull clears
        # the flag), and the full reconcile drops the link once Salesforce has purged it.
        owed = orphans.exclude(salesforce_id="").filter(deleted_in_salesforce=False)
        for link in owed.order_by("pk"):
            yield link.salesforce_id, self._delete_settler(link)

    def _changes(self, read_at: datetime) -> Iterator[tuple[dict[str, Any], Settle]]:
        dirty = (
            Q(salesforce_id="")
            | Q(pending_push=True)
            | Q(synced_at__isnull=True)
            | Q(deal__updated_at__gt=F("synced_at"))
        )
        links = (
            DealLink.objects.filter(
                dirty,
                workspace_id=self.workspace_id,
                deal__isnull=False,
                deal__archived_at__isnull=True,
                deleted_in_salesforce=False,
            )
            # The contact's link comes along (its Account): memory stays flat however many
            # contacts the workspace has, where a map of every link would not.
            .select_related("deal", "deal__stage", "deal__contact__salesforce")
            .order_by("pk")
        )
        for link in links.iterator(chunk_size=1000):
            if self.issues.waiting(SOBJECT, link.deal_id):
                continue
            item = self._item(link, read_at)
            if item is not None:
                yield item

    def _item(self, link: DealLink, read_at: datetime) -> tuple[dict[str, Any], Settle] | None:
        deal = link.deal
        assert deal is not None
        try:
            local = self._local_values(deal)
        except StageError as error:
            self._issue(deal, link, error.code, error.message)
            return None
        changes = {k: v for k, v in local.items() if link.base.get(k) != v}
        if not link.salesforce_id:
            changes = local  # a create sends everything
        if not changes:
            self._settled(link, {}, read_at, None)
            return None
        record: dict[str, Any] = {"attributes": {"type": SOBJECT}, **self._fields(changes)}
        if self.metadata.has_external_id:
            record[EXTERNAL_ID_FIELD] = link.external_key
        if link.salesforce_id:
            record["id"] = link.salesforce_id
        elif not self.metadata.has_external_id:
            link.create_intent_at = timezone.now()
            link.save(update_fields=["create_intent_at"])
        return record, self._settler(link, changes, read_at)

    def _local_values(self, deal: Deal) -> dict[str, str]:
        self._check_currency(deal)
        values = mapping.deal_local(
            deal,
            self.stages.salesforce_stage(deal.stage),
            multi_currency=self.metadata.multi_currency,
        )
        values["account"] = _account_of(deal)
        return values

    def _check_currency(self, deal: Deal) -> None:
        if self.metadata.multi_currency:
            if self.metadata.currencies and deal.currency not in self.metadata.currencies:
                raise StageError(
                    "CURRENCY_NOT_ENABLED",
                    f"The deal is in {deal.currency}, which is not an active currency in your "
                    "Salesforce org. A Salesforce admin can activate it in Setup → Currencies.",
                )
        elif deal.currency != self.metadata.default_currency:
            raise StageError(
                "CURRENCY_NOT_ENABLED",
                f"The deal is in {deal.currency}, but your Salesforce org uses only "
                f"{self.metadata.default_currency}. Change the deal's currency, or enable "
                "multiple currencies in Salesforce.",
            )

    def _fields(self, changes: dict[str, str]) -> dict[str, Any]:
        fields = mapping.deal_to_salesforce({k: v for k, v in changes.items() if k != "account"})
        if "account" in changes:
            fields["AccountId"] = changes["account"] or None
        return fields

    # -- settling answers --------------------------------------------------------------------

    def _settler(self, link: DealLink, changes: dict[str, str], read_at: datetime) -> Settle:
        def settle(result: ItemResult) -> None:
            if result.get("success"):
                created = not link.salesforce_id
                self._settled(link, changes, read_at, result.get("id"))
                self.stats.add("deals_created" if created else "deals_pushed")
                return
            code, message = first_error(result)
            assert link.deal is not None
            self._issue(link.deal, link, code, f"Salesforce refused the deal: {message}")

        return settle

    def _settled(
        self, link: DealLink, changes: dict[str, str], read_at: datetime, new_id: str | None
    ) -> None:
        if new_id:
            link.salesforce_id = new_id
        link.base = {**link.base, **changes}
        link.synced_at = read_at
        link.pending_push = False
        link.create_intent_at = None
        self.settled.add(link, SETTLED_FIELDS)
        self.issues.resolve_any(SOBJECT, link.deal_id, link.salesforce_id)

    def _delete_settler(self, link: DealLink) -> Settle:
        def settle(result: ItemResult) -> None:
            code, message = first_error(result)
            if result.get("success") or code in GONE:
                link.delete()
                self.stats.add("deals_deleted")
                return
            if code == IN_RECYCLE_BIN:  # deleted in Salesforce since the pull read it
                link.deleted_in_salesforce = True
                self.settled.add(link, ["deleted_in_salesforce"])
                return
            self.issues.record(
                SOBJECT,
                local_id=None,
                salesforce_id=link.salesforce_id,
                code=code,
                message=f"Could not delete the Opportunity of a deleted deal: {message}",
            )

        return settle

    def _issue(self, deal: Deal, link: DealLink, code: str, message: str) -> None:
        self.issues.record(
            SOBJECT,
            local_id=deal.pk,
            salesforce_id=link.salesforce_id,
            name=deal.name,
            code=code,
            message=message,
        )

    # -- contact roles -------------------------------------------------------------------------

    def _contact_roles(self) -> Iterator[tuple[dict[str, Any], Settle]]:
        links = (
            DealLink.objects.filter(
                workspace_id=self.workspace_id,
                contact_role_id="",
                deal__isnull=False,
                deal__contact__salesforce__isnull=False,
            )
            .exclude(salesforce_id="")
            .select_related("deal__contact__salesforce")
        )
        for link in links.iterator(chunk_size=1000):
            assert link.deal is not None and link.deal.contact is not None
            link.contact_role_intent_at = timezone.now()
            link.save(update_fields=["contact_role_intent_at"])
            record = {
                "attributes": {"type": "OpportunityContactRole"},
                "OpportunityId": link.salesforce_id,
                "ContactId": link.deal.contact.salesforce.salesforce_id,
                "IsPrimary": True,
            }
            yield record, self._role_settler(link)

    def _role_settler(self, link: DealLink) -> Settle:
        def settle(result: ItemResult) -> None:
            if result.get("success"):
                link.contact_role_id = str(result["id"])
                link.contact_role_intent_at = None
                self.settled.add(link, ["contact_role_id", "contact_role_intent_at"])
                return
            code, message = first_error(result)
            assert link.deal is not None
            self._issue(link.deal, link, code, f"Could not add the deal's contact role: {message}")

        return settle

    def reconcile_contact_roles(self) -> None:
        """Adopt contact roles that an unanswered create made, before any is created again.

        Costs a query only after a create's answer was lost (the intent is still set).
        """
        pending = list(
            DealLink.objects.filter(
                workspace_id=self.workspace_id,
                contact_role_id="",
                contact_role_intent_at__isnull=False,
            ).exclude(salesforce_id="")
        )
        for start in range(0, len(pending), 200):
            chunk = pending[start : start + 200]
            soql = (
                "SELECT Id, OpportunityId FROM OpportunityContactRole "
                f"WHERE OpportunityId IN {quote_list([link.salesforce_id for link in chunk])}"
            )
            roles = {row["OpportunityId"]: row["Id"] for page in self.client.query_pages(soql)
                     for row in page}  # fmt: skip
            for link in chunk:
                link.contact_role_id = roles.get(link.salesforce_id, "")
                link.contact_role_intent_at = None
                link.save(update_fields=["contact_role_id", "contact_role_intent_at"])

    # -- create intents without an external id ----------------------------------------------

    def reconcile_intents(self) -> None:
        """Adopt Opportunities that an unanswered create made, before anything is created again."""
        if self.metadata.has_external_id:
            return
        pending = list(
            DealLink.objects.filter(
                workspace_id=self.workspace_id, salesforce_id="", create_intent_at__isnull=False
            ).select_related("deal")
        )
        if not pending:
            return
        since = min(link.create_intent_at for link in pending if link.create_intent_at)
        taken = set(
            DealLink.objects.filter(workspace_id=self.workspace_id)
            .exclude(salesforce_id="")
            .values_list("salesforce_id", flat=True)
        )
        for start in range(0, len(pending), 200):
            self._adopt(pending[start : start + 200], since, taken)

    def _adopt(self, links: list[DealLink], since: datetime, taken: set[str]) -> None:
        names = sorted({link.deal.name for link in links if link.deal is not None})
        candidates: list[dict[str, Any]] = []
        if names:
            soql = (
                "SELECT Id, Name, CreatedDate FROM Opportunity "
                f"WHERE CreatedById = {quote(self.connection.external_user_id)} "
                f"AND CreatedDate >= {datetime_literal(since - timedelta(minutes=1))} "
                f"AND Name IN {quote_list(names)} ORDER BY CreatedDate, Id"
            )
            for page in self.client.query_pages(soql):
                candidates.extend(page)
        for link in links:
            match = next(
                (
                    c
                    for c in candidates
                    if c["Id"] not in taken and link.deal and c["Name"] == link.deal.name
                ),
                None,
            )
            if match is not None:
                taken.add(match["Id"])
                link.salesforce_id = match["Id"]
                link.pending_push = True  # send the full values once more over the adopted one
            link.create_intent_at = None
            link.save(update_fields=["salesforce_id", "pending_push", "create_intent_at"])


def _account_of(deal: Deal) -> str:
    """The Salesforce Account of the deal's contact, when that contact is linked ("" if not)."""
    if deal.contact is None:
        return ""
    try:
        return str(deal.contact.salesforce.account_id)
    except ContactLink.DoesNotExist:
        return ""
