"""What the Salesforce sync remembers: links with their merge bases, cursors, conflicts, issues."""

from __future__ import annotations

import uuid

from django.db import models

from mailtrixy.accounts.models import Workspace
from mailtrixy.inbox.models import Contact, Deal, Stage


class ContactLink(models.Model):
    """A MailTrixy contact and the Salesforce Contact it mirrors.

    `base` holds the mapped fields' values as last agreed by both sides: the merge base. A side
    whose value differs from the base changed it; a change that came from Salesforce equals the
    base after the merge, so it is never pushed back.
    """

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="+")
    contact = models.OneToOneField(Contact, on_delete=models.CASCADE, related_name="salesforce")
    salesforce_id = models.CharField(max_length=18)
    account_id = models.CharField(max_length=18, blank=True)
    base = models.JSONField(default=dict)
    remote_modstamp = models.CharField(max_length=32, blank=True)
    synced_at = models.DateTimeField()
    pending_push = models.BooleanField(default=False)
    deleted_in_salesforce = models.BooleanField(default=False)
    seen_mark = models.BigIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["workspace", "salesforce_id"], name="one_link_per_salesforce_contact"
            )
        ]

    def __str__(self) -> str:
        return f"Contact {self.salesforce_id} ↔ contact {self.contact_id}"


def new_external_key() -> str:
    return uuid.uuid4().hex


class DealLink(models.Model):
    """A MailTrixy deal and its Opportunity.

    `external_key` is written to MailTrixy_Deal_Id__c when the org has that field, so creating is
    an idempotent upsert. Without it, `create_intent_at` records that a create was sent: before any
    retry, the sync looks for an Opportunity that create made. `deal` becomes NULL when the deal is
    deleted in MailTrixy; the link then stands for a delete still to send.
    """

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="+")
    deal = models.OneToOneField(
        Deal, on_delete=models.SET_NULL, null=True, blank=True, related_name="salesforce"
    )
    external_key = models.CharField(max_length=32, default=new_external_key, unique=True)
    salesforce_id = models.CharField(max_length=18, blank=True)
    contact_role_id = models.CharField(max_length=18, blank=True)
    # Set as the OpportunityContactRole create is sent; a run that finds it set (the answer was
    # lost) first looks for the role that create may have made, so none is ever made twice.
    contact_role_intent_at = models.DateTimeField(null=True, blank=True)
    base = models.JSONField(default=dict)
    remote_modstamp = models.CharField(max_length=32, blank=True)
    create_intent_at = models.DateTimeField(null=True, blank=True)
    synced_at = models.DateTimeField(null=True, blank=True)
    pending_push = models.BooleanField(default=False)
    deleted_in_salesforce = models.BooleanField(default=False)
    seen_mark = models.BigIntegerField(default=0)

    class Meta:
        indexes = [models.Index(fields=["workspace", "salesforce_id"])]

    def __str__(self) -> str:
        return f"Opportunity {self.salesforce_id or '(not created)'} ↔ deal {self.deal_id}"


class SyncCursor(models.Model):
    """How far the incremental pull of one object has read: (SystemModstamp, Id)."""

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="+")
    sobject = models.CharField(max_length=40)
    modstamp = models.CharField(max_length=32, blank=True)
    last_id = models.CharField(max_length=18, blank=True)
    full_reconcile_at = models.DateTimeField(null=True, blank=True)
    # When a pull last read to the end: a quiet org's cursor is old, but not stale.
    pulled_at = models.DateTimeField(null=True, blank=True)
    # Set while a full pull is under way: the mark its pages leave on every link they see, so a
    # full pull that was interrupted resumes from the cursor and still sweeps correctly.
    full_mark = models.BigIntegerField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["workspace", "sobject"], name="one_cursor_per_object")
        ]

    def __str__(self) -> str:
        return f"{self.sobject} cursor at {self.modstamp or 'start'}"


class StageMapping(models.Model):
    """Which Salesforce StageName a MailTrixy pipeline stage is, per workspace."""

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="+")
    stage = models.OneToOneField(Stage, on_delete=models.CASCADE, related_name="salesforce")
    salesforce_stage = models.CharField(max_length=255)

    def __str__(self) -> str:
        return f"{self.stage_id} → {self.salesforce_stage}"


class SyncConflict(models.Model):
    """A field changed on both sides since the last sync, and how the stated rule resolved it."""

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="+")
    sobject = models.CharField(max_length=40)
    salesforce_id = models.CharField(max_length=18)
    record_name = models.CharField(max_length=255)
    field = models.CharField(max_length=80)
    base_value = models.JSONField(null=True)
    mailtrixy_value = models.JSONField(null=True)
    salesforce_value = models.JSONField(null=True)
    winner = models.CharField(max_length=20)  # "mailtrixy" or "salesforce"
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.sobject} {self.record_name}: {self.field}"


class SyncIssue(models.Model):
    """A record that could not be synced; kept, shown to people, retried with backoff."""

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="+")
    sobject = models.CharField(max_length=40)
    local_id = models.BigIntegerField(null=True, blank=True)
    salesforce_id = models.CharField(max_length=18, blank=True)
    record_name = models.CharField(max_length=255, blank=True)
    error_code = models.CharField(max_length=80)
    message = models.TextField()
    attempts = models.PositiveIntegerField(default=1)
    first_seen = models.DateTimeField(auto_now_add=True)
    last_seen = models.DateTimeField(auto_now=True)
    # Backoff: the push skips the record until then (2, 4, 8 … minutes, at most 6 hours).
    retry_after = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-last_seen", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["workspace", "sobject", "local_id", "salesforce_id"],
                name="one_issue_per_record",
            )
        ]

    def __str__(self) -> str:
        return f"{self.sobject} {self.record_name}: {self.error_code}"
