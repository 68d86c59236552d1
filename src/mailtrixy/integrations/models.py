"""What every integration stores: the admin's app credentials and the workspace's connection."""

from __future__ import annotations

from django.db import models

from mailtrixy.accounts.models import Member, Workspace
from mailtrixy.integrations.fields import EncryptedTextField


class AppCredentials(models.Model):
    """The OAuth app an admin registered with the provider (e.g. a Salesforce Connected App)."""

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="+")
    provider = models.CharField(max_length=40)
    client_id = models.CharField(max_length=255)
    client_secret = EncryptedTextField()
    login_url = models.URLField(max_length=255)
    # The share of the org's daily API allocation MailTrixy may use before it pauses syncing.
    api_budget_percent = models.PositiveSmallIntegerField(default=50)
    updated_by = models.ForeignKey(Member, on_delete=models.SET_NULL, null=True, related_name="+")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["workspace", "provider"], name="one_app_per_workspace_and_provider"
            )
        ]

    def __str__(self) -> str:
        return f"{self.provider} app of workspace {self.workspace_id}"

    def __repr__(self) -> str:
        return f"<AppCredentials {self.provider} workspace={self.workspace_id} secret=***>"


class ConnectionStatus(models.TextChoices):
    CONNECTED = "connected", "Connected"
    NEEDS_RECONNECT = "needs_reconnect", "Needs reconnect"


class Connection(models.Model):
    """A workspace's live link to a provider, made by one member's OAuth consent."""

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="+")
    provider = models.CharField(max_length=40)
    status = models.CharField(
        max_length=20, choices=ConnectionStatus.choices, default=ConnectionStatus.CONNECTED
    )
    status_reason = models.TextField(blank=True)
    connected_by = models.ForeignKey(Member, on_delete=models.SET_NULL, null=True, related_name="+")
    connected_at = models.DateTimeField(auto_now_add=True)
    access_token = EncryptedTextField()
    refresh_token = EncryptedTextField(blank=True)
    # Where the org lives and who connected it: encrypted like the tokens. The org's address and
    # ids grant nothing, and an operator needs them in the logs; the username is personal data.
    instance_url = EncryptedTextField(credential=False)
    external_org_id = EncryptedTextField(credential=False)
    external_user_id = EncryptedTextField(credential=False)
    external_username = EncryptedTextField()
    token_refreshed_at = models.DateTimeField(null=True, blank=True)
    # A token refresh under way: claimed by one caller until then (see salesforce/tokens.py).
    token_refresh_claimed_until = models.DateTimeField(null=True, blank=True)
    # The provider's API budget as last reported (Salesforce: the Sforce-Limit-Info header).
    api_usage = models.PositiveIntegerField(null=True, blank=True)
    api_limit = models.PositiveIntegerField(null=True, blank=True)
    api_usage_at = models.DateTimeField(null=True, blank=True)
    # Syncing waits until then (the org's API allocation ran out, or our share of it).
    paused_until = models.DateTimeField(null=True, blank=True)
    paused_reason = models.TextField(blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["workspace", "provider"], name="one_connection_per_workspace_and_provider"
            )
        ]

    def __str__(self) -> str:
        return f"{self.provider} connection of workspace {self.workspace_id}"

    def __repr__(self) -> str:
        return f"<Connection {self.provider} workspace={self.workspace_id} status={self.status}>"

    @property
    def needs_reconnect(self) -> bool:
        return self.status == ConnectionStatus.NEEDS_RECONNECT


class SyncRunStatus(models.TextChoices):
    QUEUED = "queued", "Queued"
    RUNNING = "running", "Syncing"
    SUCCEEDED = "succeeded", "Completed"
    FAILED = "failed", "Failed"


class SyncRun(models.Model):
    """One sync of a workspace with a provider: QUEUED → RUNNING → SUCCEEDED or FAILED.

    People see this state (Settings → Integrations). A workspace has at most one run running and
    one queued: asking for a sync during a run queues one more, asking again while one is queued
    is refused. Workers hold a lease (`lease_until`) while running; a run whose worker died is
    taken over once the lease expires.
    """

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="+")
    provider = models.CharField(max_length=40)
    status = models.CharField(
        max_length=10, choices=SyncRunStatus.choices, default=SyncRunStatus.QUEUED
    )
    reason = models.CharField(max_length=20)  # connected, manual, scheduled
    requested_by = models.ForeignKey(
        Member, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    queued_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    lease_owner = models.CharField(max_length=80, blank=True)
    lease_until = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveIntegerField(default=0)
    stats = models.JSONField(default=dict, blank=True)
    error = models.TextField(blank=True)
    api_calls = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-queued_at", "-id"]
        indexes = [models.Index(fields=["workspace", "provider", "status"])]
        constraints = [
            # At most one running and one queued run per workspace and provider, enforced by the
            # database: two workers never sync one workspace at once, and asking for a sync
            # while one runs queues exactly one more.
            models.UniqueConstraint(
                fields=["workspace", "provider"],
                condition=models.Q(status="running"),
                name="one_running_sync_run",
            ),
            models.UniqueConstraint(
                fields=["workspace", "provider"],
                condition=models.Q(status="queued"),
                name="one_queued_sync_run",
            ),
        ]

    def __str__(self) -> str:
        return f"Sync #{self.pk} ({self.get_status_display()})"

    def __repr__(self) -> str:
        return f"<SyncRun {self.pk} {self.provider} workspace={self.workspace_id} {self.status}>"

    @property
    def is_active(self) -> bool:
        return self.status in {SyncRunStatus.QUEUED, SyncRunStatus.RUNNING}

    @property
    def duration_seconds(self) -> float | None:
        if self.started_at is None or self.finished_at is None:
            return None
        return (self.finished_at - self.started_at).total_seconds()
