"""The Lightning-style record page `/lightning/r/{Object}/{Id}/view`, with edit and delete.

"Open in Salesforce" links land here; a person can change or delete the record, which is how
two-way sync is tried by hand.
"""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response

from salesforce_emulator.context import registry_of
from salesforce_emulator.errors import SalesforceError
from salesforce_emulator.forms import form_fields
from salesforce_emulator.ids import is_valid_id, to_18
from salesforce_emulator.pages.auth import session_and_org
from salesforce_emulator.pages.fields import (
    RECORD_PAGES,
    editor,
    from_form,
    same,
    show,
    submitted,
)
from salesforce_emulator.pages.html import Markup, card, error_box, esc, join, page
from salesforce_emulator.pages.html import notice as notice_box
from salesforce_emulator.pages.session import PageSession, csrf_ok
from salesforce_emulator.registry import OrgHandle
from salesforce_emulator.schema import ObjectDef

RELATED = {
    "Account": (("Contacts", "Contact", "AccountId"), ("Opportunities", "Opportunity", "AccountId"))
}


async def view(request: Request) -> Response:
    found = session_and_org(request)
    if isinstance(found, Response):
        return found
    session, handle = found
    target = _target(request, handle)
    if isinstance(target, Response):
        return target
    notice = "Saved." if request.query_params.get("saved") else None
    return _render(request, session, handle, *target, notice=notice)


async def edit(request: Request) -> Response:
    found = session_and_org(request)
    if isinstance(found, Response):
        return found
    session, handle = found
    target = _target(request, handle)
    if isinstance(target, Response):
        return target
    obj, record_id = target
    form = await form_fields(request)
    if not csrf_ok(request, session, form.get("csrf")):
        return _render(
            request, session, handle, obj, record_id, error="The form expired; try again."
        )
    try:
        changes = _changes(handle, obj, record_id, form)
        if changes:
            handle.org.update(obj.name, record_id, changes, user_id=session.user_id)
    except (SalesforceError, ValueError) as error:
        message = error.message if isinstance(error, SalesforceError) else str(error)
        return _render(request, session, handle, obj, record_id, error=message, status=400)
    return RedirectResponse(f"/lightning/r/{obj.name}/{record_id}/view?saved=1", status_code=303)


async def delete(request: Request) -> Response:
    found = session_and_org(request)
    if isinstance(found, Response):
        return found
    session, handle = found
    target = _target(request, handle)
    if isinstance(target, Response):
        return target
    obj, record_id = target
    if not csrf_ok(request, session, (await form_fields(request)).get("csrf")):
        return _render(
            request, session, handle, obj, record_id, error="The form expired; try again."
        )
    handle.org.delete(obj.name, record_id)
    return RedirectResponse(f"/home?deleted={obj.name}", status_code=303)


def _target(request: Request, handle: OrgHandle) -> tuple[ObjectDef, str] | Response:
    name, record_id = request.path_params["sobject"], request.path_params["record_id"]
    if name not in RECORD_PAGES or not is_valid_id(record_id):
        return _missing()
    obj = handle.org.object(name)
    canonical = to_18(record_id)
    if canonical[:3] != obj.key_prefix or not handle.org.find_ids_by_field(
        obj.name, "Id", canonical
    ):
        return _missing()
    return obj, canonical


def _missing() -> HTMLResponse:
    body = card("Record not found", Markup("<p>This record does not exist or was deleted.</p>"))
    return page("Not found", body, status=404)


def _changes(
    handle: OrgHandle, obj: ObjectDef, record_id: str, form: dict[str, str]
) -> dict[str, Any]:
    current = handle.org.get(obj.name, record_id)
    changes: dict[str, Any] = {}
    for field in obj.fields.values():
        if not field.updateable or not submitted(field, form):
            continue
        value = from_form(field, form)
        if not same(field, current.get(field.name), value):
            changes[field.name] = value
    return changes


def _render(
    request: Request,
    session: PageSession,
    handle: OrgHandle,
    obj: ObjectDef,
    record_id: str,
    *,
    notice: str | None = None,
    error: str | None = None,
    status: int = 200,
) -> HTMLResponse:
    record = handle.org.get(obj.name, record_id)
    csrf = session.csrf(registry_of(request).secret())
    title = str(record.get("Name") or record_id)
    parts = [
        _header(obj, title, record_id, csrf),
        notice_box(notice),
        error_box(error),
        card("Details", _details(obj, record)),
        *_related(handle, obj, record_id),
        card("Edit", _edit_form(obj, record, record_id, csrf)),
    ]
    return page(f"{title} | {obj.label}", join(parts), user=session.username, status=status)


def _header(obj: ObjectDef, title: str, record_id: str, csrf: str) -> Markup:
    return Markup(
        f'<div class="slds-page-header"><div><div class="slds-object">{esc(obj.label)}</div>'
        f"<h1>{esc(title)}</h1></div>"
        f'<form method="post" action="/lightning/r/{esc(obj.name)}/{esc(record_id)}/delete" '
        "onsubmit=\"return confirm('Delete this record?')\">"
        f'<input type="hidden" name="csrf" value="{esc(csrf)}">'
        '<button class="slds-button slds-button_destructive" id="delete-record">Delete</button>'
        "</form></div>"
    )


def _details(obj: ObjectDef, record: dict[str, Any]) -> Markup:
    items = [
        Markup(
            f'<dl class="slds-field"><dt>{esc(f.label)}</dt>'
            f'<dd data-field="{esc(f.name)}">{show(f, record.get(f.name))}</dd></dl>'
        )
        for f in obj.fields.values()
    ]
    return Markup(f'<div class="slds-grid">{join(items)}</div>')


def _edit_form(obj: ObjectDef, record: dict[str, Any], record_id: str, csrf: str) -> Markup:
    inputs = [
        Markup(
            f'<div class="slds-form-element"><label for="f-{esc(f.name)}">{esc(f.label)}</label>'
            f"{editor(f, record.get(f.name))}</div>"
        )
        for f in obj.fields.values()
        if f.updateable
    ]
    return Markup(
        f'<form method="post" action="/lightning/r/{esc(obj.name)}/{esc(record_id)}/edit">'
        f'<input type="hidden" name="csrf" value="{esc(csrf)}">'
        f'<div class="slds-grid">{join(inputs)}</div>'
        '<button class="slds-button slds-button_brand" type="submit" id="save-record">Save</button>'
        "</form>"
    )


def _related(handle: OrgHandle, obj: ObjectDef, record_id: str) -> list[Markup]:
    cards = []
    for label, child, field in RELATED.get(obj.name, ()):
        # SOQL, not SQL: names are constants and record_id a checked 18-character id.
        soql = f"SELECT Id, Name FROM {child} WHERE {field} = '{record_id}' ORDER BY Name LIMIT 50"
        rows = handle.org.query(soql).fetch(50)
        links = [
            Markup(
                f'<li><a href="/lightning/r/{child}/{esc(r["Id"])}/view">{esc(r["Name"])}</a></li>'
            )
            for r in rows
        ]
        cards.append(card(f"{label} ({len(rows)})", Markup(f"<ul>{join(links)}</ul>")))
    return cards
