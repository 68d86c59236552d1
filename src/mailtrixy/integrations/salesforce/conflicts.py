"""Sync conflicts as people read them, and "Keep mine".

The merge records a conflict (sync/merge.py) with the compared field's name and both values as
compared ("1200.00", a Salesforce StageName). Here a conflict gets the MailTrixy form's label for
its field, values written as the pages write them, links to both records, and why its winner won.

"Keep mine" makes the losing MailTrixy value win after all: it sets that value on the MailTrixy
record and marks the record to push, so the next sync sends it through the ordinary push. Nothing
here writes to Salesforce.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse

from mailtrixy.accounts.models import Member
from mailtrixy.inbox.forms import ContactForm, DealForm
from mailtrixy.inbox.models import Contact, Deal, Stage
from mailtrixy.integrations.provider import RecordRef
from mailtrixy.integrations.salesforce import connection as connections
from mailtrixy.integrations.salesforce.links import lightning_url
from mailtrixy.integrations.salesforce.models import ContactLink, DealLink, SyncConflict
from mailtrixy.integrations.salesforce.sync import mapping, metadata
from mailtrixy.integrations.salesforce.sync.jobs import enqueue_sync
from mailtrixy.integrations.salesforce.sync.runs import SyncAlreadyQueued
from mailtrixy.integrations.salesforce.sync.stages import StageError, StageMap
from mailtrixy.money import format_money

CONTACT, OPPORTUNITY = "Contact", "Opportunity"
FORM_FIELD = {"close_date": "expected_close_date"}
"""Compared deal fields whose name on the deal form differs."""
WINNER = {"mailtrixy": "MailTrixy", "salesforce": "Salesforce"}
WHY = {
    "mailtrixy": "It was changed in MailTrixy more recently, and the most recent change wins.",
    "salesforce": (
        "It was changed in Salesforce more recently, and the most recent change wins "
        "(on a tie, Salesforce wins)."
    ),
}
EMPTY = "—"


class KeepMineRefused(Exception):
    """Keep mine cannot be done; the message is the sentence a person sees."""


@dataclass(frozen=True)
class ConflictView:
    """One conflict, written for people."""

    id: int
    created_at: datetime
    kind: str
    """"Contact" or "Deal", MailTrixy's word for the record."""
    record_name: str
    record_url: str
    """The MailTrixy record's page; "" when the record is gone."""
    salesforce_url: str
    label: str
    before: str
    mailtrixy: str
    salesforce: str
    winner: str
    """"MailTrixy" or "Salesforce"."""
    why: str


@dataclass(frozen=True)
class ConflictNote:
    """A conflict as the record's own page notes it: what holds now, and whether Keep mine can."""

    view: ConflictView
    status: str
    can_keep_mine: bool


@dataclass
class _Record:
    """The MailTrixy side of a conflict: its link and, unless deleted, its contact or deal."""

    link: ContactLink | DealLink
    contact: Contact | None = None
    deal: Deal | None = None

    @property
    def url(self) -> str:
        if self.contact is not None:
            return reverse("inbox:contact", args=[self.contact.pk])
        if self.deal is not None:
            return reverse("inbox:deal_edit", args=[self.deal.pk])
        return ""


class _Workspace:
    """What writing a workspace's conflicts needs: its instance URL, stage names, records."""

    def __init__(self, workspace_id: int) -> None:
        self.workspace_id = workspace_id
        connection = connections.get_connection(workspace_id)
        self.instance_url = connection.instance_url if connection else ""
        self.connected = connection is not None
        self.stages = StageMap.load(workspace_id, metadata.known(workspace_id).metadata)
        self.stage_names = dict(
            Stage.objects.filter(workspace_id=workspace_id).values_list("pk", "name")
        )

    def records(self, conflicts: Iterable[SyncConflict]) -> dict[tuple[str, str], _Record]:
        """The records behind these conflicts, by (sobject, Salesforce Id), in two queries."""
        wanted: dict[str, set[str]] = {CONTACT: set(), OPPORTUNITY: set()}
        for conflict in conflicts:
            wanted.setdefault(conflict.sobject, set()).add(conflict.salesforce_id)
        found: dict[tuple[str, str], _Record] = {}
        if wanted[CONTACT]:
            for link in ContactLink.objects.filter(
                workspace_id=self.workspace_id, salesforce_id__in=wanted[CONTACT]
            ).select_related("contact"):
                found[CONTACT, link.salesforce_id] = _Record(link, contact=link.contact)
        if wanted[OPPORTUNITY]:
            for deal_link in DealLink.objects.filter(
                workspace_id=self.workspace_id, salesforce_id__in=wanted[OPPORTUNITY]
            ).select_related("deal"):
                found[OPPORTUNITY, deal_link.salesforce_id] = _Record(
                    deal_link, deal=deal_link.deal
                )
        return found

    def view(self, conflict: SyncConflict, record: _Record | None) -> ConflictView:
        deal = record.deal if record else None
        return ConflictView(
            id=conflict.pk,
            created_at=conflict.created_at,
            kind="Contact" if conflict.sobject == CONTACT else "Deal",
            record_name=_record_name(conflict, record),
            record_url=record.url if record else "",
            salesforce_url=lightning_url(
                self.instance_url, conflict.sobject, conflict.salesforce_id
            ),
            label=field_label(conflict.sobject, conflict.field),
            before=self._shown(conflict, conflict.base_value, deal, mailtrixy_side=False),
            mailtrixy=self._shown(conflict, conflict.mailtrixy_value, deal, mailtrixy_side=True),
            salesforce=self._shown(conflict, conflict.salesforce_value, deal, mailtrixy_side=False),
            winner=WINNER.get(conflict.winner, conflict.winner),
            why=WHY.get(conflict.winner, ""),
        )

    def current_value(self, conflict: SyncConflict, record: _Record) -> str | None:
        """The record's value of the conflict's field now, compared as the merge compares it."""
        if record.contact is not None:
            return mapping.contact_local(record.contact).get(conflict.field)
        if record.deal is not None:
            stage = self.stages.to_salesforce.get(record.deal.stage_id, "")
            return mapping.deal_local(record.deal, stage, multi_currency=True).get(conflict.field)
        return None

    def _shown(
        self, conflict: SyncConflict, value: object, deal: Deal | None, *, mailtrixy_side: bool
    ) -> str:
        text = "" if value is None else str(value)
        if not text:
            return EMPTY
        if conflict.sobject == OPPORTUNITY and conflict.field == "amount":
            return format_money(text, deal.currency if deal else "")
        if conflict.sobject == OPPORTUNITY and conflict.field == "stage" and mailtrixy_side:
            # MailTrixy's value was compared as the Salesforce stage it maps to: name it as the
            # pipeline does.
            stage_id = self.stages.to_mailtrixy.get(text.lower())
            return self.stage_names.get(stage_id, text) if stage_id else text
        return text


def field_label(sobject: str, field: str) -> str:
    """The label the MailTrixy contact or deal form gives the field ("Expected close date")."""
    form = ContactForm if sobject == CONTACT else DealForm
    form_field = form.base_fields.get(FORM_FIELD.get(field, field) if form is DealForm else field)
    if form_field is not None and form_field.label:
        return str(form_field.label)
    return field.replace("_", " ").capitalize()


def report_views(workspace_id: int, conflicts: Sequence[SyncConflict]) -> list[ConflictView]:
    """The sync report's conflicts, with labels and links."""
    workspace = _Workspace(workspace_id)
    records = workspace.records(conflicts)
    return [workspace.view(c, records.get((c.sobject, c.salesforce_id))) for c in conflicts]


def record_notes(record: RecordRef) -> list[ConflictNote]:
    """The latest conflict of each field of the record that still describes its value."""
    found = _record_of(record)
    if found is None or not found.link.salesforce_id:
        return []
    sobject = CONTACT if record.kind == "contact" else OPPORTUNITY
    conflicts = SyncConflict.objects.filter(
        workspace_id=record.workspace_id, sobject=sobject, salesforce_id=found.link.salesforce_id
    )[:100]
    latest: dict[str, SyncConflict] = {}
    for conflict in conflicts:  # newest first
        latest.setdefault(conflict.field, conflict)
    if not latest:
        return []
    workspace = _Workspace(record.workspace_id)
    notes = (_note(workspace, conflict, found) for conflict in latest.values())
    return [note for note in notes if note is not None]


def _note(workspace: _Workspace, conflict: SyncConflict, record: _Record) -> ConflictNote | None:
    """None once the field has moved on from both values: the note would no longer be true."""
    current = workspace.current_value(conflict, record)
    mine, theirs = _text(conflict.mailtrixy_value), _text(conflict.salesforce_value)
    view = workspace.view(conflict, record)
    if current == theirs and conflict.winner == "salesforce":
        can = workspace.connected and not record.link.deleted_in_salesforce
        return ConflictNote(view, "", can_keep_mine=can)
    if current != mine:
        return None
    sent = record.link.base.get(conflict.field) == mine
    status = "Salesforce has it now." if sent else "It is sent to Salesforce with the next sync."
    if conflict.winner == "salesforce":
        status = f"Keep mine then put MailTrixy's value back. {status}"
    return ConflictNote(view, status, can_keep_mine=False)


@dataclass(frozen=True)
class KeptMine:
    label: str
    record_name: str
    record_url: str


def keep_mine(workspace_id: int, conflict_id: int) -> KeptMine:
    """Give the record MailTrixy's value back and mark it to push (the caller queues the sync).

    Raises SyncConflict.DoesNotExist for another workspace's conflict, KeepMineRefused when the
    conflict no longer allows it.
    """
    conflict = SyncConflict.objects.get(workspace_id=workspace_id, pk=conflict_id)
    workspace = _Workspace(workspace_id)
    record = workspace.records([conflict]).get((conflict.sobject, conflict.salesforce_id))
    note = _note(workspace, conflict, record) if record else None
    label = field_label(conflict.sobject, conflict.field)
    if record is None or note is None or not note.can_keep_mine:
        raise KeepMineRefused(
            f"{label} has changed since this conflict, so there is nothing to keep. Edit the "
            "record to set the value you want; the next sync sends it to Salesforce."
        )
    with transaction.atomic():
        _set_mailtrixy_value(workspace, conflict, record)
        record.link.pending_push = True
        record.link.save(update_fields=["pending_push"])
    return KeptMine(label, _record_name(conflict, record), record.url)


def queue_push(member: Member) -> str:
    """Queue the sync that sends a kept value (or use the queued one); say when it goes."""
    connection = connections.get_connection(member.workspace_id)
    if connection is None or connection.needs_reconnect:
        return "It is sent to Salesforce once Salesforce is reconnected in Settings → Integrations."
    try:
        run = enqueue_sync(member.workspace_id, reason="manual", member=member)
    except SyncAlreadyQueued as queued:
        run = queued.run
    return f"Sync #{run.pk} sends it to Salesforce."


def conflict_record_url(workspace_id: int, conflict_id: int) -> str:
    """The MailTrixy page of a conflict's record, or the contacts list when it is gone."""
    conflict = SyncConflict.objects.get(workspace_id=workspace_id, pk=conflict_id)
    record = (
        _Workspace(workspace_id).records([conflict]).get((conflict.sobject, conflict.salesforce_id))
    )
    return (record.url if record else "") or reverse("inbox:contacts")


def _set_mailtrixy_value(workspace: _Workspace, conflict: SyncConflict, record: _Record) -> None:
    value = _text(conflict.mailtrixy_value)
    target: Contact | Deal
    if record.contact is not None:
        target = record.contact
        setattr(target, conflict.field, value)
    else:
        assert record.deal is not None
        target = record.deal
        try:
            updates = mapping.deal_updates(
                {conflict.field: value}, workspace.stages.mailtrixy_stage_id
            )
        except StageError as error:
            raise KeepMineRefused(error.message) from None
        for attr, new in updates.items():
            setattr(target, attr, new)
    try:
        target.full_clean()
    except ValidationError as error:
        raise KeepMineRefused(
            "MailTrixy's value cannot be kept: " + " ".join(error.messages)
        ) from None
    target.save()  # a person's edit: updated_at moves on, so this side is the newer one


def _record_of(record: RecordRef) -> _Record | None:
    if record.kind == "contact":
        contact_link = (
            ContactLink.objects.filter(workspace_id=record.workspace_id, contact_id=record.id)
            .select_related("contact")
            .first()
        )
        return _Record(contact_link, contact=contact_link.contact) if contact_link else None
    deal_link = (
        DealLink.objects.filter(workspace_id=record.workspace_id, deal_id=record.id)
        .select_related("deal")
        .first()
    )
    return _Record(deal_link, deal=deal_link.deal) if deal_link else None


def _record_name(conflict: SyncConflict, record: _Record | None) -> str:
    if record and record.contact is not None:
        return record.contact.name
    if record and record.deal is not None:
        return record.deal.name
    return conflict.record_name


def _text(value: object) -> str:
    return "" if value is None else str(value)
