"""The identity URL `GET /id/{orgId}/{userId}` and `GET /services/oauth2/userinfo` (§1.7).

The identity service answers a bad token with 403 and a plain-text reason, not the REST array.
"""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, Response

from salesforce_emulator.context import base_url, registry_of
from salesforce_emulator.forms import form_fields
from salesforce_emulator.ids import is_valid_id, to_18
from salesforce_emulator.oauth.bearer import bearer_token
from salesforce_emulator.oauth.grants import identity_url
from salesforce_emulator.oauth.tokens import Grant
from salesforce_emulator.oauth.users import user_record
from salesforce_emulator.registry import OrgHandle


async def identity(request: Request) -> Response:
    found = await _authenticated(request)
    if isinstance(found, Response):
        return found
    handle, _grant = found
    org_id, user_id = request.path_params["org_id"], request.path_params["user_id"]
    if not (is_valid_id(org_id) and is_valid_id(user_id)) or to_18(org_id) != handle.id:
        return PlainTextResponse("Bad_Id", status_code=403)
    user = user_record(handle, to_18(user_id))
    if user is None:
        return PlainTextResponse("Bad_Id", status_code=404)
    handle.counters.oauth["identity"] += 1
    version = request.query_params.get("version", "{version}")
    return JSONResponse(_identity_body(base_url(request), handle, user, version))


async def userinfo(request: Request) -> Response:
    found = await _authenticated(request)
    if isinstance(found, Response):
        return found
    handle, grant = found
    user = user_record(handle, grant.user_id)
    if user is None:
        return PlainTextResponse("Bad_Id", status_code=404)
    handle.counters.oauth["userinfo"] += 1
    return JSONResponse(_userinfo_body(base_url(request), handle, user))


async def _authenticated(request: Request) -> tuple[OrgHandle, Grant] | Response:
    token = bearer_token(request) or request.query_params.get("oauth_token")
    if token is None and request.method == "POST":
        token = (await form_fields(request)).get("oauth_token")
    registry = registry_of(request)
    grant = registry.tokens.access_grant(token) if token else None
    handle = registry.find(grant.org_id) if grant else None
    if grant is None or handle is None:
        return PlainTextResponse("Bad_OAuth_Token", status_code=403)
    return handle, grant


def _urls(base: str, org_id: str, user_id: str, version: str) -> dict[str, str]:
    data = f"{base}/services/data/v{version}"
    org15 = org_id[:15]
    return {
        "enterprise": f"{base}/services/Soap/c/{version}/{org15}",
        "metadata": f"{base}/services/Soap/m/{version}/{org15}",
        "partner": f"{base}/services/Soap/u/{version}/{org15}",
        "rest": f"{data}/",
        "sobjects": f"{data}/sobjects/",
        "search": f"{data}/search/",
        "query": f"{data}/query/",
        "recent": f"{data}/recent/",
        "profile": f"{base}/{user_id}",
    }


def _identity_body(
    base: str, handle: OrgHandle, user: dict[str, Any], version: str
) -> dict[str, Any]:
    user_id = str(user["Id"])
    return {
        "id": identity_url(base, handle.id, user_id),
        "asserted_user": True,
        "user_id": user_id,
        "organization_id": handle.id,
        "username": user.get("Username"),
        "nick_name": str(user.get("Username") or "").split("@")[0],
        "display_name": user.get("Name"),
        "email": user.get("Email"),
        "first_name": user.get("FirstName"),
        "last_name": user.get("LastName"),
        "status": {"created_date": None, "body": None},
        "photos": {
            "picture": f"{base}/profilephoto/005/F",
            "thumbnail": f"{base}/profilephoto/005/T",
        },
        "urls": _urls(base, handle.id, user_id, version),
        "active": bool(user.get("IsActive", True)),
        "user_type": "STANDARD",
        "language": user.get("LanguageLocaleKey") or "en_US",
        "locale": user.get("LanguageLocaleKey") or "en_US",
        "utcOffset": 0,
        "last_modified_date": user.get("LastModifiedDate"),
    }


def _userinfo_body(base: str, handle: OrgHandle, user: dict[str, Any]) -> dict[str, Any]:
    # The reference (§8) found no authoritative userinfo shape; these are the OpenID Connect claims
    # plus the Salesforce keys the Salesforce CLI reads (user_id, organization_id, urls).
    user_id = str(user["Id"])
    return {
        "sub": identity_url(base, handle.id, user_id),
        "user_id": user_id,
        "organization_id": handle.id,
        "preferred_username": user.get("Username"),
        "nickname": str(user.get("Username") or "").split("@")[0],
        "name": user.get("Name"),
        "email": user.get("Email"),
        "email_verified": True,
        "given_name": user.get("FirstName"),
        "family_name": user.get("LastName"),
        "zoneinfo": user.get("TimeZoneSidKey") or "America/Los_Angeles",
        "locale": user.get("LanguageLocaleKey") or "en_US",
        "language": user.get("LanguageLocaleKey") or "en_US",
        "active": bool(user.get("IsActive", True)),
        "user_type": "STANDARD",
        "urls": _urls(base, handle.id, user_id, "{version}"),
        "utcOffset": 0,
        "updated_at": user.get("LastModifiedDate"),
    }
