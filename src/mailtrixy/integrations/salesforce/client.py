"""One Salesforce REST client per connection: every call MailTrixy makes goes through it.

It adds the bearer token, refreshes once on 401 INVALID_SESSION_ID (tokens.py), records the
`Sforce-Limit-Info` header, maps failures to errors.py's hierarchy, and retries only what is safe:
reads that met a transport failure, and any request refused with UNABLE_TO_LOCK_ROW (nothing was
written). Writes that timed out are never retried here; the sync reconciles them.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterator
from typing import Any

import httpx
from django.conf import settings
from django.utils import timezone

from mailtrixy import metrics
from mailtrixy.integrations.models import Connection
from mailtrixy.integrations.salesforce import http
from mailtrixy.integrations.salesforce.api_kinds import api_kind
from mailtrixy.integrations.salesforce.errors import (
    ApiError,
    ApiLimitExceeded,
    NeedsReconnect,
    SalesforceError,
    SalesforceTimeout,
    SalesforceUnavailable,
    SessionExpired,
)
from mailtrixy.integrations.salesforce.limits import parse_limit_info
from mailtrixy.integrations.salesforce.tokens import refresh_access_token

log = logging.getLogger(__name__)

RETRYABLE_CODES = {"UNABLE_TO_LOCK_ROW"}
READ_METHODS = {"GET", "HEAD"}


class SalesforceClient:
    def __init__(
        self, connection: Connection, *, timeout: float | None = None, retries: int | None = None
    ) -> None:
        """`timeout` bounds each request; `retries` (default SALESFORCE_RETRIES) how many more
        tries a failed read gets. A person waiting (the card) wants none: one timeout is all."""
        if connection.needs_reconnect:
            raise NeedsReconnect(connection.status_reason or "Reconnect Salesforce.")
        self.connection_id = connection.pk
        self.access_token = connection.access_token
        self.instance_url = connection.instance_url.rstrip("/")
        self.version: str = settings.SALESFORCE_API_VERSION
        self.timeout = timeout
        self.retries: int = settings.SALESFORCE_RETRIES if retries is None else retries
        self.calls = 0
        """API requests this client sent (each counts against the org's daily allocation)."""

    # -- the low level ---------------------------------------------------------------------

    def url(self, path: str) -> str:
        """`query` → {instance}/services/data/vXX.X/query; absolute service paths pass through."""
        if path.startswith("/services/"):
            return f"{self.instance_url}{path}"
        return f"{self.instance_url}/services/data/v{self.version}/{path.lstrip('/')}"

    def request(
        self, method: str, path: str, *, reads_only: bool = False, **kwargs: Any
    ) -> httpx.Response:
        """Send with auth; refresh once on an expired session; retry only what is safe.

        `reads_only` marks a POST that changes nothing (a Composite of queries), so that, like a
        GET, it is retried after a transport failure or a 5xx.
        """
        attempt = 0
        refreshed = False
        while True:
            try:
                return self._send_once(method, path, **kwargs)
            except SessionExpired:
                if refreshed:
                    raise
                self.access_token = refresh_access_token(self.connection_id, self.access_token)
                refreshed = True
            except (SalesforceUnavailable, ApiError) as error:
                if not self._may_retry(method, error, attempt, reads_only):
                    raise
                attempt += 1
                time.sleep(min(0.2 * 2**attempt, 2.0))

    def _may_retry(
        self, method: str, error: SalesforceError, attempt: int, reads_only: bool
    ) -> bool:
        if attempt >= self.retries:
            return False
        if error.error_code in RETRYABLE_CODES:
            return True
        is_read = reads_only or method.upper() in READ_METHODS
        return is_read and isinstance(error, SalesforceUnavailable)

    def _send_once(self, method: str, path: str, **kwargs: Any) -> httpx.Response:
        headers = {
            "Authorization": f"Bearer {self.access_token}",
            "Accept": "application/json",
            **kwargs.pop("headers", {}),
        }
        self.calls += 1
        with metrics.counting_api_call(api_kind(path)):  # issue 7: calls by kind and outcome
            response = http.send(
                method, self.url(path), headers=headers, timeout=self.timeout, **kwargs
            )
            self._record_usage(response)
            raise_for_response(response)
        return response

    def _record_usage(self, response: httpx.Response) -> None:
        usage = parse_limit_info(response.headers.get("Sforce-Limit-Info"))
        if usage is not None:
            Connection.objects.filter(pk=self.connection_id).update(
                api_usage=usage.used, api_limit=usage.limit, api_usage_at=timezone.now()
            )

    # -- REST resources ----------------------------------------------------------------------

    def get(self, path: str, **params: Any) -> Any:
        return self.request("GET", path, params=params or None).json()

    def query(self, soql: str, *, include_deleted: bool = False, batch_size: int = 2000) -> Any:
        resource = "queryAll" if include_deleted else "query"
        headers = {"Sforce-Query-Options": f"batchSize={batch_size}"}
        return self.request("GET", resource, params={"q": soql}, headers=headers).json()

    def query_pages(
        self, soql: str, *, include_deleted: bool = False, batch_size: int = 2000
    ) -> Iterator[list[dict[str, Any]]]:
        """Every page of a query, following nextRecordsUrl until Salesforce says `done`."""
        page = self.query(soql, include_deleted=include_deleted, batch_size=batch_size)
        while True:
            yield page["records"]
            if page.get("done", True):
                return
            headers = {"Sforce-Query-Options": f"batchSize={batch_size}"}
            page = self.request("GET", page["nextRecordsUrl"], headers=headers).json()

    def composite(
        self, subrequests: list[dict[str, Any]], *, all_or_none: bool = False
    ) -> list[dict[str, Any]]:
        """One Composite call (one API request for up to 25 subrequests)."""
        body = {"allOrNone": all_or_none, "compositeRequest": subrequests}
        reads_only = all(sub["method"] == "GET" for sub in subrequests)
        response = self.request("POST", "composite", json=body, reads_only=reads_only)
        result: list[dict[str, Any]] = response.json()["compositeResponse"]
        return result

    def service_path(self, resource: str) -> str:
        """A REST path for a composite subrequest: /services/data/vXX.X/{resource}."""
        return f"/services/data/v{self.version}/{resource.lstrip('/')}"


def subresponse_body(answer: dict[str, Any]) -> Any:
    """A Composite subresponse's body, or its error as an ApiError (Composite itself says 200)."""
    status = int(answer.get("httpStatusCode", 500))
    body = answer.get("body")
    if status < 400:
        return body
    item = body[0] if isinstance(body, list) and body and isinstance(body[0], dict) else {}
    raise ApiError(
        str(item.get("message", "")) or f"Subrequest {answer.get('referenceId')} failed.",
        error_code=str(item.get("errorCode", "")),
        status=status,
    )


def raise_for_response(response: httpx.Response) -> None:
    """Turn a failed answer into the error hierarchy, branching on errorCode only."""
    status = response.status_code
    if status < 400:
        return
    code, message = _first_error(response)
    if status == 401 and code in {"INVALID_SESSION_ID", ""}:
        raise SessionExpired(message or "Session expired or invalid", error_code=code, status=401)
    if code == "REQUEST_LIMIT_EXCEEDED":
        raise ApiLimitExceeded(message, error_code=code, status=status)
    if status >= 500 or not code:
        raise SalesforceUnavailable(
            message or f"Salesforce answered {status}.", error_code=code, status=status
        )
    raise ApiError(message, error_code=code, status=status)


def _first_error(response: httpx.Response) -> tuple[str, str]:
    """Salesforce errors are a JSON array of {message, errorCode}; edges may send HTML."""
    try:
        body = response.json()
    except ValueError:
        return "", ""
    item = body[0] if isinstance(body, list) and body else body
    if not isinstance(item, dict):
        return "", ""
    return str(item.get("errorCode", "")), str(item.get("message", ""))


__all__ = ["SalesforceClient", "SalesforceTimeout", "raise_for_response"]
