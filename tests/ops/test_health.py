"""/healthz, /readyz and who may read /metrics."""

from __future__ import annotations

import pytest
from django.test import Client, override_settings

from mailtrixy import health


def test_healthz_answers_without_login(client: Client) -> None:
    response = client.get("/healthz")
    assert response.status_code == 200 and response.json() == {"status": "ok"}


def test_readyz_checks_database_cache_and_queue(client: Client) -> None:
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.json()["checks"] == {"database": "ok", "cache": "ok", "queue": "ok"}


def test_readyz_names_the_failed_dependency_without_its_error_text(
    client: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken() -> None:
        raise ConnectionError("redis://admin:hunter2@cache.internal:6379 refused")

    monkeypatch.setitem(health.CHECKS, "cache", broken)
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["checks"]["cache"] == "failed (ConnectionError)"
    assert "hunter2" not in response.content.decode()


def test_metrics_are_served_to_loopback(client: Client) -> None:
    response = client.get("/metrics")
    assert response.status_code == 200
    assert b"mailtrixy_job_queue_depth" in response.content


def test_metrics_are_refused_to_other_addresses_and_through_proxies(client: Client) -> None:
    assert client.get("/metrics", REMOTE_ADDR="203.0.113.9").status_code == 403
    proxied = client.get("/metrics", HTTP_X_FORWARDED_FOR="203.0.113.9")
    assert proxied.status_code == 403


@override_settings(METRICS_TOKEN="s3cret-metrics-token")
def test_metrics_token_lets_a_remote_scraper_in(client: Client) -> None:
    remote = {"REMOTE_ADDR": "203.0.113.9"}
    good = client.get("/metrics", HTTP_AUTHORIZATION="Bearer s3cret-metrics-token", **remote)
    bad = client.get("/metrics", HTTP_AUTHORIZATION="Bearer wrong", **remote)
    assert good.status_code == 200 and bad.status_code == 403
