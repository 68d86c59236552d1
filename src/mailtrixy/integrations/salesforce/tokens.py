"""Refreshing an expired access token: once, under a lock that holds across processes.

Many callers may hit an expired token at the same moment (50 card views, a sync). Each calls
`refresh_access_token(connection_id, stale_token)`; the first to take the connection's row lock
refreshes, the others find the token already changed and use the new one. So any number of
concurrent callers cause exactly one refresh, on any number of machines (PostgreSQL: SELECT ... FOR
UPDATE; SQLite: transactions begin IMMEDIATE, which serialises writers the same way).
"""

from __future__ import annotations

import logging

from django.db import transaction
from django.utils import timezone

from mailtrixy.integrations.models import Connection
from mailtrixy.integrations.salesforce import connection as connections
from mailtrixy.integrations.salesforce import oauth
from mailtrixy.integrations.salesforce.errors import NeedsReconnect, OAuthError, explain

log = logging.getLogger(__name__)


def refresh_access_token(connection_id: int, stale_token: str) -> str:
    """A working access token for the connection, refreshing only if it is still `stale_token`."""
    refused: OAuthError | None = None
    with transaction.atomic():
        conn = Connection.objects.select_for_update().get(pk=connection_id)
        if conn.needs_reconnect:
            raise NeedsReconnect(conn.status_reason or "Reconnect Salesforce.")
        if conn.access_token != stale_token:
            return conn.access_token
        try:
            _refresh(conn)
            return conn.access_token
        except OAuthError as error:
            if error.error != "invalid_grant":
                raise
            refused = error
    # Outside the transaction, so the mark survives the exception that follows.
    reason = explain(NeedsReconnect(refused.description))
    connections.mark_needs_reconnect(connection_id, reason)
    log.warning(
        "Salesforce refused the refresh token of connection %s (%s): needs reconnect.",
        connection_id,
        refused.error,
    )
    raise NeedsReconnect(reason, error_code=refused.error)


def _refresh(conn: Connection) -> None:
    app = connections.app_config(conn.workspace)
    if app is None:
        raise OAuthError("invalid_grant", "The Connected App settings were removed.")
    body = oauth.token_request(
        app,
        {
            "grant_type": "refresh_token",
            "refresh_token": conn.refresh_token,
            "client_id": app.client_id,
            "client_secret": app.client_secret,
        },
    )
    conn.access_token = body["access_token"]
    if body.get("refresh_token"):  # only when the app rotates refresh tokens
        conn.refresh_token = body["refresh_token"]
    conn.instance_url = str(body.get("instance_url", conn.instance_url)).rstrip("/")
    conn.token_refreshed_at = timezone.now()
    conn.save(update_fields=["access_token", "refresh_token", "instance_url", "token_refreshed_at"])
    log.info("Refreshed the Salesforce access token of connection %s.", conn.pk)
