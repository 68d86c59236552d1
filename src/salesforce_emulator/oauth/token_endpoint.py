"""`POST /services/oauth2/token`: the authorization_code and refresh_token grants."""

from __future__ import annotations

import base64
import binascii
import hmac
from urllib.parse import unquote_plus

from starlette.requests import Request
from starlette.responses import Response

from salesforce_emulator.context import base_url, registry_of
from salesforce_emulator.forms import form_fields
from salesforce_emulator.oauth.apps import ConnectedApp
from salesforce_emulator.oauth.grants import issues_refresh_token, token_body
from salesforce_emulator.oauth.pkce import verifier_matches
from salesforce_emulator.oauth.responses import OAuthError, token_response
from salesforce_emulator.oauth.tokens import Grant, IssuedTokens
from salesforce_emulator.registry import Registry

BAD_CLIENT_ID = OAuthError("invalid_client_id", "client identifier invalid")
BAD_SECRET = OAuthError("invalid_client", "invalid client credentials")
EXPIRED_CODE = OAuthError("invalid_grant", "expired authorization code")
EXPIRED_TOKEN = OAuthError("invalid_grant", "expired access/refresh token")


async def token(request: Request) -> Response:
    params = {**request.query_params, **(await form_fields(request))}
    try:
        return _grant(request, params)
    except OAuthError as error:
        return error.response()


def _grant(request: Request, params: dict[str, str]) -> Response:
    grant_type = params.get("grant_type", "")
    client_id, client_secret = _client_credentials(request, params)
    if grant_type == "authorization_code":
        return _authorization_code(request, params, client_id, client_secret)
    if grant_type == "refresh_token":
        return _refresh(request, params, client_id, client_secret)
    raise OAuthError("unsupported_grant_type", "grant type not supported")


def _authorization_code(
    request: Request, params: dict[str, str], client_id: str, client_secret: str | None
) -> Response:
    registry = registry_of(request)
    apps = _authenticate(registry, client_id, client_secret, secret_required=True)
    code = registry.codes.redeem(params.get("code", ""))
    app = registry.apps.by_id(code.app_id) if code else None
    if code is None or app is None or app.consumer_key != client_id:
        raise EXPIRED_CODE
    if app.id not in apps:
        raise BAD_SECRET  # another org's app with the same key: not the secret it was given
    if params.get("redirect_uri", "") != code.redirect_uri:
        raise OAuthError("redirect_uri_mismatch", "redirect_uri must match configuration")
    _check_pkce(code.code_challenge, params.get("code_verifier"))
    grant = Grant(code.org_id, code.user_id, app.id, code.scope)
    issued = registry.tokens.issue(grant, with_refresh=issues_refresh_token(code.scope))
    _count(registry, code.org_id, "token_authorization_code")
    return _respond(request, params, app, grant, issued)


def _refresh(
    request: Request, params: dict[str, str], client_id: str, client_secret: str | None
) -> Response:
    registry = registry_of(request)
    apps = _authenticate(registry, client_id, client_secret, secret_required=False)
    refresh_token = params.get("refresh_token", "")
    grant = registry.tokens.refresh_grant(refresh_token)
    app = registry.apps.by_id(grant.app_id) if grant else None
    if grant is None or app is None or app.consumer_key != client_id:
        raise EXPIRED_TOKEN
    if app.id not in apps:
        raise BAD_SECRET
    if app.rotate_refresh_tokens:
        # Rotation: a new refresh token comes back and the one just used stops working.
        registry.tokens.revoke(refresh_token, reason="rotated")
        issued = registry.tokens.issue(grant, with_refresh=True)
    else:
        issued = registry.tokens.issue(grant, with_refresh=False, refresh_token=refresh_token)
    _count(registry, grant.org_id, "token_refresh")
    return _respond(request, params, app, grant, issued)


def _respond(
    request: Request, params: dict[str, str], app: ConnectedApp, grant: Grant, issued: IssuedTokens
) -> Response:
    body = token_body(base_url(request), app, issued, grant.org_id, grant.user_id, grant.scope)
    return token_response(request, body, params)


def _client_credentials(request: Request, params: dict[str, str]) -> tuple[str, str | None]:
    """Client id and secret from the form, or from HTTP Basic authentication."""
    client_id, secret = params.get("client_id", ""), params.get("client_secret")
    header = request.headers.get("authorization", "")
    if header.lower().startswith("basic "):
        try:
            decoded = base64.b64decode(header[6:].strip()).decode()
        except (binascii.Error, UnicodeDecodeError):
            raise BAD_SECRET from None
        basic_id, _, basic_secret = decoded.partition(":")
        client_id = client_id or unquote_plus(basic_id)
        secret = secret if secret is not None else unquote_plus(basic_secret)
    return client_id, secret


def _authenticate(
    registry: Registry, client_id: str, secret: str | None, *, secret_required: bool
) -> set[int]:
    """The ids of the apps this key and secret prove, checked before the code or token is.

    Like Salesforce (and RFC 6749 §5.2), the client is authenticated first: an unknown key is
    `invalid_client_id` and a wrong secret `invalid_client` whatever the grant, and only a right
    pair learns whether its code or refresh token is good (`invalid_grant`). A key may exist in
    several orgs, each app with its own secret: the secret must match at least one of them.
    """
    apps = registry.apps.by_key(client_id)
    if not apps:
        raise BAD_CLIENT_ID
    proven = {app.id for app in apps if _secret_matches(app, secret, secret_required)}
    if not proven:
        raise BAD_SECRET
    return proven


def _secret_matches(app: ConnectedApp, secret: str | None, secret_required: bool) -> bool:
    """A given secret must be the app's; a missing one passes where the app does not require it."""
    if secret is None:
        return not (secret_required and app.require_secret)
    return hmac.compare_digest(secret.encode(), app.consumer_secret.encode())


def _check_pkce(challenge: str | None, verifier: str | None) -> None:
    """A challenge without a verifier is invalid_grant; a wrong verifier invalid_request (§1.2)."""
    if not challenge:
        return
    if not verifier:
        raise OAuthError("invalid_grant", "invalid code verifier")
    if not verifier_matches(challenge, verifier):
        raise OAuthError("invalid_request", "invalid code verifier")


def _count(registry: Registry, org_id: str, kind: str) -> None:
    handle = registry.find(org_id)
    if handle is not None:
        handle.counters.oauth[kind] += 1
