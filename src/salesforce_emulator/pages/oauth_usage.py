"""Setup → Connected Apps OAuth Usage: the apps this org's users hold tokens for; revoke them.

Modelled on Salesforce's page: a list of apps with their User Count; the count opens the app's
users (first and last use, use count) with Revoke on each row and Revoke All above. Revoking ends
the user's access and refresh tokens at once: REST then answers 401 INVALID_SESSION_ID and the
refresh_token grant `invalid_grant`, as after any revoke.
"""

from __future__ import annotations

import time
from urllib.parse import urlencode

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from salesforce_emulator.context import registry_of
from salesforce_emulator.forms import form_fields
from salesforce_emulator.oauth.apps import ConnectedApp
from salesforce_emulator.oauth.usage import AppUsage, UserUsage
from salesforce_emulator.oauth.users import user_record
from salesforce_emulator.pages.auth import session_and_org
from salesforce_emulator.pages.html import (
    Markup,
    card,
    error_box,
    esc,
    hidden,
    join,
    not_found,
    notice,
    page,
)
from salesforce_emulator.pages.session import csrf_ok
from salesforce_emulator.pages.setup_nav import setup_nav
from salesforce_emulator.registry import OrgHandle

USAGE = "/setup/oauth-usage"
ALL = "all"


async def usage(request: Request) -> Response:
    found = session_and_org(request)
    if isinstance(found, Response):
        return found
    session, handle = found
    registry = registry_of(request)
    rows = [(registry.apps.by_id(u.app_id), u) for u in registry.oauth_usage.apps(handle.id)]
    body = join([setup_nav(USAGE), card("Connected Apps OAuth Usage", _apps_table(handle, rows))])
    return page("Connected Apps OAuth Usage", body, user=session.username)


async def app_users(request: Request) -> Response:
    found = session_and_org(request)
    if isinstance(found, Response):
        return found
    session, handle = found
    app = _app(request)
    if app is None:
        return not_found("Connected App", user=session.username)
    registry = registry_of(request)
    users = registry.oauth_usage.users(handle.id, app.id)
    csrf = session.csrf(registry.secret())
    body = join(
        [
            setup_nav(USAGE),
            notice(_revoked_notice(handle, app, request.query_params.get("revoked"))),
            card(
                f"Connected App User's Usage: {app.name}",
                _users_table(handle, app, users, csrf),
                actions=_revoke_button(app, ALL, csrf, "Revoke All") if users else Markup(""),
            ),
            Markup(f'<p><a href="{USAGE}">Back to Connected Apps OAuth Usage</a></p>'),
        ]
    )
    return page(f"{app.name} | OAuth Usage", body, user=session.username)


async def revoke(request: Request) -> Response:
    found = session_and_org(request)
    if isinstance(found, Response):
        return found
    session, handle = found
    app = _app(request)
    if app is None:
        return not_found("Connected App", user=session.username)
    form = await form_fields(request)
    if not csrf_ok(request, session, form.get("csrf")):
        body = error_box("The form expired; go back, reload the page and try again.")
        return page("OAuth Usage", body, user=session.username, status=400)
    who = form.get("user_id", "")
    ended = registry_of(request).oauth_usage.revoke(handle.id, app.id, None if who == ALL else who)
    handle.counters.oauth["revoke_setup"] += 1
    said = f"?{urlencode({'revoked': who})}" if ended else ""  # nothing to say if nothing ended
    return RedirectResponse(f"{USAGE}/{app.id}{said}", status_code=303)


def _app(request: Request) -> ConnectedApp | None:
    """The app named in the path. It may come from another org: its users here are what count."""
    raw = str(request.path_params.get("app_id", ""))
    return registry_of(request).apps.by_id(int(raw)) if raw.isdigit() else None


def _apps_table(handle: OrgHandle, rows: list[tuple[ConnectedApp | None, AppUsage]]) -> Markup:
    if not rows:
        return Markup("<p>No connected app holds a working token for a user of this org.</p>")
    items = [
        Markup(
            f'<tr data-app="{esc(app.name)}"><td>{esc(app.name)}</td>'
            f"<td>{_app_info(handle, app)}</td>"
            f'<td><a href="{USAGE}/{app.id}" aria-label="Users of {esc(app.name)}">'
            f"{u.user_count}</a></td><td>{u.live_tokens}</td></tr>"
        )
        for app, u in rows
        if app is not None
    ]
    header = Markup(
        "<tr><th>Connected App</th><th>App Info</th><th>User Count</th><th>Tokens</th></tr>"
    )
    return Markup(f'<table class="slds-table" id="oauth-usage">{header}{join(items)}</table>')


def _app_info(handle: OrgHandle, app: ConnectedApp) -> Markup:
    if app.org_id != handle.id:
        return Markup("Created in another org")
    return Markup(f'<a href="/setup/connected-apps#app-{app.id}">View App Info</a>')


def _users_table(handle: OrgHandle, app: ConnectedApp, users: list[UserUsage], csrf: str) -> Markup:
    if not users:
        return Markup("<p>No user of this org holds a working token for this app.</p>")
    items = [
        Markup(
            f'<tr data-user="{esc(_username(handle, u.user_id))}">'
            f"<td>{esc(_user_name(handle, u.user_id))}</td>"
            f"<td>{esc(_username(handle, u.user_id))}</td>"
            f"<td>{_when(u.first_used)}</td><td>{_when(u.last_used)}</td>"
            f"<td>{u.use_count}</td><td>{u.live_tokens}</td>"
            f"<td>{_revoke_button(app, u.user_id, csrf, 'Revoke')}</td></tr>"
        )
        for u in users
    ]
    header = Markup(
        "<tr><th>User</th><th>Username</th><th>First Used</th><th>Last Used</th>"
        "<th>Use Count</th><th>Tokens</th><th>Action</th></tr>"
    )
    return Markup(f'<table class="slds-table" id="oauth-users">{header}{join(items)}</table>')


def _revoke_button(app: ConnectedApp, user_id: str, csrf: str, label: str) -> Markup:
    return Markup(
        f'<form method="post" action="{USAGE}/{app.id}/revoke" class="slds-inline">'
        f"{hidden({'csrf': csrf, 'user_id': user_id})}"
        f'<button class="slds-button slds-button_destructive" type="submit">{esc(label)}</button>'
        "</form>"
    )


def _revoked_notice(handle: OrgHandle, app: ConnectedApp, revoked: str | None) -> str | None:
    if not revoked:
        return None
    if revoked == ALL:
        return f"Revoked every user's access to {app.name}: their tokens no longer work."
    who = _user_name(handle, revoked)
    return f"Revoked {who}'s access to {app.name}: their tokens no longer work."


def _user_name(handle: OrgHandle, user_id: str) -> str:
    record = user_record(handle, user_id)
    return str(record.get("Name") or user_id) if record else user_id


def _username(handle: OrgHandle, user_id: str) -> str:
    record = user_record(handle, user_id)
    return str(record.get("Username") or "") if record else ""


def _when(timestamp: float) -> str:
    return time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime(timestamp))
