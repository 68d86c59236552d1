"""The member's side of setup: Connect, the OAuth callback, Disconnect."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any

from django.db import transaction

from mailtrixy.accounts.models import Member
from mailtrixy.integrations.models import Connection
from mailtrixy.integrations.salesforce import connection as connections
from mailtrixy.integrations.salesforce import oauth
from mailtrixy.integrations.salesforce.errors import SalesforceError, explain, explain_oauth_error

log = logging.getLogger(__name__)


class ConnectError(Exception):
    """Connecting failed; the message says what happened and what to do."""


def start(session: Any, member: Member) -> str:
    """The Salesforce authorize URL to send the member's browser to."""
    app = connections.app_config(member.workspace)
    if app is None:
        raise ConnectError(
            "Salesforce is not set up for this workspace yet. Ask a workspace admin to enter the "
            "Connected App's Consumer Key and Secret in "
            "Admin → Settings → Integrations → Salesforce."
        )
    return oauth.begin(session, app, member.workspace_id, member.pk)


def finish(session: Any, params: Mapping[str, str], member: Member) -> Connection:
    """Handle Salesforce's redirect back: check state, exchange the code, store the connection."""
    try:
        verifier = oauth.take_state(
            session, params.get("state", ""), member.workspace_id, member.pk
        )
    except oauth.StateError as error:
        raise ConnectError(f"{error} Click Connect to start again.") from None
    if params.get("error"):
        raise ConnectError(
            explain_oauth_error(params["error"], params.get("error_description", ""))
        )
    code = params.get("code", "")
    if not code:
        raise ConnectError(
            "Salesforce sent no authorization code back. Click Connect to try again."
        )
    app = connections.app_config(member.workspace)
    if app is None:
        raise ConnectError("The Salesforce settings were removed meanwhile. Ask a workspace admin.")
    try:
        tokens = oauth.exchange_code(app, code, verifier)
        identity = oauth.fetch_identity(tokens)
    except SalesforceError as error:
        raise ConnectError(explain(error)) from error
    with transaction.atomic():
        connection = connections.save_connection(member.workspace, member, tokens, identity)
        transaction.on_commit(lambda: _after_connect(connection))
    log.info("Workspace %s connected to Salesforce org %s.", member.workspace_id, identity.org_id)
    return connection


def _after_connect(connection: Connection) -> None:
    # Imported here: the sync engine depends on this module's callers, not the other way round.
    from mailtrixy.integrations.salesforce.sync.jobs import enqueue_sync

    enqueue_sync(connection.workspace_id, reason="connected")


def disconnect(member: Member) -> bool:
    """Revoke the token at Salesforce and forget the connection. True when Salesforce confirmed."""
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
