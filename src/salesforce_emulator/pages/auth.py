"""Pages need a logged-in person: the session, or a redirect to the login page."""

from __future__ import annotations

from urllib.parse import urlencode

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from salesforce_emulator.context import registry_of
from salesforce_emulator.pages.session import PageSession, current_session
from salesforce_emulator.registry import OrgHandle


def login_redirect(request: Request) -> Response:
    target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    return RedirectResponse(f"/login?{urlencode({'next': target})}", status_code=303)


def session_and_org(request: Request) -> tuple[PageSession, OrgHandle] | Response:
    session = current_session(request)
    handle = registry_of(request).find(session.org_id) if session else None
    if session is None or handle is None:
        return login_redirect(request)
    return session, handle
