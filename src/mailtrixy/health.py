"""Liveness, readiness and metrics endpoints for load balancers, orchestrators and Prometheus.

- `/healthz`: the process answers (no dependency checked: a restart would not fix them).
- `/readyz`: the database, the cache and the job queue answer; 503 naming the failed one
  otherwise, so a load balancer stops sending traffic. Failures are named by kind only: an
  error's text can carry a host or a user name, which a public endpoint does not show.
- `/metrics`: Prometheus' text format, for operators only (`metrics_allowed`): direct requests
  from METRICS_ALLOWED_IPS (this machine by default), or requests with
  `Authorization: Bearer $METRICS_TOKEN` from anywhere.
"""

from __future__ import annotations

import hmac
import logging
import uuid
from collections.abc import Callable
from ipaddress import IPv6Address, ip_address

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.cache import never_cache

log = logging.getLogger(__name__)

PROXY_HEADERS = ("HTTP_X_FORWARDED_FOR", "HTTP_FORWARDED", "HTTP_X_REAL_IP")


@never_cache
def healthz(request: HttpRequest) -> JsonResponse:
    return JsonResponse({"status": "ok"})


def check_database() -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()


def check_cache() -> None:
    key = f"readyz:{uuid.uuid4().hex}"
    cache.set(key, "ok", timeout=10)
    if cache.get(key) != "ok":
        raise RuntimeError("the cache did not return what was stored")
    cache.delete(key)


def check_queue() -> None:
    from mailtrixy import jobs

    jobs.queue_depth()


CHECKS: dict[str, Callable[[], None]] = {
    "database": check_database,
    "cache": check_cache,
    "queue": check_queue,
}


def readiness() -> dict[str, str]:
    """Each dependency's state: "ok" or "failed (<kind of error>)"."""
    results = {}
    for name, check in CHECKS.items():
        try:
            check()
            results[name] = "ok"
        except Exception as error:
            log.warning("Readiness check %s failed: %s", name, type(error).__name__)
            results[name] = f"failed ({type(error).__name__})"
    return results


@never_cache
def readyz(request: HttpRequest) -> JsonResponse:
    checks = readiness()
    ready = all(state == "ok" for state in checks.values())
    body = {"status": "ok" if ready else "unavailable", "checks": checks}
    return JsonResponse(body, status=200 if ready else 503)


def metrics_allowed(request: HttpRequest) -> bool:
    """A request that presents a bearer token is judged by the token alone (a scraper with a
    stale token learns it at once); any other by its address."""
    scheme, _, given = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() == "bearer":
        token: str = settings.METRICS_TOKEN
        return bool(token) and hmac.compare_digest(given.strip().encode(), token.encode())
    return _direct_from_allowed_address(request)


def _direct_from_allowed_address(request: HttpRequest) -> bool:
    # A proxy on this machine connects from 127.0.0.1 for every public caller: a forwarded
    # request is never trusted by its address.
    if any(request.META.get(header) for header in PROXY_HEADERS):
        return False
    try:
        address = ip_address(request.META.get("REMOTE_ADDR", ""))
    except ValueError:
        return False
    if isinstance(address, IPv6Address) and address.ipv4_mapped:
        address = address.ipv4_mapped  # a dual-stack socket's ::ffff:127.0.0.1
    return any(address in network for network in settings.METRICS_ALLOWED_IPS)


REFUSED = (
    "Metrics are served only to direct requests from METRICS_ALLOWED_IPS, or with "
    "Authorization: Bearer <METRICS_TOKEN>. See docs/operations.md.\n"
)


@never_cache
def metrics(request: HttpRequest) -> HttpResponse:
    if not metrics_allowed(request):
        return HttpResponse(REFUSED, status=403, content_type="text/plain")
    from prometheus_client import CONTENT_TYPE_LATEST

    from mailtrixy.metrics import exposition

    return HttpResponse(exposition(), content_type=CONTENT_TYPE_LATEST)
