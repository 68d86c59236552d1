"""The one HTTP client MailTrixy uses to reach Salesforce, shared so connections stay warm."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache
from typing import Any

import httpx
from django.conf import settings

from mailtrixy.integrations.salesforce.errors import SalesforceTimeout, SalesforceUnavailable


@cache
def _client(verify: str | bool) -> httpx.Client:
    limits = httpx.Limits(max_connections=100, max_keepalive_connections=20)
    return httpx.Client(verify=verify, limits=limits, headers={"User-Agent": "MailTrixy/1.0"})


def client() -> httpx.Client:
    ca_bundle: str = settings.SALESFORCE_CA_BUNDLE
    return _client(ca_bundle or True)


def send(
    method: str, url: str, *, timeout: float | None = None, stream: bool = False, **kwargs: Any
) -> httpx.Response:
    """Send one request; transport failures become SalesforceUnavailable / SalesforceTimeout.

    With `stream` it returns as soon as the headers arrive; the caller reads the body (`read`,
    `iter_text`) and closes the response. Touches nothing but the network: any thread may call it.
    """
    limit = timeout if timeout is not None else settings.SALESFORCE_TIMEOUT
    with _mapped_failures(limit):
        request = client().build_request(method, url, timeout=limit, **kwargs)
        return client().send(request, stream=stream)


def read(response: httpx.Response) -> bytes:
    """The whole body of a streamed answer, its failures mapped as in `send`."""
    with _mapped_failures():
        return response.read()


def iter_text(response: httpx.Response) -> Iterator[str]:
    """A streamed answer's body as text, as it arrives; failures mapped as in `send`."""
    with _mapped_failures():
        yield from response.iter_text()


@contextmanager
def _mapped_failures(limit: float | None = None) -> Iterator[None]:
    try:
        yield
    except httpx.TimeoutException as exc:
        within = f"within {limit:g} s" if limit is not None else "in time"
        raise SalesforceTimeout(f"No answer from Salesforce {within}.") from exc
    except httpx.TransportError as exc:
        raise SalesforceUnavailable(f"Could not reach Salesforce: {type(exc).__name__}.") from exc
