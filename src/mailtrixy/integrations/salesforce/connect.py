"""The member's side of setup: Connect, the OAuth callback, Disconnect."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import transaction

from mailtrixy.accounts.models import Member
from mailtrixy.integrations.models import Connection, SyncRun
from mailtrixy.integrations.salesforce import connection as connections
from mailtrixy.integrations.salesforce import oauth
from mailtrixy.integrations.salesforce.errors import (
    NOT_SET_UP,
    AdminFix,
    OAuthError,
    SalesforceError,
    explain,
    explain_oauth_error,
    oauth_admin_fix,
)
from mailtrixy.integrations.salesforce.sync.jobs import enqueue_sync

log = logging.getLogger(__name__)


class ConnectError(Exception):
    """Connecting failed; the message says what happened and what to do.

    `fix` is set when a workspace admin can fix it on the admin page: an admin reads it instead.
    """

    def __init__(self, message: str, fix: AdminFix | None = None) -> None:
        super().__init__(message)
        self.fix = fix


@dataclass(frozen=True)
class Connected:
    connection: Connection
    first_sync: bool
    """True when the sync that just started is the workspace's first ever."""


def start(session: Any, member: Member) -> str:
    """The Salesforce authorize URL to send the member's browser to."""
    app = connections.app_config(member.workspace)
    if app is None:
        raise ConnectError(str(NOT_SET_UP), NOT_SET_UP)
    return oauth.begin(session, app, member.workspace_id, member.pk)


def finish(session: Any, params: Mapping[str, str], member: Member) -> Connected:
    """Handle Salesforce's redirect back: check state, exchange the code, store the connection."""
    try:
        verifier = oauth.take_state(
            session, params.get("state", ""), member.workspace_id, member.pk
        )
    except oauth.StateError as error:
        raise ConnectError(f"{error} Click Connect to start again.") from None
    if params.get("error"):
        code, description = params["error"], params.get("error_description", "")
        raise ConnectError(
            explain_oauth_error(code, description), oauth_admin_fix(code, description)
        )
    code = params.get("code", "")
    if not code:
        raise ConnectError(
            "Salesforce sent no authorization code back. Click Connect to try again."
        )
    app = connections.app_config(member.workspace)
    if app is None:
        raise ConnectError(str(NOT_SET_UP), NOT_SET_UP)
    try:
        tokens = oauth.exchange_code(app, code, verifier)
        identity = oauth.fetch_identity(tokens)
    except SalesforceError as error:
        raise ConnectError(explain(error), _admin_fix(error)) from error
    first_sync = not SyncRun.objects.filter(
        workspace_id=member.workspace_id, provider=connections.PROVIDER
    ).exists()
    with transaction.atomic():
        connection = connections.save_connection(member.workspace, member, tokens, identity)
        transaction.on_commit(lambda: _after_connect(connection))
    log.info("Workspace %s connected to Salesforce org %s.", member.workspace_id, identity.org_id)
    return Connected(connection, first_sync)


def _admin_fix(error: SalesforceError) -> AdminFix | None:
    if isinstance(error, OAuthError):
        return oauth_admin_fix(error.error, error.description)
    return None


def _after_connect(connection: Connection) -> None:
    enqueue_sync(connection.workspace_id, reason="connected")


def may_disconnect(member: Member) -> bool:
    """Admins may disconnect; other members only where the installation allows it."""
    return member.is_admin or bool(settings.SALESFORCE_MEMBERS_MAY_DISCONNECT)


def disconnect(member: Member) -> bool:
    """Revoke the token at Salesforce and forget the connection. True when Salesforce confirmed.

    Only the connection goes: contacts, deals, their links to Salesforce records and the sync
    history stay, so connecting the same org again continues where syncing stopped.
    """
    connection = connections.get_connection(member.workspace)
    if connection is None:
        return False
    app = connections.app_config(member.workspace)
    revoked = False
    if app is not None:
        token = connection.refresh_token or connection.access_token
        try:
            revoked = oauth.revoke(app.login_url, token)
        except SalesforceError as error:
            log.warning("Revoking the Salesforce token failed: %s", error.message)
    connection.delete()
    connections.forget_workspace_cache(member.workspace_id)
    return revoked
