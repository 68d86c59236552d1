"""The pages' session: a signed cookie naming the logged-in user, and a CSRF token bound to it.

Signed with HMAC-SHA256 under the registry's secret, so it survives restarts of the emulator.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from dataclasses import dataclass

from starlette.requests import Request
from starlette.responses import Response

from salesforce_emulator.context import registry_of

COOKIE = "sid_emulator"
MAX_AGE_SECONDS = 12 * 60 * 60


@dataclass(frozen=True)
class PageSession:
    org_id: str
    user_id: str
    username: str
    raw: str

    def csrf(self, secret: bytes) -> str:
        return hmac.new(secret, f"csrf:{self.raw}".encode(), hashlib.sha256).hexdigest()[:32]


def current_session(request: Request) -> PageSession | None:
    raw = request.cookies.get(COOKIE)
    if not raw:
        return None
    payload_b64, _, mac = raw.rpartition(".")
    secret = registry_of(request).secret()
    if not hmac.compare_digest(mac, _mac(secret, payload_b64)):
        return None
    try:
        data = json.loads(base64.urlsafe_b64decode(payload_b64.encode()))
        return PageSession(data["o"], data["u"], data["n"], raw)
    except (ValueError, KeyError):
        return None


def start_session(
    request: Request, response: Response, org_id: str, user_id: str, username: str
) -> PageSession:
    secret = registry_of(request).secret()
    payload = json.dumps({"o": org_id, "u": user_id, "n": username}).encode()
    payload_b64 = base64.urlsafe_b64encode(payload).decode()
    raw = f"{payload_b64}.{_mac(secret, payload_b64)}"
    response.set_cookie(
        COOKIE, raw, max_age=MAX_AGE_SECONDS, httponly=True, samesite="lax", path="/"
    )
    return PageSession(org_id, user_id, username, raw)


def end_session(response: Response) -> None:
    response.delete_cookie(COOKIE, path="/")


def csrf_ok(request: Request, session: PageSession, token: object) -> bool:
    expected = session.csrf(registry_of(request).secret())
    return isinstance(token, str) and hmac.compare_digest(token, expected)


def _mac(secret: bytes, payload_b64: str) -> str:
    return hmac.new(secret, payload_b64.encode(), hashlib.sha256).hexdigest()
