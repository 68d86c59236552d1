"""The Setup pages' own menu, as Setup's left-hand tree: Connected Apps, their OAuth usage."""

from __future__ import annotations

from salesforce_emulator.pages.html import Markup, esc, join

SETUP_PAGES = (
    ("/setup/connected-apps", "Connected Apps"),
    ("/setup/oauth-usage", "Connected Apps OAuth Usage"),
)
CURRENT = Markup(' aria-current="page"')


def setup_nav(current: str) -> Markup:
    links = [
        Markup(f'<a href="{esc(path)}"{CURRENT if path == current else ""}>{esc(label)}</a>')
        for path, label in SETUP_PAGES
    ]
    return Markup(f'<nav class="slds-tabs" aria-label="Setup">{join(links)}</nav>')
