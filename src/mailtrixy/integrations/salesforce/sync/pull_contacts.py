"""Applying a page of pulled Salesforce Contacts to MailTrixy, in bulk.

Per record: a deleted Contact archives its linked MailTrixy contact (undelete restores it); a
linked one is merged field by field against the link's base; an unlinked one is linked to the
MailTrixy contact with the same email (ignoring case) or becomes a new contact. Two Salesforce
Contacts with one email cannot both be linked (MailTrixy keeps one contact per email): the second
is reported as an issue, never dropped silently.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.db import transaction
from django.utils import timezone

from mailtrixy import bulk_insert
from mailtrixy.bulk_update import PendingWrites, snapshot
from mailtrixy.inbox.models import Contact
from mailtrixy.integrations.salesforce.models import ContactLink, SyncConflict
from mailtrixy.integrations.salesforce.sync import mapping
from mailtrixy.integrations.salesforce.sync.issues import IssueLog
from mailtrixy.integrations.salesforce.sync.merge import (
    LinkMerge,
    changed_later,
    conflict_rows,
    merge_link,
)
from mailtrixy.integrations.salesforce.sync.planner_stats import PlannerStatistics
from mailtrixy.integrations.salesforce.sync.stats import Stats

SOBJECT = "Contact"
SELECT = (
    "Id, FirstName, LastName, Email, Phone, Title, LeadSource, AccountId, Account.Name, "
    "IsDeleted, SystemModstamp, LastModifiedDate"
)
DELETED_REASON = "Deleted in Salesforce"


PULLED_FIELDS = (
    "salesforce_id",
    "account_id",
    "base",
    "remote_modstamp",
    "pending_push",
    "deleted_in_salesforce",
    "seen_mark",
)
"""What a pull may change on a link; a link is written when one of them changed."""
LINK_FIELDS = (*PULLED_FIELDS, "synced_at")
"""What a pull writes to a link it changed."""


@dataclass
class _Batch:
    """What one page changes, written in a few bulk statements."""

    new_contacts: list[tuple[dict[str, Any], dict[str, Any]]] = field(default_factory=list)
    """(contact, link) rows to insert: plain values, no model instances (bulk_insert)."""
    contacts: PendingWrites = field(default_factory=lambda: PendingWrites(Contact))
    links: PendingWrites = field(default_factory=lambda: PendingWrites(ContactLink))
    new_links: list[ContactLink] = field(default_factory=list)
    conflicts: list[SyncConflict] = field(default_factory=list)


class ContactPull:
    def __init__(self, workspace_id: int, stats: Stats, issues: IssueLog, mark: int) -> None:
        self.workspace_id = workspace_id
        self.stats = stats
        self.issues = issues
        self.mark = mark  # set on every link seen, for the full reconcile's sweep
        self.planner = PlannerStatistics((Contact._meta.db_table, ContactLink._meta.db_table))

    def apply_page(self, records: list[dict[str, Any]]) -> None:
        self.stats.add("contacts_fetched", len(records))
        now = timezone.now()
        links = self._links([r["Id"] for r in records])
        by_email, taken = self._by_email(records, links)
        batch = _Batch()
        claimed: set[str] = set()
        for record in records:
            link = links.get(record["Id"])
            if record.get("IsDeleted"):
                self._deleted(batch, link, now)
            elif link is not None:
                self._merge(batch, link, record, now)
            else:
                self._first_link(batch, record, by_email, claimed, taken, now)
        self._write(batch)
        self.planner.grew_to(self.stats.counts["contacts_created"])

    # -- per record -------------------------------------------------------------------------

    def _deleted(self, batch: _Batch, link: ContactLink | None, now: datetime) -> None:
        if link is None or link.deleted_in_salesforce:
            return
        contact = link.contact
        contact.archived_at, contact.archived_reason = now, DELETED_REASON
        link.deleted_in_salesforce = True
        self._touch(batch, contact, {"archived_at", "archived_reason"})
        batch.links.add(link, LINK_FIELDS)
        self.stats.add("contacts_archived")

    def _merge(
        self, batch: _Batch, link: ContactLink, record: dict[str, Any], now: datetime
    ) -> None:
        contact = link.contact
        before = _saved_state(link)
        if link.deleted_in_salesforce:  # undeleted in Salesforce: restore
            link.deleted_in_salesforce = False
            contact.archived_at, contact.archived_reason = None, ""
            self._touch(batch, contact, {"archived_at", "archived_reason"})
            self.stats.add("contacts_restored")
        local = mapping.contact_local(contact)
        merged = merge_link(
            link.base,
            link.pending_push,
            local,
            mapping.contact_remote(record),
            local_is_newer=changed_later(contact.updated_at, record),
            take=lambda values: self._take(batch, contact, values, record),
        )
        self._pull_only_fields(batch, contact, record)
        self._finish_link(batch, link, record, merged, local, now, before)
        batch.conflicts.extend(
            conflict_rows(
                self.workspace_id, SOBJECT, record["Id"], _record_name(record), merged.conflicts
            )
        )
        if merged.taken:
            self.stats.add("contacts_updated")
        self.stats.add("conflicts", len(merged.conflicts))

    def _first_link(
        self,
        batch: _Batch,
        record: dict[str, Any],
        by_email: dict[str, Contact],
        claimed: set[str],
        taken: set[str],
        now: datetime,
    ) -> None:
        remote = mapping.contact_remote(record)
        email = remote["email"].lower()
        if email and email in claimed:
            self._duplicate_email(record, remote["email"])
            return
        if email:
            claimed.add(email)
        existing = by_email.get(email) if email else None
        if existing is None and email and email in taken:
            self._duplicate_email(record, remote["email"])
            return
        if existing is not None:
            link = ContactLink(workspace_id=self.workspace_id, contact=existing, base={})
            self._merge_first_link(batch, link, record, now)
            return
        contact: dict[str, Any] = {
            "workspace_id": self.workspace_id, **remote, "company": _account_name(record)
        }  # fmt: skip
        values = {"workspace_id": self.workspace_id, "base": remote, **self._link_fields(record)}
        batch.new_contacts.append((contact, values))
        self.stats.add("contacts_created")

    def _merge_first_link(
        self, batch: _Batch, link: ContactLink, record: dict[str, Any], now: datetime
    ) -> None:
        """An existing MailTrixy contact meets its Salesforce twin: merge with an empty base."""
        contact = link.contact
        merged = merge_link(
            {},
            False,
            mapping.contact_local(contact),
            mapping.contact_remote(record),
            local_is_newer=changed_later(contact.updated_at, record),
            take=lambda values: self._set(batch, contact, values),
        )
        self._pull_only_fields(batch, contact, record)
        self._fill_link(link, record)
        link.base, link.pending_push, link.synced_at = merged.base, merged.pending_push, now
        batch.new_links.append(link)
        self.stats.add("contacts_linked")

    # -- helpers ----------------------------------------------------------------------------

    def _pull_only_fields(self, batch: _Batch, contact: Contact, record: dict[str, Any]) -> None:
        """The company comes from the Contact's Account (Salesforce owns it)."""
        company = _account_name(record)
        if company and company != contact.company:
            contact.company = company
            self._touch(batch, contact, {"company"})

    def _take(
        self, batch: _Batch, contact: Contact, to_local: dict[str, str], record: dict[str, Any]
    ) -> dict[str, str]:
        """Set what the contact takes from Salesforce, less an email change that would collide
        with another contact (said as an issue); return what it took."""
        email = to_local.get("email", "").lower()
        if email and self._email_taken(email, exclude=contact.pk):
            self._duplicate_email(record, to_local["email"], local_id=contact.pk)
            to_local = {k: v for k, v in to_local.items() if k != "email"}
        return self._set(batch, contact, to_local)

    def _set(self, batch: _Batch, contact: Contact, values: dict[str, str]) -> dict[str, str]:
        for attr, value in values.items():
            setattr(contact, attr, value)
        self._touch(batch, contact, set(values))
        return values

    def _email_taken(self, email: str, exclude: int | None = None) -> bool:
        query = Contact.objects.filter(workspace_id=self.workspace_id).with_emails([email.lower()])
        if exclude is not None:
            query = query.exclude(pk=exclude)
        return query.exists()

    def _duplicate_email(
        self, record: dict[str, Any], email: str, local_id: int | None = None
    ) -> None:
        self.issues.record(
            SOBJECT,
            local_id=local_id,
            salesforce_id=record["Id"],
            name=email,
            code="DUPLICATE_EMAIL",
            message=(
                f"Another contact already has the email {email}. MailTrixy keeps one contact per "
                "email: merge the duplicates in Salesforce, or change one of the emails."
            ),
        )

    def _finish_link(
        self,
        batch: _Batch,
        link: ContactLink,
        record: dict[str, Any],
        merged: LinkMerge,
        local: dict[str, str],
        now: datetime,
        before: tuple[object, ...],
    ) -> None:
        self._fill_link(link, record)
        link.base, link.pending_push = merged.base, merged.pending_push
        # A record re-read by the overlap window, already applied, leaves its link as it was:
        # not writing it keeps an idle sync's local work small. (`synced_at` may stay older: the
        # push then compares the contact with the base and finds nothing to send.)
        if _saved_state(link) != before:
            link.synced_at = now
            batch.links.add(link, LINK_FIELDS)
        # A push Salesforce refused stays reported (and waits for its backoff) while the contact
        # still differs from what Salesforce holds; re-reading the record settles nothing.
        if merged.settled(local):
            self.issues.resolve_any(SOBJECT, link.contact_id, record["Id"])

    def _fill_link(self, link: ContactLink, record: dict[str, Any]) -> None:
        for attr, value in self._link_fields(record).items():
            setattr(link, attr, value)

    def _link_fields(self, record: dict[str, Any]) -> dict[str, Any]:
        """What a link takes from the Salesforce record it mirrors."""
        return {
            "salesforce_id": record["Id"],
            "account_id": record.get("AccountId") or "",
            "remote_modstamp": record["SystemModstamp"],
            "seen_mark": self.mark,
        }

    def _touch(self, batch: _Batch, contact: Contact, fields: set[str]) -> None:
        if fields:
            batch.contacts.add(contact, fields)

    def _links(self, ids: list[str]) -> dict[str, ContactLink]:
        rows = ContactLink.objects.filter(
            workspace_id=self.workspace_id, salesforce_id__in=ids
        ).select_related("contact")
        return {link.salesforce_id: link for link in rows}

    def _by_email(
        self, records: list[dict[str, Any]], links: dict[str, ContactLink]
    ) -> tuple[dict[str, Contact], set[str]]:
        """For the page's new records: unlinked contacts by email, and every email taken.

        One query for the page instead of one per record (the page is written at its end, so the
        database holds the same answers all along the page).
        """
        emails = {
            mapping.text(r.get("Email")).lower()
            for r in records
            if r["Id"] not in links and not r.get("IsDeleted") and r.get("Email")
        }
        if not emails:
            return {}, set()
        rows = (
            Contact.objects.filter(workspace_id=self.workspace_id)
            .with_emails(emails)
            .select_related("salesforce")
            .order_by()
        )
        unlinked: dict[str, Contact] = {}
        taken: set[str] = set()
        for contact in rows:
            email = contact.email.lower()  # as the page's emails were lowered
            taken.add(email)
            if not hasattr(contact, "salesforce"):
                unlinked[email] = contact
        return unlinked, taken

    def _write(self, batch: _Batch) -> None:
        with transaction.atomic():
            if batch.new_contacts:
                _insert_new(batch.new_contacts)
            batch.contacts.write()
            if batch.new_links:
                ContactLink.objects.bulk_create(batch.new_links)
            batch.links.write()
            if batch.conflicts:
                SyncConflict.objects.bulk_create(batch.conflicts)


def _insert_new(new: list[tuple[dict[str, Any], dict[str, Any]]]) -> None:
    """New contacts and their links: written from Salesforce's values, so in sync as of the
    contacts' own `updated_at`."""
    now = timezone.now()
    ids = bulk_insert.insert(Contact, [c for c, _ in new], returning_ids=True, now=now)
    links = [
        {**link, "contact_id": contact_id, "synced_at": now}
        for (_, link), contact_id in zip(new, ids, strict=True)
    ]
    bulk_insert.insert(ContactLink, links, now=now)


def _saved_state(link: ContactLink) -> tuple[object, ...]:
    return snapshot(link, PULLED_FIELDS)


def _record_name(record: dict[str, Any]) -> str:
    return mapping.text(record.get("Email")) or mapping.text(record.get("LastName"))


def _account_name(record: dict[str, Any]) -> str:
    account = record.get("Account")
    return mapping.text(account.get("Name")) if isinstance(account, dict) else ""
