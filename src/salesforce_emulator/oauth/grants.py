"""Turning a grant into Salesforce's token response (reference §1.3 and §1.4)."""

from __future__ import annotations

from typing import Any

from salesforce_emulator.ids import to_18
from salesforce_emulator.oauth.apps import ConnectedApp
from salesforce_emulator.oauth.responses import signature
from salesforce_emulator.oauth.tokens import IssuedTokens

REFRESH_SCOPES = frozenset({"refresh_token", "offline_access"})


def granted_scope(requested: str | None, app: ConnectedApp) -> str:
    """The app's scopes, narrowed to those requested; `full` keeps everything the app has."""
    if not requested:
        return " ".join(app.scopes)
    wanted = set(requested.replace(",", " ").split())
    if "full" in wanted:
        wanted |= set(app.scopes) - REFRESH_SCOPES
    return " ".join(s for s in app.scopes if s in wanted) or " ".join(app.scopes)


def issues_refresh_token(scope: str) -> bool:
    return bool(REFRESH_SCOPES & set(scope.split()))


def identity_url(base: str, org_id: str, user_id: str) -> str:
    return f"{base}/id/{to_18(org_id)}/{to_18(user_id)}"


def token_body(
    base: str, app: ConnectedApp, issued: IssuedTokens, org_id: str, user_id: str, scope: str
) -> dict[str, Any]:
    """Keys as Salesforce sends them: no `expires_in`; `issued_at` is a 13-digit ms string."""
    identity = identity_url(base, org_id, user_id)
    issued_at = str(int(issued.issued_at * 1000))
    body: dict[str, Any] = {"access_token": issued.access_token}
    if issued.refresh_token:
        body["refresh_token"] = issued.refresh_token
    body.update(
        {
            "signature": signature(identity, issued_at, app.consumer_secret),
            "scope": scope,
            "instance_url": base,
            "id": identity,
            "token_type": "Bearer",
            "issued_at": issued_at,
        }
    )
    return body
