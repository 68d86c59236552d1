"""The control API under `/_emulator/`: orgs, users, apps, tokens, counters, faults.

Plain JSON, no authentication: it is for tests and the demo on a local machine. Errors are
`{"error": "..."}` with 400 or 404.
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from salesforce_emulator.context import base_url, registry_of
from salesforce_emulator.errors import SalesforceError
from salesforce_emulator.oauth.grants import granted_scope, issues_refresh_token, token_body
from salesforce_emulator.oauth.tokens import Grant
from salesforce_emulator.registry import OrgHandle, Registry, UnknownOrg
from salesforce_emulator.seeding import seed
from salesforce_emulator.users import UsernameTaken, create_user, set_admin_login

Endpoint = Callable[[Request], Awaitable[Response]]


class ControlError(Exception):
    def __init__(self, message: str, status: int = 400) -> None:
        super().__init__(message)
        self.status = status


def _json_endpoint(handler: Callable[[Request, dict[str, Any]], Any]) -> Endpoint:
    """Parse the JSON body, call the handler, answer JSON; errors become `{"error": ...}`."""

    async def endpoint(request: Request) -> Response:
        try:
            raw = await request.body()
            payload = json.loads(raw) if raw.strip() else {}
            if not isinstance(payload, dict):
                raise ControlError("the body must be a JSON object")
            return JSONResponse(handler(request, payload))
        except ControlError as error:
            return JSONResponse({"error": str(error)}, status_code=error.status)
        except UnknownOrg as error:
            return JSONResponse({"error": f"unknown org {error}"}, status_code=404)
        except (ValueError, TypeError, UsernameTaken) as error:
            return JSONResponse({"error": str(error)}, status_code=400)
        except SalesforceError as error:
            return JSONResponse(
                {"error": error.message, "errorCode": error.error_code}, status_code=400
            )

    return endpoint


def _handle(request: Request) -> OrgHandle:
    return registry_of(request).get(request.path_params["org_id"])


def org_summary(request: Request, handle: OrgHandle) -> dict[str, Any]:
    org = handle.org
    return {
        "org_id": org.id,
        "org_id_15": org.id[:15],
        "name": org.name,
        "currency": org.default_currency,
        "multi_currency": org.multi_currency,
        "admin_user_id": org.admin_user_id,
        "instance_url": base_url(request),
        "login_url": base_url(request),
    }


def create_org(request: Request, payload: dict[str, Any]) -> dict[str, Any]:
    registry = registry_of(request)
    options = {
        k: payload[k]
        for k in ("name", "currency", "multi_currency", "currencies", "external_id_field", "pod")
        if k in payload
    }
    handle = registry.create_org(**options)
    summary = org_summary(request, handle)
    summary["seeded"] = seed(
        handle,
        demo=bool(payload.get("seed_demo")),
        contacts=int(payload.get("contacts", 0)),
        seed_value=int(payload.get("seed", 0)),
    )
    if payload.get("admin_password"):
        summary["admin_username"] = set_admin_login(
            registry, handle, payload.get("admin_username"), str(payload["admin_password"])
        )
    return summary


def list_orgs(request: Request, payload: dict[str, Any]) -> list[dict[str, Any]]:
    registry = registry_of(request)
    return [org_summary(request, registry.get(org_id)) for org_id in registry.org_ids()]


def seed_org(request: Request, payload: dict[str, Any]) -> dict[str, Any]:
    handle = _handle(request)
    return seed(
        handle,
        demo=bool(payload.get("demo")),
        contacts=int(payload.get("contacts", 0)),
        seed_value=int(payload.get("seed", 0)),
    )


def add_user(request: Request, payload: dict[str, Any]) -> dict[str, Any]:
    registry, handle = registry_of(request), _handle(request)
    username, password = _required(payload, "username"), _required(payload, "password")
    user_id = create_user(
        registry, handle, username, password,
        first_name=str(payload.get("first_name", "")), last_name=str(payload.get("last_name", "")),
        email=str(payload.get("email", "")),
    )  # fmt: skip
    return {"user_id": user_id, "username": username, "org_id": handle.id}


def add_app(request: Request, payload: dict[str, Any]) -> dict[str, Any]:
    registry, handle = registry_of(request), _handle(request)
    callbacks = payload.get("callback_urls") or [_required(payload, "callback_url")]
    kwargs: dict[str, Any] = {
        "name": str(payload.get("name", "")),
        "rotate_refresh_tokens": bool(payload.get("rotate_refresh_tokens", False)),
        "require_secret": bool(payload.get("require_secret", True)),
    }
    if payload.get("scopes"):
        kwargs["scopes"] = list(payload["scopes"])
    app = registry.apps.save(
        handle.id,
        _required(payload, "consumer_key"),
        _required(payload, "consumer_secret"),
        list(callbacks),
        **kwargs,
    )
    return app.public()


def list_apps(request: Request, payload: dict[str, Any]) -> list[dict[str, Any]]:
    return [app.public() for app in registry_of(request).apps.of_org(_handle(request).id)]


def issue_tokens(request: Request, payload: dict[str, Any]) -> dict[str, Any]:
    """A token response as the web-server flow would give it, without the browser dance."""
    registry, handle = registry_of(request), _handle(request)
    app = registry.apps.choose(_required(payload, "consumer_key"), handle.id)
    if app is None:
        raise ControlError("no connected app with that consumer key")
    user_id = _user_id(registry, handle, payload.get("username"))
    scope = granted_scope(payload.get("scope"), app)
    grant = Grant(handle.id, user_id, app.id, scope)
    issued = registry.tokens.issue(grant, with_refresh=issues_refresh_token(scope))
    handle.counters.oauth["token_control"] += 1
    return token_body(base_url(request), app, issued, handle.id, user_id, scope)


def _user_id(registry: Registry, handle: OrgHandle, username: object) -> str:
    if not username:
        return handle.org.admin_user_id
    login = registry.credentials.find(str(username))
    if login is None or login.org_id != handle.id:
        raise ControlError(f"no user {username} with a password in this org")
    return login.user_id


def counters(request: Request, payload: dict[str, Any]) -> dict[str, Any]:
    handle = _handle(request)
    snapshot = handle.counters.snapshot()
    snapshot["api_usage"] = {"used": handle.usage.used(), "max": handle.api_limit()}
    return snapshot


def reset_counters(request: Request, payload: dict[str, Any]) -> dict[str, Any]:
    handle = _handle(request)
    handle.counters.reset()
    if payload.get("usage", False):
        handle.usage.reset()
    return counters(request, payload)


def reset_usage(request: Request, payload: dict[str, Any]) -> dict[str, Any]:
    handle = _handle(request)
    handle.usage.reset()
    return {"used": 0, "max": handle.api_limit()}


def get_faults(request: Request, payload: dict[str, Any]) -> dict[str, Any]:
    return _handle(request).faults.config.as_dict()


def set_faults(request: Request, payload: dict[str, Any]) -> dict[str, Any]:
    return _handle(request).faults.configure(**payload).as_dict()


def clear_faults(request: Request, payload: dict[str, Any]) -> dict[str, Any]:
    return _handle(request).faults.clear().as_dict()


def expire_sessions(request: Request, payload: dict[str, Any]) -> dict[str, Any]:
    return {"expired": registry_of(request).tokens.expire_sessions(_handle(request).id)}


def revoke_refresh_tokens(request: Request, payload: dict[str, Any]) -> dict[str, Any]:
    return {"revoked": registry_of(request).tokens.revoke_refresh_tokens(_handle(request).id)}


def revoked_tokens(request: Request, payload: dict[str, Any]) -> list[dict[str, Any]]:
    return registry_of(request).tokens.revoked(_handle(request).id)


def undelete(request: Request, payload: dict[str, Any]) -> dict[str, Any]:
    """Restore a record from the recycle bin (Salesforce's Recycle Bin page, as an API)."""
    _handle(request).org.undelete(_required(payload, "sobject"), _required(payload, "id"))
    return {"undeleted": payload["id"]}


def backdate(request: Request, payload: dict[str, Any]) -> dict[str, Any]:
    """Set records' SystemModstamp (epoch ms) to recreate late commits and shared stamps."""
    ids = payload.get("ids")
    if not isinstance(ids, list) or not all(isinstance(i, str) for i in ids):
        raise ControlError("ids must be a list of record ids")
    stamp = int(payload.get("system_modstamp_ms", 0))
    updated = _handle(request).org.backdate(_required(payload, "sobject"), ids, stamp)
    return {"updated": updated}


def health(request: Request, payload: dict[str, Any]) -> dict[str, Any]:
    return {"status": "ok"}


def _required(payload: dict[str, Any], key: str) -> str:
    value = payload.get(key)
    if not isinstance(value, str) or not value:
        raise ControlError(f"{key} is required")
    return value


ORG = "/_emulator/orgs/{org_id}"
ROUTES = [
    Route("/_emulator/health", _json_endpoint(health), methods=["GET"]),
    Route("/_emulator/orgs", _json_endpoint(list_orgs), methods=["GET"]),
    Route("/_emulator/orgs", _json_endpoint(create_org), methods=["POST"]),
    Route(f"{ORG}/seed", _json_endpoint(seed_org), methods=["POST"]),
    Route(f"{ORG}/users", _json_endpoint(add_user), methods=["POST"]),
    Route(f"{ORG}/apps", _json_endpoint(add_app), methods=["POST"]),
    Route(f"{ORG}/apps", _json_endpoint(list_apps), methods=["GET"]),
    Route(f"{ORG}/tokens", _json_endpoint(issue_tokens), methods=["POST"]),
    Route(f"{ORG}/counters", _json_endpoint(counters), methods=["GET"]),
    Route(f"{ORG}/counters", _json_endpoint(reset_counters), methods=["DELETE"]),
    Route(f"{ORG}/usage", _json_endpoint(reset_usage), methods=["DELETE"]),
    Route(f"{ORG}/faults", _json_endpoint(get_faults), methods=["GET"]),
    Route(f"{ORG}/faults", _json_endpoint(set_faults), methods=["PUT", "PATCH", "POST"]),
    Route(f"{ORG}/faults", _json_endpoint(clear_faults), methods=["DELETE"]),
    Route(f"{ORG}/sessions/expire", _json_endpoint(expire_sessions), methods=["POST"]),
    Route(f"{ORG}/refresh-tokens/revoke", _json_endpoint(revoke_refresh_tokens), methods=["POST"]),
    Route(f"{ORG}/revoked-tokens", _json_endpoint(revoked_tokens), methods=["GET"]),
    Route(f"{ORG}/undelete", _json_endpoint(undelete), methods=["POST"]),
    Route(f"{ORG}/backdate", _json_endpoint(backdate), methods=["POST"]),
]
