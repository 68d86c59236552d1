"""Walk the emulator's authorize pages with plain HTTP, as a browser without JavaScript would."""

from __future__ import annotations

import html
import re
from urllib.parse import urljoin

import httpx

_INPUT = re.compile(r"<input[^>]*>", re.I)
_ATTR = re.compile(r'(\w+)="([^"]*)"')


def form_fields(page: str) -> dict[str, str]:
    fields = {}
    for tag in _INPUT.findall(page):
        attrs = {k.lower(): html.unescape(v) for k, v in _ATTR.findall(tag)}
        if "name" in attrs and attrs.get("type") in {"hidden", None}:
            fields[attrs["name"]] = attrs.get("value", "")
    return fields


def authorize(authorize_url: str, username: str, password: str, *, allow: bool = True) -> str:
    """Log in and approve (or deny); return the callback URL Salesforce redirects to."""
    with httpx.Client(follow_redirects=False, timeout=30) as browser:
        page = browser.get(authorize_url)
        assert page.status_code == 200, page.text
        login = {**form_fields(page.text), "username": username, "password": password}
        approve = browser.post(urljoin(authorize_url, "/services/oauth2/authorize"), data=login)
        if approve.status_code in {302, 303}:
            approve = browser.get(urljoin(authorize_url, approve.headers["location"]))
        assert approve.status_code == 200, approve.text
        decision = {**form_fields(approve.text), "action": "allow" if allow else "deny"}
        done = browser.post(urljoin(authorize_url, "/services/oauth2/authorize"), data=decision)
        assert done.status_code in {302, 303}, done.text
        return str(done.headers["location"])
