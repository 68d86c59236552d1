"""Reading and writing a workspace's Salesforce app settings and connection."""

from __future__ import annotations

from django.core.cache import cache
from django.utils import timezone

from mailtrixy.accounts.models import Member, Workspace
from mailtrixy.integrations.models import AppCredentials, Connection, ConnectionStatus
from mailtrixy.integrations.salesforce.oauth import AppConfig, Identity, TokenSet

PROVIDER = "salesforce"


def app_credentials(workspace: Workspace) -> AppCredentials | None:
    return AppCredentials.objects.filter(workspace=workspace, provider=PROVIDER).first()


def app_config(workspace: Workspace) -> AppConfig | None:
    creds = app_credentials(workspace)
    if creds is None:
        return None
    return AppConfig(creds.client_id, creds.client_secret, creds.login_url.rstrip("/"))


def get_connection(workspace: Workspace | int) -> Connection | None:
    workspace_id = workspace if isinstance(workspace, int) else workspace.pk
    return Connection.objects.filter(workspace_id=workspace_id, provider=PROVIDER).first()


def save_connection(
    workspace: Workspace, member: Member, tokens: TokenSet, identity: Identity
) -> Connection:
    """Store a fresh consent, replacing any earlier connection of the workspace."""
    connection, _ = Connection.objects.update_or_create(
        workspace=workspace,
        provider=PROVIDER,
        defaults={
            "status": ConnectionStatus.CONNECTED,
            "status_reason": "",
            "connected_by": member,
            "connected_at": timezone.now(),
            "access_token": tokens.access_token,
            "refresh_token": tokens.refresh_token,
            "instance_url": tokens.instance_url,
            "external_org_id": identity.org_id,
            "external_user_id": identity.user_id,
            "external_username": identity.username,
            "token_refreshed_at": None,
            "token_refresh_claimed_until": None,  # a fresh consent ends any refresh under way
        },
    )
    forget_workspace_cache(workspace.pk)
    return connection


def mark_needs_reconnect(connection_id: int, reason: str) -> None:
    Connection.objects.filter(pk=connection_id).update(
        status=ConnectionStatus.NEEDS_RECONNECT, status_reason=reason
    )
    forget_workspace_cache_of_connection(connection_id)


def workspace_generation(workspace_id: int) -> int:
    """The workspace's cache generation: part of every cached key (see forget_workspace_cache)."""
    return int(cache.get(f"salesforce:generation:{workspace_id}") or 0)


def forget_workspace_cache(workspace_id: int) -> None:
    """Cards cached for a workspace are keyed under a generation number; bumping it drops them."""
    key = f"salesforce:generation:{workspace_id}"
    try:
        cache.incr(key)
    except ValueError:
        cache.set(key, 1, timeout=None)


def forget_workspace_cache_of_connection(connection_id: int) -> None:
    workspace_id = (
        Connection.objects.filter(pk=connection_id).values_list("workspace_id", flat=True).first()
    )
    if workspace_id is not None:
        forget_workspace_cache(workspace_id)
