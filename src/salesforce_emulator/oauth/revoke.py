"""`/services/oauth2/revoke`: an access token, or a refresh token with all its access tokens."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from salesforce_emulator.context import registry_of
from salesforce_emulator.forms import form_fields
from salesforce_emulator.oauth.responses import NO_STORE, OAuthError


async def revoke(request: Request) -> Response:
    form = await form_fields(request)
    token = form.get("token") or request.query_params.get("token") or ""
    registry = registry_of(request)
    grant = registry.tokens.owner(token)
    if grant is None or not registry.tokens.revoke(token, reason="revoked by client"):
        return OAuthError("invalid_token", "invalid token").response()
    handle = registry.find(grant.org_id)
    if handle is not None:
        handle.counters.oauth["revoke"] += 1
    return Response(status_code=200, headers=NO_STORE)
