"""A very small HTML kit: escaping, the page frame styled loosely like Lightning, form pieces.

Every value that reaches a page goes through `esc`; functions return `Markup` so the frame
never escapes what was already built.
"""

from __future__ import annotations

import html

from starlette.responses import HTMLResponse


class Markup(str):
    """HTML that is already safe to embed."""


def esc(value: object) -> Markup:
    if isinstance(value, Markup):
        return value
    return Markup(html.escape("" if value is None else str(value), quote=True))


def join(parts: list[Markup] | tuple[Markup, ...]) -> Markup:
    return Markup("".join(parts))


def hidden(fields: dict[str, str]) -> Markup:
    return join(
        [
            Markup(f'<input type="hidden" name="{esc(k)}" value="{esc(v)}">')
            for k, v in fields.items()
        ]
    )


def page(
    title: str, body: Markup, *, user: str | None = None, status: int = 200, nav: bool = True
) -> HTMLResponse:
    header = _header(user) if nav else Markup("")
    document = f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{esc(title)} | Salesforce</title>
<link rel="stylesheet" href="/_emulator/static/emulator.css">
</head><body>{header}<main class="slds-main">{body}</main></body></html>"""
    return HTMLResponse(document, status_code=status)


def _header(user: str | None) -> Markup:
    who = (
        Markup(
            f'<span class="slds-user">{esc(user)}</span> <a href="/secur/logout.jsp">Log Out</a>'
        )
        if user
        else Markup("")
    )
    return Markup(
        '<header class="slds-global-header"><a class="slds-brand" href="/home">'
        '<span class="slds-cloud">☁</span> Salesforce <small>(emulator)</small></a>'
        '<nav><a href="/home">Home</a><a href="/setup/connected-apps">Setup</a></nav>'
        f"<div>{who}</div></header>"
    )


NOTHING = Markup("")


def card(title: str, body: Markup, *, actions: Markup = NOTHING) -> Markup:
    return Markup(
        f'<section class="slds-card"><div class="slds-card__header"><h2>{esc(title)}</h2>'
        f'<div class="slds-card__actions">{actions}</div></div>'
        f'<div class="slds-card__body">{body}</div></section>'
    )


def error_box(message: str | None) -> Markup:
    return (
        Markup(f'<div class="slds-error" role="alert">{esc(message)}</div>')
        if message
        else Markup("")
    )


def notice(message: str | None) -> Markup:
    """A confirmation ("Saved."), announced to screen readers as a status."""
    return (
        Markup(f'<div class="slds-notice" role="status">{esc(message)}</div>')
        if message
        else Markup("")
    )


def not_found(what: str, *, user: str | None = None) -> HTMLResponse:
    body = card(f"{what} not found", Markup(f"<p>This {esc(what.lower())} does not exist.</p>"))
    return page("Not found", body, user=user, status=404)
