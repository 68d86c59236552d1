"""OAuth answers: `{"error","error_description"}` errors and the token response formats."""

from __future__ import annotations

import base64
import hashlib
import hmac
from typing import Any
from urllib.parse import urlencode

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

NO_STORE = {
    "Cache-Control": "no-cache,must-revalidate,max-age=0,no-store,private",
    "Pragma": "no-cache",
}


class OAuthError(Exception):
    """An error of the token or revoke endpoint, answered as HTTP 400 by default."""

    def __init__(self, error: str, description: str, status: int = 400) -> None:
        super().__init__(f"{error}: {description}")
        self.error = error
        self.description = description
        self.status = status

    def response(self) -> Response:
        body = {"error": self.error, "error_description": self.description}
        return JSONResponse(body, status_code=self.status, headers=NO_STORE)


def signature(identity_url: str, issued_at: str, consumer_secret: str) -> str:
    """Base64 HMAC-SHA256 of `id` + `issued_at`, keyed with the consumer secret (reference §1.3)."""
    mac = hmac.new(consumer_secret.encode(), (identity_url + issued_at).encode(), hashlib.sha256)
    return base64.b64encode(mac.digest()).decode()


def token_response(request: Request, body: dict[str, Any], params: dict[str, str]) -> Response:
    """JSON by default; urlencoded when asked by `format=` or the Accept header."""
    wanted = params.get("format", "") or request.headers.get("accept", "")
    if "urlencoded" in wanted:
        return Response(
            urlencode(body), media_type="application/x-www-form-urlencoded", headers=NO_STORE
        )
    return JSONResponse(body, headers=NO_STORE)
