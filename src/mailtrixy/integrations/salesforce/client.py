"""One Salesforce REST client per connection: every call MailTrixy makes goes through it.

It adds the bearer token, refreshes once on 401 INVALID_SESSION_ID (tokens.py), records the
`Sforce-Limit-Info` header, maps failures to errors.py's hierarchy, counts the call (`calls`, and
the metrics by kind and outcome), and retries only what is safe: reads that met a transport
failure or a 5xx answer, and any request refused with UNABLE_TO_LOCK_ROW (nothing was written).
Writes that timed out are never retried here; the sync reconciles them.

A reader that wants the next answer while it works on this one (the bulk results) hands the
request to a worker thread with `send_ahead`; the thread only sends. Everything else above
happens where the answer is settled, on the caller's thread: usage is written to the database,
which a worker thread must not do beside the sync's own transactions.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterator
from concurrent.futures import Executor, Future
from contextlib import closing, suppress
from functools import partial
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

UNSERVED = (SessionExpired, ApiLimitExceeded)
"""Answers Salesforce gives before serving a request, which its daily count leaves out."""
SentAhead = Future[httpx.Response]
"""A request `send_ahead` handed to a worker thread, its answer not yet settled."""


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
        """API requests this client sent that count against the org's daily allocation: all but
        those refused unserved (`UNSERVED`: an expired session, the allocation used up)."""

    # -- the low level ---------------------------------------------------------------------

    def url(self, path: str) -> str:
        """`query` → {instance}/services/data/vXX.X/query; absolute service paths pass through."""
        if path.startswith("/services/"):
            return f"{self.instance_url}{path}"
        return f"{self.instance_url}/services/data/v{self.version}/{path.lstrip('/')}"

    def request(
        self,
        method: str,
        path: str,
        *,
        reads_only: bool = False,
        stream: bool = False,
        sent: SentAhead | None = None,
        **kwargs: Any,
    ) -> httpx.Response:
        """Send with auth; refresh once on an expired session; retry only what is safe.

        `reads_only` marks a POST that changes nothing (a Composite of queries), so that, like a
        GET, it is retried after a transport failure or a 5xx. `stream` returns once the headers
        are in; the caller reads the body and closes the response. `sent` is this very request
        already handed to the transport by `send_ahead`: its answer is settled here like any
        other, and a refresh or a retry sends it again from here.
        """
        attempt = 0
        refreshed = False
        while True:
            ahead, sent = sent, None
            try:
                return self._send_once(method, path, stream=stream, sent=ahead, **kwargs)
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

    def send_ahead(self, worker: Executor, method: str, path: str, **kwargs: Any) -> SentAhead:
        """Hand a streamed request to `worker`'s thread and return at once (read-ahead).

        That thread only sends and waits for the headers: it touches neither the database nor
        the counters, and the body waits in the socket. Settle the answer on this thread with
        `request(method, path, stream=True, sent=future, **kwargs)`, or `abandon` it.
        """
        return worker.submit(self._transport(method, path, stream=True, **kwargs))

    def abandon(self, path: str, sent: SentAhead) -> None:
        """A request sent ahead whose answer is no longer wanted: counted, closed unread.

        Called while another failure unwinds, so it never raises: that failure is the news.
        """
        with suppress(Exception):
            self._send_once("GET", path, stream=True, sent=sent).close()

    @staticmethod
    def streamed_text(response: httpx.Response) -> Iterator[str]:
        """A streamed answer's body as text, as it arrives; a broken stream is an error of
        errors.py's hierarchy like any other transport failure."""
        return http.iter_text(response)

    def _may_retry(
        self, method: str, error: SalesforceError, attempt: int, reads_only: bool
    ) -> bool:
        if attempt >= self.retries:
            return False
        if error.error_code in RETRYABLE_CODES:
            return True
        is_read = reads_only or method.upper() in READ_METHODS
        return is_read and isinstance(error, SalesforceUnavailable)

    def _transport(
        self, method: str, path: str, *, stream: bool = False, **kwargs: Any
    ) -> Callable[[], httpx.Response]:
        """The request, ready to send with the current token, from any thread."""
        headers = {
            "Authorization": f"Bearer {self.access_token}",
            "Accept": "application/json",
            **kwargs.pop("headers", {}),
        }
        return partial(
            http.send,
            method,
            self.url(path),
            headers=headers,
            timeout=self.timeout,
            stream=stream,
            **kwargs,
        )

    def _send_once(
        self,
        method: str,
        path: str,
        *,
        stream: bool = False,
        sent: SentAhead | None = None,
        **kwargs: Any,
    ) -> httpx.Response:
        with metrics.counting_api_call(api_kind(path)):  # issue 7: calls by kind and outcome
            try:
                if sent is not None:
                    response = sent.result()
                else:
                    response = self._transport(method, path, stream=stream, **kwargs)()
            except SalesforceUnavailable:
                self.calls += 1  # it may have reached Salesforce, and been counted there
                raise
            self._settle(response)
        return response

    def _settle(self, response: httpx.Response) -> None:
        """On the caller's thread: count the call, record the org's usage, raise a failure."""
        if response.status_code >= 400:
            with closing(response):
                http.read(response)  # a streamed answer's error is in its body
        error = response_error(response)
        if not isinstance(error, UNSERVED):
            self.calls += 1
        self._record_usage(response)
        if error is not None:
            raise error

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


def response_error(response: httpx.Response) -> SalesforceError | None:
    """A failed answer as the error hierarchy (None for a success), branching on errorCode only."""
    status = response.status_code
    if status < 400:
        return None
    code, message = _first_error(response)
    if status == 401 and code in {"INVALID_SESSION_ID", ""}:
        return SessionExpired(message or "Session expired or invalid", error_code=code, status=401)
    if code == "REQUEST_LIMIT_EXCEEDED":
        return ApiLimitExceeded(message, error_code=code, status=status)
    if status >= 500 or not code:
        return SalesforceUnavailable(
            message or f"Salesforce answered {status}.", error_code=code, status=status
        )
    return ApiError(message, error_code=code, status=status)


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


__all__ = ["SalesforceClient", "SalesforceTimeout", "SentAhead", "response_error"]
