"""REST answers: `application/json;charset=UTF-8` bodies and the error array (reference §3)."""

from __future__ import annotations

import json
from typing import Any

from starlette.responses import Response

from salesforce_emulator.errors import SalesforceError

JSON_TYPE = "application/json;charset=UTF-8"
# Errors Salesforce sends without a `fields` key (reference §3.2 examples), when they have none.
_NO_FIELDS_KEY = frozenset(
    {
        "MALFORMED_QUERY", "INVALID_FIELD", "NOT_FOUND", "INVALID_TYPE", "INVALID_QUERY_LOCATOR",
        "JSON_PARSER_ERROR", "INVALID_SESSION_ID", "REQUEST_LIMIT_EXCEEDED", "UNKNOWN_EXCEPTION",
        "SERVER_UNAVAILABLE", "METHOD_NOT_ALLOWED", "API_VERSION_RETIRED", "INVALID_API_INPUT",
    }
)  # fmt: skip


def rest_error(error: SalesforceError) -> dict[str, Any]:
    item = error.as_rest_error()
    if not error.fields and error.error_code in _NO_FIELDS_KEY:
        del item["fields"]
    return item


def error_body(error: SalesforceError) -> list[dict[str, Any]]:
    return [rest_error(error)]


def dumps(body: Any, *, pretty: bool = False) -> bytes:
    if pretty:
        return json.dumps(body, indent=2, ensure_ascii=False).encode()
    return json.dumps(body, separators=(",", ":"), ensure_ascii=False).encode()


def json_response(
    body: Any, status: int = 200, headers: dict[str, str] | None = None, *, pretty: bool = False
) -> Response:
    if body is None:
        return Response(status_code=status, headers=headers)
    response = Response(dumps(body, pretty=pretty), status_code=status, headers=headers)
    response.headers["content-type"] = JSON_TYPE
    return response


def error_response(error: SalesforceError, headers: dict[str, str] | None = None) -> Response:
    return json_response(error_body(error), error.status, headers)


SESSION_EXPIRED = SalesforceError(401, "INVALID_SESSION_ID", "Session expired or invalid")
LIMIT_EXCEEDED = SalesforceError(403, "REQUEST_LIMIT_EXCEEDED", "TotalRequests Limit exceeded.")
