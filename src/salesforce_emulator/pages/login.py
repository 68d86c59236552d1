"""`/login` and `/secur/logout.jsp`: the pages' own login, for people who open a record link."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from salesforce_emulator.context import registry_of
from salesforce_emulator.forms import form_fields
from salesforce_emulator.pages.authorize import LOGIN_FAILED, login_page
from salesforce_emulator.pages.session import end_session, start_session


def _safe_next(target: str | None) -> str:
    """Only local paths, so the login page cannot be used to redirect elsewhere."""
    if not target or not target.startswith("/") or target.startswith("//"):
        return "/home"
    return target


async def login(request: Request) -> Response:
    if request.method == "GET":
        return login_page("/login", {"next": _safe_next(request.query_params.get("next"))})
    form = await form_fields(request)
    target = _safe_next(form.get("next"))
    found = registry_of(request).credentials.authenticate(
        form.get("username", ""), form.get("password", "")
    )
    if found is None:
        return login_page(
            "/login", {"next": target}, error=LOGIN_FAILED, username=form.get("username", "")
        )
    response = RedirectResponse(target, status_code=303)
    start_session(request, response, found.org_id, found.user_id, found.username)
    return response


async def logout(request: Request) -> Response:
    response = RedirectResponse("/login", status_code=303)
    end_session(response)
    return response
