"""Prometheus metrics, right across processes and machines.

Two sources, both read when Prometheus scrapes `/metrics` (so any web process answers for all):

- **Counters** (Salesforce API calls, card lookups, finished sync runs, their duration, records
  moved) are incremented where things happen, in whichever web or worker process, in a shared
  store: the `metrics` cache, Redis when REDIS_URL is set (INCR is atomic across processes).
  Without Redis it is per-process memory, which is exact for the one-process demo only.
- **Gauges** (connections by status, queued and running runs, expired leases, queue depth, the
  card cache hit ratio) are computed from the database and the queue at scrape time.

Label values come from fixed lists, so a scrape reads a known set of keys in one round trip and
labels never grow with data. Recording never raises: metrics must not break a sync or a card.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Iterator
from contextlib import contextmanager

from django.core.cache import caches
from django.utils import timezone
from prometheus_client import CollectorRegistry, generate_latest
from prometheus_client.core import (
    CounterMetricFamily,
    GaugeMetricFamily,
    HistogramMetricFamily,
    Metric,
)
from prometheus_client.registry import Collector

log = logging.getLogger(__name__)

CACHE_ALIAS = "metrics"
PREFIX = "metrics:v1"

API_KINDS = (
    "query", "composite", "collections", "sobject", "describe", "limits", "bulk", "other",
)  # fmt: skip
API_OUTCOMES = (
    "ok", "session_expired", "limit_exceeded", "timeout", "unavailable", "error",
)  # fmt: skip
CARD_RESULTS = ("hit", "miss", "failed")
RUN_STATUSES = ("succeeded", "failed")
RECORD_CHANGES = (
    "contacts_created", "contacts_updated", "contacts_linked", "contacts_archived",
    "contacts_restored", "contacts_pushed", "deals_created", "deals_pushed", "deals_updated",
    "deals_deleted", "deals_archived", "deals_restored", "conflicts", "issues",
)  # fmt: skip
DURATION_BUCKETS = (1.0, 5.0, 15.0, 30.0, 60.0, 120.0, 300.0, 600.0, 1800.0, float("inf"))

# -- recording -----------------------------------------------------------------------------------


def _key(name: str, *labels: str) -> str:
    return ":".join((PREFIX, name, *labels))


def _add(key: str, amount: int = 1) -> None:
    if amount <= 0:
        return
    try:
        store = caches[CACHE_ALIAS]
        try:
            store.incr(key, amount)
        except ValueError:  # not there yet
            if not store.add(key, amount, timeout=None):
                store.incr(key, amount)
    except Exception:
        log.debug("Could not record metric %s.", key, exc_info=True)


def record_api_call(kind: str, outcome: str) -> None:
    kind = kind if kind in API_KINDS else "other"
    _add(_key("api", kind, outcome if outcome in API_OUTCOMES else "error"))


@contextmanager
def counting_api_call(kind: str) -> Iterator[None]:
    """Count one API request of `kind` (one of API_KINDS) by how it ended.

    A block that raises is counted under the error's `metrics_outcome` (one of API_OUTCOMES),
    which each integration's errors declare; any other exception counts as "error".
    """
    try:
        yield
    except Exception as error:
        record_api_call(kind, getattr(error, "metrics_outcome", "error"))
        raise
    record_api_call(kind, "ok")


def record_card_lookup(result: str) -> None:
    """`hit`: served from the shared cache; `miss`: asked Salesforce; `failed`: that failed."""
    if result in CARD_RESULTS:
        _add(_key("card", result))


def record_sync_run(status: str, duration_seconds: float | None, stats: dict[str, object]) -> None:
    """A finished sync run: its outcome, how long it took, and the records it moved."""
    if status not in RUN_STATUSES:
        return
    _add(_key("runs", status))
    if duration_seconds is not None:
        bucket = next(b for b in DURATION_BUCKETS if duration_seconds <= b)
        _add(_key("duration", "bucket", str(bucket)))
        _add(_key("duration", "count"))
        _add(_key("duration", "sum_ms"), round(duration_seconds * 1000))
    for change in RECORD_CHANGES:
        value = stats.get(change)
        if isinstance(value, int) and not isinstance(value, bool):
            _add(_key("records", change), value)


# -- reading ---------------------------------------------------------------------------------------


def _counter_keys() -> list[str]:
    keys = [_key("api", k, o) for k in API_KINDS for o in API_OUTCOMES]
    keys += [_key("card", r) for r in CARD_RESULTS]
    keys += [_key("runs", s) for s in RUN_STATUSES]
    keys += [_key("duration", "bucket", str(b)) for b in DURATION_BUCKETS]
    keys += [_key("duration", "count"), _key("duration", "sum_ms")]
    keys += [_key("records", c) for c in RECORD_CHANGES]
    return keys


def counter_values() -> dict[str, int]:
    """Every shared counter, zero when never incremented."""
    keys = _counter_keys()
    try:
        found = caches[CACHE_ALIAS].get_many(keys)
    except Exception:
        log.warning("The metrics store cannot be read; counters show as zero.")
        found = {}
    return {key: int(found.get(key) or 0) for key in keys}


class MailtrixyCollector(Collector):
    def collect(self) -> Iterable[Metric]:
        values = counter_values()
        yield from _counters(values)
        yield _duration(values)
        yield _hit_ratio(values)
        yield from _database_gauges()
        yield _queue_depth()


def _counters(values: dict[str, int]) -> Iterator[Metric]:
    api = CounterMetricFamily(
        "mailtrixy_salesforce_api_calls",
        "Salesforce API requests sent, by kind and outcome (each counts against the org's "
        "daily allocation).",
        labels=["kind", "outcome"],
    )
    for kind in API_KINDS:
        for outcome in API_OUTCOMES:
            api.add_metric([kind, outcome], values[_key("api", kind, outcome)])
    yield api
    card = CounterMetricFamily(
        "mailtrixy_card_lookups",
        "Salesforce card lookups: hit (shared cache), miss (asked Salesforce), failed.",
        labels=["result"],
    )
    for result in CARD_RESULTS:
        card.add_metric([result], values[_key("card", result)])
    yield card
    runs = CounterMetricFamily(
        "mailtrixy_sync_runs", "Sync runs finished, by status.", labels=["status"]
    )
    for status in RUN_STATUSES:
        runs.add_metric([status], values[_key("runs", status)])
    yield runs
    records = CounterMetricFamily(
        "mailtrixy_sync_records",
        "Records moved by sync runs, by change (pulled, pushed, archived…).",
        labels=["change"],
    )
    for change in RECORD_CHANGES:
        records.add_metric([change], values[_key("records", change)])
    yield records


def _duration(values: dict[str, int]) -> Metric:
    cumulative, buckets = 0, []
    for bound in DURATION_BUCKETS:
        cumulative += values[_key("duration", "bucket", str(bound))]
        label = "+Inf" if bound == float("inf") else f"{bound:g}"
        buckets.append((label, cumulative))
    return HistogramMetricFamily(
        "mailtrixy_sync_run_duration_seconds",
        "How long finished sync runs took, from first claim to finish.",
        buckets=buckets,
        sum_value=values[_key("duration", "sum_ms")] / 1000,
    )


def _hit_ratio(values: dict[str, int]) -> Metric:
    hits = values[_key("card", "hit")]
    total = hits + values[_key("card", "miss")] + values[_key("card", "failed")]
    return GaugeMetricFamily(
        "mailtrixy_card_cache_hit_ratio",
        "Share of card lookups served from the cache since the counters started (0 when none).",
        value=hits / total if total else 0.0,
    )


def _database_gauges() -> Iterator[Metric]:
    from django.db.models import Count, Q

    from mailtrixy.integrations.models import Connection, ConnectionStatus, SyncRun, SyncRunStatus

    now = timezone.now()
    connections = GaugeMetricFamily(
        "mailtrixy_connections", "Integration connections, by status.", labels=["status"]
    )
    counts = Connection.objects.aggregate(
        connected=Count("pk", filter=Q(status=ConnectionStatus.CONNECTED)),
        needs_reconnect=Count("pk", filter=Q(status=ConnectionStatus.NEEDS_RECONNECT)),
        paused=Count("pk", filter=Q(paused_until__gt=now)),
    )
    for status, value in counts.items():
        connections.add_metric([status], value)
    yield connections
    active = GaugeMetricFamily(
        "mailtrixy_sync_runs_active", "Sync runs waiting or running now.", labels=["status"]
    )
    runs = SyncRun.objects.filter(
        status__in=[SyncRunStatus.QUEUED, SyncRunStatus.RUNNING]
    ).aggregate(
        queued=Count("pk", filter=Q(status=SyncRunStatus.QUEUED)),
        running=Count("pk", filter=Q(status=SyncRunStatus.RUNNING)),
        expired=Count("pk", filter=Q(status=SyncRunStatus.RUNNING, lease_until__lt=now)),
    )
    active.add_metric(["queued"], runs["queued"])
    active.add_metric(["running"], runs["running"])
    yield active
    yield GaugeMetricFamily(
        "mailtrixy_sync_leases_expired",
        "Running sync runs whose worker stopped renewing the lease (to be resumed elsewhere).",
        value=runs["expired"],
    )


def _queue_depth() -> Metric:
    from mailtrixy import jobs

    try:
        depth = float(jobs.queue_depth())
    except Exception:
        log.warning("The job queue cannot be read for metrics.")
        depth = float("nan")
    return GaugeMetricFamily("mailtrixy_job_queue_depth", "Jobs waiting in the queue.", value=depth)


def exposition() -> bytes:
    """The metrics in Prometheus' text format (what `/metrics` answers)."""
    registry = CollectorRegistry(auto_describe=False)
    registry.register(MailtrixyCollector())
    return generate_latest(registry)
