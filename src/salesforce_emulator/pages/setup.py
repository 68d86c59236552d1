"""Setup → Connected Apps: list the org's apps, create one, edit one (key, secret, callbacks).

After a save the list says so ("Saved …"). Keys and secrets are long unbroken strings: they wrap
inside their cells (the table never scrolls sideways at 1366 px) and stay whole when copied.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from salesforce_emulator.context import registry_of
from salesforce_emulator.forms import form_fields
from salesforce_emulator.oauth.apps import ConnectedApp
from salesforce_emulator.pages.auth import session_and_org
from salesforce_emulator.pages.html import (
    Markup,
    card,
    error_box,
    esc,
    join,
    not_found,
    notice,
    page,
)
from salesforce_emulator.pages.session import PageSession, csrf_ok
from salesforce_emulator.pages.setup_nav import setup_nav
from salesforce_emulator.registry import OrgHandle

LIST = "/setup/connected-apps"
EXPIRED_FORM = "The form expired; try again."


@dataclass(frozen=True)
class AppForm:
    """What the form shows: empty for a new app, the app's values when editing, or what the
    person typed when the save was refused."""

    name: str = ""
    consumer_key: str = ""
    callback_urls: str = ""
    rotate_refresh_tokens: bool = False

    @classmethod
    def of(cls, app: ConnectedApp) -> AppForm:
        return cls(
            app.name, app.consumer_key, "\n".join(app.callback_urls), app.rotate_refresh_tokens
        )

    @classmethod
    def typed(cls, form: dict[str, str]) -> AppForm:
        return cls(
            form.get("name", ""),
            form.get("consumer_key", ""),
            form.get("callback_urls", ""),
            "rotate_refresh_tokens" in form,
        )


async def connected_apps(request: Request) -> Response:
    found = session_and_org(request)
    if isinstance(found, Response):
        return found
    session, handle = found
    error, typed = None, AppForm()
    if request.method == "POST":
        form = await form_fields(request)
        saved = _create(request, session, handle.id, form)
        if isinstance(saved, ConnectedApp):
            return RedirectResponse(f"{LIST}?saved={saved.id}", status_code=303)
        error, typed = saved, AppForm.typed(form)
    apps = registry_of(request).apps.of_org(handle.id)
    csrf = session.csrf(registry_of(request).secret())
    body = join(
        [
            setup_nav(LIST),
            notice(_saved_notice(apps, request.query_params.get("saved"))),
            error_box(error),
            card("Connected Apps", _table(apps)),
            card("New Connected App", _form(csrf, LIST, typed, editing=False)),
        ]
    )
    return page("Connected Apps", body, user=session.username, status=400 if error else 200)


async def edit_connected_app(request: Request) -> Response:
    found = session_and_org(request)
    if isinstance(found, Response):
        return found
    session, handle = found
    app = _own_app(request, handle)
    if app is None:
        return not_found("Connected App", user=session.username)
    error, shown = None, AppForm.of(app)
    if request.method == "POST":
        form = await form_fields(request)
        saved = _update(request, session, app, form)
        if isinstance(saved, ConnectedApp):
            return RedirectResponse(f"{LIST}?saved={saved.id}", status_code=303)
        error, shown = saved, AppForm.typed({**form, "consumer_key": app.consumer_key})
    csrf = session.csrf(registry_of(request).secret())
    action = f"{LIST}/{app.id}/edit"
    body = join(
        [
            setup_nav(LIST),
            error_box(error),
            card(f"Edit {app.name}", _form(csrf, action, shown, editing=True)),
        ]
    )
    return page(f"Edit {app.name}", body, user=session.username, status=400 if error else 200)


def _own_app(request: Request, handle: OrgHandle) -> ConnectedApp | None:
    raw = str(request.path_params.get("app_id", ""))
    app = registry_of(request).apps.by_id(int(raw)) if raw.isdigit() else None
    return app if app is not None and app.org_id == handle.id else None


def _create(
    request: Request, session: PageSession, org_id: str, form: dict[str, str]
) -> ConnectedApp | str:
    """The saved app, or why it was not saved."""
    if not csrf_ok(request, session, form.get("csrf")):
        return EXPIRED_FORM
    key = form.get("consumer_key", "").strip() or "3MVG9" + secrets.token_urlsafe(60)
    secret = form.get("consumer_secret", "").strip() or secrets.token_hex(32).upper()
    try:
        return registry_of(request).apps.save(
            org_id, key, secret, _callbacks(form), name=form.get("name", "").strip(),
            rotate_refresh_tokens="rotate_refresh_tokens" in form,
        )  # fmt: skip
    except ValueError as error:
        return str(error)


def _update(
    request: Request, session: PageSession, app: ConnectedApp, form: dict[str, str]
) -> ConnectedApp | str:
    """Save the edited settings; an empty secret keeps the current one; the key never changes."""
    if not csrf_ok(request, session, form.get("csrf")):
        return EXPIRED_FORM
    try:
        return registry_of(request).apps.save(
            app.org_id, app.consumer_key,
            form.get("consumer_secret", "").strip() or app.consumer_secret,
            _callbacks(form), name=form.get("name", "").strip(), scopes=app.scopes,
            rotate_refresh_tokens="rotate_refresh_tokens" in form,
            require_secret=app.require_secret,
        )  # fmt: skip
    except ValueError as error:
        return str(error)


def _callbacks(form: dict[str, str]) -> list[str]:
    return [line.strip() for line in form.get("callback_urls", "").splitlines() if line.strip()]


def _saved_notice(apps: list[ConnectedApp], saved: str | None) -> str | None:
    app = next((a for a in apps if str(a.id) == saved), None)
    return f"Saved the Connected App “{app.name}”." if app else None


def _table(apps: list[ConnectedApp]) -> Markup:
    rows = [
        Markup(
            f'<tr id="app-{a.id}"><td>{esc(a.name)}</td>'
            f'<td><code class="slds-wrap" data-consumer-key>{esc(a.consumer_key)}</code></td>'
            f'<td><code class="slds-wrap">{esc(a.consumer_secret)}</code></td>'
            f'<td class="slds-wrap">{esc(", ".join(a.callback_urls))}</td>'
            f"<td>{'Yes' if a.rotate_refresh_tokens else 'No'}</td>"
            f'<td><a href="{LIST}/{a.id}/edit" aria-label="Edit {esc(a.name)}">Edit</a></td></tr>'
        )
        for a in apps
    ]
    # Fixed layout: the columns share the card's width and long values wrap inside them.
    columns = Markup(
        '<colgroup><col style="width:14%"><col style="width:27%"><col style="width:24%">'
        '<col style="width:19%"><col style="width:9%"><col style="width:7%"></colgroup>'
    )
    header = Markup(
        "<tr><th>Name</th><th>Consumer Key</th><th>Consumer Secret</th><th>Callback URLs</th>"
        "<th>Refresh token rotation</th><th>Action</th></tr>"
    )
    return Markup(
        f'<table class="slds-table slds-table_fixed" id="connected-apps">'
        f"{columns}{header}{join(rows)}</table>"
    )


def _form(csrf: str, action: str, shown: AppForm, *, editing: bool) -> Markup:
    def field(name: str, label: str, value: str, hint: str) -> Markup:
        return Markup(
            f'<div class="slds-form-element"><label for="{name}">{esc(label)}</label>'
            f'<input class="slds-input" id="{name}" name="{name}" value="{esc(value)}"'
            f' placeholder="{esc(hint)}"></div>'
        )

    key = (
        Markup(
            '<div class="slds-form-element"><label>Consumer Key</label>'
            f'<code class="slds-wrap">{esc(shown.consumer_key)}</code></div>'
        )
        if editing
        else field("consumer_key", "Consumer Key", shown.consumer_key, "generated when empty")
    )
    secret_hint = "leave empty to keep the current secret" if editing else "generated when empty"
    checked = " checked" if shown.rotate_refresh_tokens else ""
    return Markup(
        f'<form method="post" action="{esc(action)}">'
        f'<input type="hidden" name="csrf" value="{esc(csrf)}">'
        f"{field('name', 'Connected App Name', shown.name, '')}"
        f"{key}"
        f"{field('consumer_secret', 'Consumer Secret', '', secret_hint)}"
        '<div class="slds-form-element">'
        '<label for="callback_urls">Callback URLs (one a line)</label>'
        '<textarea class="slds-input" id="callback_urls" name="callback_urls" rows="2" required>'
        f"{esc(shown.callback_urls)}</textarea></div>"
        '<div class="slds-form-element"><label>'
        f'<input type="checkbox" name="rotate_refresh_tokens"{checked}>'
        " Enable refresh token rotation"
        "</label></div>"
        '<button class="slds-button slds-button_brand" type="submit" id="save-app">Save</button>'
        "</form>"
    )
