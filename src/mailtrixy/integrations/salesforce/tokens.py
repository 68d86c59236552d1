"""Refreshing an expired access token: once for any number of callers, and no transaction held
while Salesforce answers.

Many callers may hit an expired token at the same moment (50 card views, a sync). Each calls
`refresh_access_token(connection_id, stale_token)`:

1. A short transaction claims the refresh on the connection's row: `token_refresh_claimed_until`,
   a lease as long as the token request's time limit (plus a margin).
2. The one claimer asks Salesforce, outside any transaction: on SQLite a write transaction
   locks the whole database, on PostgreSQL the row, and the answer can take the full time limit.
3. A second short transaction stores the new token and ends the claim.

The others find a live claim and read the row (reads block no writer) until the token changes,
at most two leases long. So any number of concurrent callers cause one refresh, on any number
of machines, on SQLite and PostgreSQL alike. A claimer that dies leaves a claim that ends with
its lease; the next caller then claims it. A claimer that fails (Salesforce unreachable) ends its
claim at once, so the next caller tries again. A refused refresh token (`invalid_grant`) marks
the connection needs-reconnect, once: the waiters see the mark and stop without asking.
"""

from __future__ import annotations

import logging
import time
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from mailtrixy.integrations.models import Connection
from mailtrixy.integrations.salesforce import connection as connections
from mailtrixy.integrations.salesforce import oauth
from mailtrixy.integrations.salesforce.errors import (
    NeedsReconnect,
    OAuthError,
    SalesforceTimeout,
    explain,
)

log = logging.getLogger(__name__)

LEASE_MARGIN_SECONDS = 5.0
"""A claim outlives the token request's time limit by this much (storing the answer)."""
POLL_FIRST_SECONDS = 0.02
POLL_MAX_SECONDS = 0.25


def refresh_access_token(connection_id: int, stale_token: str) -> str:
    """A working access token for the connection, refreshing only if it is still `stale_token`."""
    deadline = time.monotonic() + 2 * _lease_seconds()
    pause = POLL_FIRST_SECONDS
    while True:
        conn = Connection.objects.get(pk=connection_id)
        fresh = _usable_token(conn, stale_token)
        if fresh is not None:
            return fresh
        if not _claimed(conn):
            if _claim(connection_id, stale_token):
                return _refresh(connection_id, stale_token)
            continue  # someone else claimed or refreshed meanwhile: look again at once
        if time.monotonic() > deadline:
            raise SalesforceTimeout("The renewal of the Salesforce login did not finish in time.")
        time.sleep(pause)
        pause = min(pause * 2, POLL_MAX_SECONDS)


def _usable_token(conn: Connection, stale_token: str) -> str | None:
    """The row's token if someone refreshed it already; raises if only a reconnect can help."""
    if conn.needs_reconnect:
        raise NeedsReconnect(conn.status_reason or "Reconnect Salesforce.")
    return conn.access_token if conn.access_token != stale_token else None


def _claimed(conn: Connection) -> bool:
    until: datetime | None = conn.token_refresh_claimed_until
    return until is not None and until > timezone.now()


def _lease_seconds() -> float:
    return float(settings.SALESFORCE_TIMEOUT) + LEASE_MARGIN_SECONDS


def _claim(connection_id: int, stale_token: str) -> bool:
    """Claim the refresh if the token is still stale and nobody holds a live claim (short)."""
    with transaction.atomic():
        conn = Connection.objects.select_for_update().get(pk=connection_id)
        if conn.needs_reconnect or conn.access_token != stale_token or _claimed(conn):
            return False
        lease = timedelta(seconds=_lease_seconds())
        conn.token_refresh_claimed_until = timezone.now() + lease
        conn.save(update_fields=["token_refresh_claimed_until"])
        return True


def _refresh(connection_id: int, stale_token: str) -> str:
    """Ask Salesforce for a new token (no transaction open) and store it; the claim is ours."""
    try:
        body = _token_request(Connection.objects.get(pk=connection_id))
    except OAuthError as error:
        if error.error == "invalid_grant":
            raise _needs_reconnect(connection_id, error) from None
        _end_claim(connection_id)
        raise
    except BaseException:  # unreachable, timed out, interrupted: let the next caller try
        _end_claim(connection_id)
        raise
    return _store(connection_id, stale_token, body)


def _token_request(conn: Connection) -> dict[str, Any]:
    app = connections.app_config(conn.workspace)
    if app is None:
        raise OAuthError("invalid_grant", "The Connected App settings were removed.")
    return oauth.token_request(
        app,
        {
            "grant_type": "refresh_token",
            "refresh_token": conn.refresh_token,
            "client_id": app.client_id,
            "client_secret": app.client_secret,
        },
    )


def _store(connection_id: int, stale_token: str, body: dict[str, Any]) -> str:
    """Save the new token and end the claim (short). A token saved meanwhile, by a reconnect or
    by a caller that took over an expired claim, is newer than ours: it is kept."""
    with transaction.atomic():
        conn = Connection.objects.select_for_update().get(pk=connection_id)
        conn.token_refresh_claimed_until = None
        if conn.access_token != stale_token:
            conn.save(update_fields=["token_refresh_claimed_until"])
            return conn.access_token
        conn.access_token = body["access_token"]
        if body.get("refresh_token"):  # only when the app rotates refresh tokens
            conn.refresh_token = body["refresh_token"]
        conn.instance_url = str(body.get("instance_url", conn.instance_url)).rstrip("/")
        conn.token_refreshed_at = timezone.now()
        conn.save(
            update_fields=[
                "access_token",
                "refresh_token",
                "instance_url",
                "token_refreshed_at",
                "token_refresh_claimed_until",
            ]
        )
    log.info("Refreshed the Salesforce access token of connection %s.", connection_id)
    return conn.access_token


def _end_claim(connection_id: int) -> None:
    Connection.objects.filter(pk=connection_id).update(token_refresh_claimed_until=None)


def _needs_reconnect(connection_id: int, refused: OAuthError) -> NeedsReconnect:
    """Mark the connection (the waiters see the mark and stop), end the claim, log once."""
    reason = explain(NeedsReconnect(refused.description))
    connections.mark_needs_reconnect(connection_id, reason)
    _end_claim(connection_id)
    log.warning(
        "Salesforce refused the refresh token of connection %s (%s): needs reconnect.",
        connection_id,
        refused.error,
    )
    return NeedsReconnect(reason, error_code=refused.error)
