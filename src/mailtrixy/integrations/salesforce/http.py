"""The one HTTP client MailTrixy uses to reach Salesforce, shared so connections stay warm."""

from __future__ import annotations

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


def send(method: str, url: str, *, timeout: float | None = None, **kwargs: Any) -> httpx.Response:
    """Send one request; transport failures become SalesforceUnavailable / SalesforceTimeout."""
    limit = timeout if timeout is not None else settings.SALESFORCE_TIMEOUT
    try:
        return client().request(method, url, timeout=limit, **kwargs)
    except httpx.TimeoutException as exc:
        raise SalesforceTimeout(f"No answer from Salesforce within {limit:g} s.") from exc
    except httpx.TransportError as exc:
        raise SalesforceUnavailable(f"Could not reach Salesforce: {type(exc).__name__}.") from exc


def open_stream(method: str, url: str, *, timeout: float, **kwargs: Any) -> httpx.Response:
    """Send one request and return as soon as its headers arrive; the caller reads the body
    and closes the response. Transport failures become errors as in `send`."""
    try:
        request = client().build_request(method, url, timeout=timeout, **kwargs)
        return client().send(request, stream=True)
    except httpx.TimeoutException as exc:
        raise SalesforceTimeout(f"No answer from Salesforce within {timeout:g} s.") from exc
    except httpx.TransportError as exc:
        raise SalesforceUnavailable(f"Could not reach Salesforce: {type(exc).__name__}.") from exc
