"""/healthz, /readyz and who may read /metrics."""

from __future__ import annotations

from ipaddress import ip_network

import httpx
import pytest
from django.test import Client, override_settings
from pytest_django.live_server_helper import LiveServer

from mailtrixy import health
from mailtrixy.config import env_networks


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


def test_prometheus_on_the_same_machine_scrapes_a_running_server(
    live_server: LiveServer,
) -> None:
    """As in the demo: a scraper on this machine, over a real socket, with no settings."""
    response = httpx.get(f"{live_server.url}/metrics", timeout=10)
    assert response.status_code == 200 and "mailtrixy_job_queue_depth" in response.text


def test_loopback_written_as_an_ipv6_mapped_address_is_loopback(client: Client) -> None:
    assert client.get("/metrics", REMOTE_ADDR="::ffff:127.0.0.1").status_code == 200


@override_settings(METRICS_ALLOWED_IPS=[ip_network("10.0.0.0/8")])
def test_metrics_allowed_ips_admits_its_networks_only(client: Client) -> None:
    assert client.get("/metrics", REMOTE_ADDR="10.20.30.40").status_code == 200
    assert client.get("/metrics", REMOTE_ADDR="192.168.1.9").status_code == 403
    assert client.get("/metrics", REMOTE_ADDR="127.0.0.1").status_code == 403  # not listed
    proxied = client.get("/metrics", REMOTE_ADDR="10.20.30.40", HTTP_FORWARDED="for=203.0.113.9")
    assert proxied.status_code == 403


@override_settings(METRICS_ALLOWED_IPS=[], METRICS_TOKEN="s3cret-metrics-token")
def test_without_allowed_addresses_only_the_token_opens_metrics(client: Client) -> None:
    assert client.get("/metrics").status_code == 403
    token = {"HTTP_AUTHORIZATION": "Bearer s3cret-metrics-token"}
    assert client.get("/metrics", **token).status_code == 200


@override_settings(METRICS_TOKEN="s3cret-metrics-token")
def test_a_wrong_bearer_token_is_refused_even_from_an_allowed_address(client: Client) -> None:
    """A scraper that sends a token is judged by it, so a stale token shows at once."""
    response = client.get("/metrics", HTTP_AUTHORIZATION="Bearer stale-token")
    assert response.status_code == 403
    assert "METRICS_TOKEN" in response.content.decode()


def test_a_bearer_token_is_refused_when_none_is_configured(client: Client) -> None:
    assert client.get("/metrics", HTTP_AUTHORIZATION="Bearer anything").status_code == 403


def test_metrics_allowed_ips_reads_addresses_networks_and_none(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    default = ["127.0.0.1", "::1"]
    monkeypatch.setenv("METRICS_ALLOWED_IPS", "10.0.0.0/8, 192.0.2.7 ,fd00::/8")
    assert env_networks("METRICS_ALLOWED_IPS", default) == [
        ip_network("10.0.0.0/8"), ip_network("192.0.2.7/32"), ip_network("fd00::/8"),
    ]  # fmt: skip
    monkeypatch.setenv("METRICS_ALLOWED_IPS", "none")
    assert env_networks("METRICS_ALLOWED_IPS", default) == []
    monkeypatch.delenv("METRICS_ALLOWED_IPS")
    assert env_networks("METRICS_ALLOWED_IPS", default) == [
        ip_network("127.0.0.1/32"), ip_network("::1/128"),
    ]  # fmt: skip
    monkeypatch.setenv("METRICS_ALLOWED_IPS", "10.0.0.0/8,intranet")
    with pytest.raises(ValueError, match=r"METRICS_ALLOWED_IPS.*'intranet'"):
        env_networks("METRICS_ALLOWED_IPS", default)
