"""Reading an access token from a request: `Authorization: Bearer …` or the older `OAuth …`."""

from __future__ import annotations

from starlette.requests import Request

SCHEMES = ("bearer", "oauth")


def bearer_token(request: Request) -> str | None:
    header = request.headers.get("authorization", "")
    scheme, _, token = header.strip().partition(" ")
    if scheme.lower() in SCHEMES and token.strip():
        return token.strip()
    return None
