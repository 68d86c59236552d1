"""Setup → Connected Apps: list the org's apps and create one (key, secret, callback, rotation)."""

from __future__ import annotations

import secrets

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from salesforce_emulator.context import registry_of
from salesforce_emulator.forms import form_fields
from salesforce_emulator.oauth.apps import ConnectedApp
from salesforce_emulator.pages.auth import session_and_org
from salesforce_emulator.pages.html import Markup, card, error_box, esc, join, page
from salesforce_emulator.pages.session import PageSession, csrf_ok


async def connected_apps(request: Request) -> Response:
    found = session_and_org(request)
    if isinstance(found, Response):
        return found
    session, handle = found
    error = None
    if request.method == "POST":
        form = await form_fields(request)
        error = _create(request, session, handle.id, form)
        if error is None:
            return RedirectResponse("/setup/connected-apps", status_code=303)
    apps = registry_of(request).apps.of_org(handle.id)
    csrf = session.csrf(registry_of(request).secret())
    body = join(
        [
            error_box(error),
            card("Connected Apps", _table(apps)),
            card("New Connected App", _form(csrf)),
        ]
    )
    return page("Connected Apps", body, user=session.username, status=400 if error else 200)


def _create(
    request: Request, session: PageSession, org_id: str, form: dict[str, str]
) -> str | None:
    if not csrf_ok(request, session, form.get("csrf")):
        return "The form expired; try again."
    callbacks = [
        line.strip() for line in form.get("callback_urls", "").splitlines() if line.strip()
    ]
    key = form.get("consumer_key", "").strip() or "3MVG9" + secrets.token_urlsafe(60)
    secret = form.get("consumer_secret", "").strip() or secrets.token_hex(32).upper()
    try:
        registry_of(request).apps.save(
            org_id, key, secret, callbacks, name=form.get("name", "").strip(),
            rotate_refresh_tokens="rotate_refresh_tokens" in form,
        )  # fmt: skip
    except ValueError as error:
        return str(error)
    return None


def _table(apps: list[ConnectedApp]) -> Markup:
    rows = [
        Markup(
            f"<tr><td>{esc(a.name)}</td><td><code>{esc(a.consumer_key)}</code></td>"
            f"<td><code>{esc(a.consumer_secret)}</code></td>"
            f"<td>{esc(', '.join(a.callback_urls))}</td>"
            f"<td>{'Yes' if a.rotate_refresh_tokens else 'No'}</td></tr>"
        )
        for a in apps
    ]
    header = Markup(
        "<tr><th>Name</th><th>Consumer Key</th><th>Consumer Secret</th><th>Callback URLs</th>"
        "<th>Refresh token rotation</th></tr>"
    )
    return Markup(f'<table class="slds-table">{header}{join(rows)}</table>')


def _form(csrf: str) -> Markup:
    def field(name: str, label: str, hint: str = "") -> Markup:
        return Markup(
            f'<div class="slds-form-element"><label for="{name}">{esc(label)}</label>'
            f'<input class="slds-input" id="{name}" name="{name}" placeholder="{esc(hint)}"></div>'
        )

    return Markup(
        '<form method="post" action="/setup/connected-apps">'
        f'<input type="hidden" name="csrf" value="{esc(csrf)}">'
        f"{field('name', 'Connected App Name')}"
        f"{field('consumer_key', 'Consumer Key', 'generated when empty')}"
        f"{field('consumer_secret', 'Consumer Secret', 'generated when empty')}"
        '<div class="slds-form-element">'
        '<label for="callback_urls">Callback URLs (one a line)</label>'
        '<textarea class="slds-input" id="callback_urls" name="callback_urls" rows="2" required>'
        "</textarea></div>"
        '<div class="slds-form-element"><label>'
        '<input type="checkbox" name="rotate_refresh_tokens"> Enable refresh token rotation'
        "</label></div>"
        '<button class="slds-button slds-button_brand" type="submit" id="create-app">Save</button>'
        "</form>"
    )
