"""The HTTP side of `/services/data/…`: versions, the session, the daily allocation, faults.

Order per request: version → session (401) → allocation (403) → count → latency → injected
500/503 → the operation → for a write, maybe "commit, then drop the response".
"""

from __future__ import annotations

import asyncio
import json
from typing import Any

from starlette.requests import Request
from starlette.responses import Response

from salesforce_emulator.context import registry_of
from salesforce_emulator.errors import SalesforceError, json_parser_error, not_found
from salesforce_emulator.oauth.bearer import bearer_token
from salesforce_emulator.registry import OrgHandle
from salesforce_emulator.rest import versions
from salesforce_emulator.rest.context import RestContext, RestRequest, RestResult
from salesforce_emulator.rest.drop import DroppedResponse
from salesforce_emulator.rest.responses import (
    LIMIT_EXCEEDED,
    SESSION_EXPIRED,
    error_response,
    json_response,
)
from salesforce_emulator.rest.routes import build_router

ROUTER = build_router()
WRITE_METHODS = frozenset({"POST", "PATCH", "PUT", "DELETE"})
INTERNAL_ERROR = SalesforceError(
    500,
    "UNKNOWN_EXCEPTION",
    "An unexpected error occurred. Please include this ErrorId if you contact support: "
    "1234567-89012 (-1234567890)",
)
UNAVAILABLE = SalesforceError(503, "SERVER_UNAVAILABLE", "Server Unavailable")


async def versions_list(request: Request) -> Response:
    """`GET /services/data/`: no session needed, not counted, no limit header (§2.1)."""
    return json_response(versions.versions())


async def data_api(request: Request) -> Response:
    parsed = versions.parse(request.path_params["version"])
    if parsed is None or not versions.is_known(parsed[1]):
        if parsed is not None and versions.is_retired(parsed[1]):
            retired = SalesforceError(
                410, "API_VERSION_RETIRED", f"API version {parsed[0]} is retired"
            )
            return error_response(retired)
        return error_response(not_found())
    handle, user_id = _session(request)
    if handle is None or user_id is None:
        return error_response(SESSION_EXPIRED)
    if handle.usage.used() >= handle.api_limit():
        return error_response(LIMIT_EXCEEDED, _limit_header(handle))
    handle.usage.count()
    return await _serve(request, handle, user_id, parsed[0])


async def _serve(request: Request, handle: OrgHandle, user_id: str, version: str) -> Response:
    headers = _limit_header(handle)
    faults = handle.faults
    if faults.config.latency_ms:
        await asyncio.sleep(faults.config.latency_ms / 1000)
    for kind, error in (("error_500", INTERNAL_ERROR), ("error_503", UNAVAILABLE)):
        if faults.fires(kind):
            handle.counters.faults[kind] += 1
            return error_response(error, headers)
    try:
        rest_request = await _rest_request(request, version)
    except SalesforceError as error:
        return error_response(error, headers)
    kind, result = ROUTER.dispatch(RestContext(handle, user_id), rest_request)
    handle.counters.api(kind)
    if _writes(rest_request) and result.ok and faults.fires("drop_response"):
        handle.counters.faults["drop_response"] += 1
        raise DroppedResponse(faults.config.drop_mode, faults.config.hang_seconds)
    return _respond(request, result, headers)


def _writes(rest_request: RestRequest) -> bool:
    """Whether the request may change the org: "commit, then drop the response" needs a commit.

    A Composite request is POSTed even when every subrequest is a GET (the card's lookup, the
    sync's change queries); it writes only if one of its subrequests does.
    """
    if rest_request.method not in WRITE_METHODS:
        return False
    body = rest_request.body
    if rest_request.path.rstrip("/") == "composite" and isinstance(body, dict):
        subrequests = body.get("compositeRequest")
        if isinstance(subrequests, list):
            return any(
                isinstance(sub, dict) and sub.get("method") in WRITE_METHODS for sub in subrequests
            )
    return True


def _respond(request: Request, result: RestResult, headers: dict[str, str]) -> Response:
    if isinstance(result.body, bytes):  # a Bulk API 2.0 CSV page: sent as it is
        return Response(result.body, result.status, {**result.headers, **headers})
    pretty = request.headers.get("x-prettyprint") == "1"
    return json_response(result.body, result.status, {**result.headers, **headers}, pretty=pretty)


def _session(request: Request) -> tuple[OrgHandle | None, str | None]:
    token = bearer_token(request)
    registry = registry_of(request)
    grant = registry.tokens.access_grant(token) if token else None
    if grant is None:
        return None, None
    return registry.find(grant.org_id), grant.user_id


def _limit_header(handle: OrgHandle) -> dict[str, str]:
    return {"Sforce-Limit-Info": f"api-usage={handle.usage.used()}/{handle.api_limit()}"}


async def _rest_request(request: Request, version: str) -> RestRequest:
    method = request.method
    override = request.query_params.get("_HttpMethod")
    if method == "POST" and override:
        method = override.upper()
    raw_path = request.scope.get("raw_path") or request.url.path.encode()
    path = raw_path.decode("latin-1").split("?")[0]
    rest_path = path.split("/", 4)[4] if path.count("/") >= 4 else ""
    return RestRequest(
        method=method,
        path=rest_path.rstrip("/"),
        version=version,
        query={k: v for k, v in request.query_params.items() if k != "_HttpMethod"},
        headers={k.lower(): v for k, v in request.headers.items()},
        body=await _json_body(request),
    )


async def _json_body(request: Request) -> Any:
    raw = await request.body()
    if not raw.strip():
        return None
    try:
        return json.loads(raw)
    except (json.JSONDecodeError, UnicodeDecodeError) as error:
        raise json_parser_error(
            f"Unexpected character: was expecting a JSON value ({error})"
        ) from None
