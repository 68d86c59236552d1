"""`/services/oauth2/authorize`: the web-server flow's login and approval (reference §1.2).

GET checks the client id and the exact redirect URI (failures are shown on the page, never
redirected), then shows the login form or, once logged in, the Allow/Deny page. The POST of the
login form sets the page session and comes back here by GET; Allow and Deny redirect to the
callback with `code` or `error=access_denied`, always passing `state` back.
"""

from __future__ import annotations

from urllib.parse import urlencode

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from salesforce_emulator.context import registry_of
from salesforce_emulator.forms import form_fields
from salesforce_emulator.oauth.apps import ConnectedApp
from salesforce_emulator.oauth.codes import AuthorizationCode
from salesforce_emulator.oauth.grants import granted_scope
from salesforce_emulator.pages.authorize import LOGIN_FAILED, approve_page, error_page, login_page
from salesforce_emulator.pages.session import PageSession, csrf_ok, current_session, start_session

PATH = "/services/oauth2/authorize"
OAUTH_PARAMS = (
    "response_type", "client_id", "redirect_uri", "state", "scope", "code_challenge",
    "code_challenge_method", "prompt", "immediate", "display", "login_hint", "nonce",
)  # fmt: skip


async def authorize(request: Request) -> Response:
    params = await _params(request)
    problem = _check_client(request, params)
    if problem is not None:
        return problem
    if params.get("response_type", "") != "code":
        return _redirect_error(params, "unsupported_response_type", "response type not supported")
    if request.method == "POST":
        return await _post(request, params)
    session = current_session(request)
    if session is None or "login" in params.get("prompt", "").split():
        return _need_login(params)
    return _logged_in(request, params, session)


async def _post(request: Request, params: dict[str, str]) -> Response:
    form = await form_fields(request)
    action = form.get("action")
    if action == "login":
        return _login(request, params, form.get("username", ""), form.get("password", ""))
    session = current_session(request)
    if session is None:
        return login_page(PATH, params)
    if not csrf_ok(request, session, form.get("csrf")):
        return error_page("invalid_request", "the form expired; start again")
    if action == "deny":
        return _redirect_error(params, "access_denied", "end-user denied authorization")
    app = _app_for(request, params, session)
    if app is None:
        return error_page("redirect_uri_mismatch", "redirect_uri must match configuration")
    registry_of(request).db.execute(
        "INSERT OR IGNORE INTO approvals (user_id, app_id) VALUES (?, ?)", (session.user_id, app.id)
    )
    return _redirect_code(request, params, session, app)


def _need_login(params: dict[str, str]) -> Response:
    if params.get("immediate") == "true":
        return _redirect_error(params, "immediate_unsuccessful", "user is not logged in")
    return login_page(PATH, params)


def _login(request: Request, params: dict[str, str], username: str, password: str) -> Response:
    login = registry_of(request).credentials.authenticate(username, password)
    if login is None:
        return login_page(PATH, params, error=LOGIN_FAILED, username=username)
    # Back to GET without `prompt=login`, so the approval step follows.
    again = {k: v for k, v in params.items() if k != "prompt"}
    response = RedirectResponse(f"{PATH}?{urlencode(again)}", status_code=303)
    start_session(request, response, login.org_id, login.user_id, login.username)
    return response


def _logged_in(request: Request, params: dict[str, str], session: PageSession) -> Response:
    app = _app_for(request, params, session)
    if app is None:
        return error_page("redirect_uri_mismatch", "redirect_uri must match configuration")
    approved = _approved(request, session, app)
    if params.get("immediate") == "true":
        if approved:
            return _redirect_code(request, params, session, app)
        return _redirect_error(
            params, "immediate_unsuccessful", "user has not approved this consumer"
        )
    if approved and "consent" not in params.get("prompt", "").split():
        return _redirect_code(request, params, session, app)
    scope = granted_scope(params.get("scope"), app)
    csrf = session.csrf(registry_of(request).secret())
    return approve_page(app.name, session.username, scope, params, csrf)


def _redirect_code(
    request: Request, params: dict[str, str], session: PageSession, app: ConnectedApp
) -> Response:
    grant = AuthorizationCode(
        app_id=app.id,
        org_id=session.org_id,
        user_id=session.user_id,
        redirect_uri=params["redirect_uri"],
        scope=granted_scope(params.get("scope"), app),
        code_challenge=params.get("code_challenge") or None,
    )
    registry = registry_of(request)
    code = registry.codes.issue(grant)
    handle = registry.find(session.org_id)
    if handle is not None:
        handle.counters.oauth["authorize_code_issued"] += 1
    return _redirect(params, {"code": code})


def _redirect_error(params: dict[str, str], error: str, description: str) -> Response:
    return _redirect(params, {"error": error, "error_description": description})


def _redirect(params: dict[str, str], values: dict[str, str]) -> Response:
    if params.get("state"):
        values = {**values, "state": params["state"]}
    uri = params["redirect_uri"]
    separator = "&" if "?" in uri else "?"
    return RedirectResponse(f"{uri}{separator}{urlencode(values)}", status_code=302)


def _check_client(request: Request, params: dict[str, str]) -> Response | None:
    apps = registry_of(request).apps.by_key(params.get("client_id", ""))
    if not apps:
        return error_page("invalid_client_id", "client identifier invalid")
    if not any(app.allows_redirect(params.get("redirect_uri", "")) for app in apps):
        return error_page("redirect_uri_mismatch", "redirect_uri must match configuration")
    return None


def _app_for(request: Request, params: dict[str, str], session: PageSession) -> ConnectedApp | None:
    app = registry_of(request).apps.choose(params.get("client_id", ""), session.org_id)
    if app is None or not app.allows_redirect(params.get("redirect_uri", "")):
        return None
    return app


def _approved(request: Request, session: PageSession, app: ConnectedApp) -> bool:
    row = (
        registry_of(request)
        .db.execute(
            "SELECT 1 FROM approvals WHERE user_id = ? AND app_id = ?", (session.user_id, app.id)
        )
        .fetchone()
    )
    return row is not None


async def _params(request: Request) -> dict[str, str]:
    """OAuth parameters from the query string, or from the hidden fields of a posted form."""
    source: dict[str, object] = dict(request.query_params)
    if request.method == "POST":
        source.update(await form_fields(request))
    return {k: str(source[k]) for k in OAUTH_PARAMS if k in source}
