"""The OAuth 2.0 web-server flow with PKCE: authorize URL, code exchange, identity, revoke.

`state` is single use, bound to the member's session and workspace, and expires; the PKCE
verifier never leaves the session. Refreshing tokens lives in tokens.py.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
import time
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from django.conf import settings

from mailtrixy.integrations.salesforce import http
from mailtrixy.integrations.salesforce.errors import OAuthError, SalesforceUnavailable

SCOPES = "api refresh_token offline_access"
CALLBACK_PATH = "/oauth/salesforce/callback"
SESSION_KEY = "salesforce_oauth_states"
STATE_LIFETIME_SECONDS = 600


def callback_url() -> str:
    """The exact Callback URL to register in the Connected App."""
    return f"{settings.BASE_URL}{CALLBACK_PATH}"


@dataclass(frozen=True)
class AppConfig:
    """The admin's Connected App, decrypted for one use."""

    client_id: str
    client_secret: str
    login_url: str


@dataclass(frozen=True)
class TokenSet:
    access_token: str
    refresh_token: str
    instance_url: str
    identity_url: str
    issued_at: str
    scope: str


@dataclass(frozen=True)
class Identity:
    org_id: str
    user_id: str
    username: str
    display_name: str


class StateError(Exception):
    """The callback's `state` is unknown, used, expired, or not this member's."""


def pkce_pair() -> tuple[str, str]:
    """A PKCE code verifier and its S256 challenge (RFC 7636)."""
    verifier = secrets.token_urlsafe(64)
    digest = hashlib.sha256(verifier.encode("ascii")).digest()
    challenge = base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")
    return verifier, challenge


def begin(session: Any, app: AppConfig, workspace_id: int, member_id: int) -> str:
    """Remember a new state and verifier in the session; return the URL to send the browser to."""
    state = secrets.token_urlsafe(32)
    verifier, challenge = pkce_pair()
    now = time.time()
    pending = {
        key: value
        for key, value in session.get(SESSION_KEY, {}).items()
        if value["expires_at"] > now
    }
    pending[state] = {
        "verifier": verifier,
        "workspace_id": workspace_id,
        "member_id": member_id,
        "expires_at": now + STATE_LIFETIME_SECONDS,
    }
    session[SESSION_KEY] = pending
    query = urlencode(
        {
            "response_type": "code",
            "client_id": app.client_id,
            "redirect_uri": callback_url(),
            "scope": SCOPES,
            "state": state,
            "code_challenge": challenge,
            "code_challenge_method": "S256",
        }
    )
    return f"{app.login_url}/services/oauth2/authorize?{query}"


def take_state(session: Any, state: str, workspace_id: int, member_id: int) -> str:
    """Consume `state` (single use) and return its PKCE verifier."""
    pending = dict(session.get(SESSION_KEY, {}))
    entry = pending.pop(state, None) if state else None
    session[SESSION_KEY] = pending
    if entry is None:
        raise StateError("This sign-in link is unknown or was already used.")
    if entry["expires_at"] < time.time():
        raise StateError("This sign-in took too long and expired.")
    if entry["workspace_id"] != workspace_id or entry["member_id"] != member_id:
        raise StateError("This sign-in was started by someone else.")
    return str(entry["verifier"])


def exchange_code(app: AppConfig, code: str, verifier: str) -> TokenSet:
    data = {
        "grant_type": "authorization_code",
        "code": code,
        "client_id": app.client_id,
        "client_secret": app.client_secret,
        "redirect_uri": callback_url(),
        "code_verifier": verifier,
    }
    body = token_request(app, data)
    return TokenSet(
        access_token=body["access_token"],
        refresh_token=body.get("refresh_token", ""),
        instance_url=body["instance_url"].rstrip("/"),
        identity_url=body["id"],
        issued_at=str(body.get("issued_at", "")),
        scope=body.get("scope", ""),
    )


# A code Salesforce never issues (real ones are long base64): redeeming it proves key and secret.
PROBE_CODE = "mailtrixy-test-connection"


def check_client(app: AppConfig) -> str:
    """Salesforce's verdict on the key and secret alone: the OAuth error its token endpoint gives.

    The token endpoint authenticates the client before it looks at the code, so a code exchange
    with a code that cannot exist answers `invalid_client_id` (unknown key), `invalid_client`
    (wrong secret) or, for a right pair, `invalid_grant` (the code). No user logs in. Transport
    failures raise SalesforceUnavailable as for any call; "" would mean the code was accepted.
    """
    data = {
        "grant_type": "authorization_code",
        "code": PROBE_CODE,
        "client_id": app.client_id,
        "client_secret": app.client_secret,
        "redirect_uri": callback_url(),
    }
    try:
        token_request(app, data)
    except OAuthError as error:
        return error.error
    return ""


def token_request(app: AppConfig, data: dict[str, str]) -> dict[str, Any]:
    """POST to the token endpoint; OAuth errors become OAuthError, signatures are checked."""
    response = http.send(
        "POST",
        f"{app.login_url}/services/oauth2/token",
        data=data,
        headers={"Accept": "application/json"},
    )
    body = _json_object(response)
    if response.status_code != 200 or "error" in body:
        raise OAuthError(
            str(body.get("error", f"http_{response.status_code}")),
            str(body.get("error_description", "")),
            status=response.status_code,
        )
    _check_signature(body, app.client_secret)
    return body


def _json_object(response: Any) -> dict[str, Any]:
    try:
        body = response.json()
    except ValueError:
        raise SalesforceUnavailable(
            f"Salesforce answered {response.status_code} with a page instead of JSON.",
            status=response.status_code,
        ) from None
    if not isinstance(body, dict):
        raise SalesforceUnavailable("Salesforce answered with an unexpected shape.")
    return body


def _check_signature(body: dict[str, Any], secret: str) -> None:
    """Salesforce signs `id + issued_at` with the consumer secret (HMAC-SHA256, base64)."""
    signature = body.get("signature")
    if not signature or "id" not in body or "issued_at" not in body:
        return
    expected = hmac.new(
        secret.encode(), f"{body['id']}{body['issued_at']}".encode(), hashlib.sha256
    ).digest()
    if not hmac.compare_digest(base64.b64decode(signature), expected):
        raise OAuthError("invalid_signature", "The token response's signature does not match.")


def fetch_identity(tokens: TokenSet) -> Identity:
    response = http.send(
        "GET",
        tokens.identity_url,
        headers={"Authorization": f"Bearer {tokens.access_token}", "Accept": "application/json"},
    )
    if response.status_code != 200:
        raise OAuthError("identity_failed", f"The identity URL answered {response.status_code}.")
    body = _json_object(response)
    return Identity(
        org_id=str(body["organization_id"]),
        user_id=str(body["user_id"]),
        username=str(body.get("username", "")),
        display_name=str(body.get("display_name", "")),
    )


def revoke(login_url: str, token: str) -> bool:
    """Revoke a token at Salesforce (a refresh token revokes its access tokens too)."""
    if not token:
        return False
    response = http.send("POST", f"{login_url}/services/oauth2/revoke", data={"token": token})
    return response.status_code == 200
