"""The org home page: who is logged in, and the latest Accounts, Contacts and Opportunities."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from salesforce_emulator.pages.auth import session_and_org
from salesforce_emulator.pages.fields import RECORD_PAGES
from salesforce_emulator.pages.html import Markup, card, esc, join, notice, page
from salesforce_emulator.registry import OrgHandle

LATEST = 20


async def root(request: Request) -> Response:
    return RedirectResponse("/home", status_code=302)


async def home(request: Request) -> Response:
    found = session_and_org(request)
    if isinstance(found, Response):
        return found
    session, handle = found
    deleted = request.query_params.get("deleted")
    parts = [
        Markup(
            f'<div class="slds-page-header"><div><div class="slds-object">Organization</div>'
            f"<h1>{esc(handle.org.name)}</h1><code>{esc(handle.id)}</code></div></div>"
        ),
        notice(f"{deleted} deleted." if deleted else None),
        *[_latest(handle, name) for name in RECORD_PAGES],
    ]
    return page("Home", join(parts), user=session.username)


def _latest(handle: OrgHandle, name: str) -> Markup:
    obj = handle.org.object(name)
    # SOQL, not SQL: `name` is one of RECORD_PAGES.
    soql = f"SELECT Id, Name FROM {name} ORDER BY LastModifiedDate DESC LIMIT {LATEST}"
    cursor = handle.org.query(soql)
    rows = cursor.fetch(LATEST)
    items = [
        Markup(
            f'<tr><td><a href="/lightning/r/{name}/{esc(r["Id"])}/view">{esc(r["Name"])}</a></td>'
            f"<td><code>{esc(r['Id'])}</code></td></tr>"
        )
        for r in rows
    ]
    total = handle.org.count(name)
    table = Markup(
        f'<table class="slds-table"><tr><th>Name</th><th>Id</th></tr>{join(items)}</table>'
    )
    return card(f"{obj.label_plural} ({total})", table)
