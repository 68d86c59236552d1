"""Faults through the control API: latency, 500/503, row locks, dropped answers, determinism."""

from __future__ import annotations

import time

import httpx
import pytest

from salesforce_emulator.testing import OrgSetup


def statuses(api: httpx.Client, n: int) -> list[int]:
    return [api.get("limits").status_code for _ in range(n)]


def test_added_latency_delays_answers(org: OrgSetup, api: httpx.Client) -> None:
    org.server.control.set_faults(org.org_id, latency_ms=300)
    started = time.monotonic()
    api.get("limits")
    assert time.monotonic() - started >= 0.3


def test_error_rates_answer_500_and_503_with_error_arrays(org: OrgSetup, api: httpx.Client) -> None:
    org.server.control.set_faults(org.org_id, error_500_rate=1.0)
    failed = api.get("limits")
    assert failed.status_code == 500 and failed.json()[0]["errorCode"] == "UNKNOWN_EXCEPTION"
    assert "sforce-limit-info" in failed.headers
    org.server.control.set_faults(org.org_id, error_500_rate=0.0, error_503_rate=1.0)
    unavailable = api.get("limits")
    assert unavailable.status_code == 503
    assert unavailable.json() == [
        {"message": "Server Unavailable", "errorCode": "SERVER_UNAVAILABLE"}
    ]


def test_faults_are_deterministic_by_seed(org: OrgSetup, api: httpx.Client) -> None:
    org.server.control.set_faults(org.org_id, error_503_rate=0.5, seed=7)
    first = statuses(api, 20)
    org.server.control.set_faults(org.org_id, seed=7)  # re-seeding restarts the sequence
    assert statuses(api, 20) == first
    assert 200 in first and 503 in first


def test_unable_to_lock_row_on_writes_only(org: OrgSetup, api: httpx.Client) -> None:
    org.server.control.set_faults(org.org_id, lock_row_rate=1.0)
    locked = api.post("sobjects/Account", json={"Name": "Locked"})
    assert locked.status_code == 400
    assert locked.json() == [
        {
            "message": "unable to obtain exclusive access to this record",
            "errorCode": "UNABLE_TO_LOCK_ROW",
            "fields": [],
        }
    ]
    assert api.get("limits").status_code == 200
    assert org.server.control.counters(org.org_id)["faults"] == {"unable_to_lock_row": 1}


def test_commit_then_disconnect_is_a_transport_error_after_the_write(
    org: OrgSetup, api: httpx.Client
) -> None:
    org.server.control.set_faults(org.org_id, drop_response_rate=1.0)
    with pytest.raises(httpx.TransportError):
        api.post("sobjects/Account", json={"Name": "Dropped but saved"})
    org.server.control.clear_faults(org.org_id)
    soql = "SELECT COUNT() FROM Account WHERE Name = 'Dropped but saved'"
    assert api.get("query", params={"q": soql}).json()["totalSize"] == 1


def test_commit_then_hang_is_a_client_timeout_after_the_write(org: OrgSetup) -> None:
    org.server.control.set_faults(
        org.org_id, drop_response_rate=1.0, drop_mode="hang", hang_seconds=2
    )
    with org.api() as api:
        with pytest.raises(httpx.TimeoutException):
            api.post("sobjects/Account", json={"Name": "Hung but saved"}, timeout=0.5)
        org.server.control.clear_faults(org.org_id)
        soql = "SELECT COUNT() FROM Account WHERE Name = 'Hung but saved'"
        assert api.get("query", params={"q": soql}).json()["totalSize"] == 1


def test_reads_are_never_dropped(org: OrgSetup, api: httpx.Client) -> None:
    org.server.control.set_faults(org.org_id, drop_response_rate=1.0)
    assert api.get("limits").status_code == 200


def test_a_composite_of_reads_is_never_dropped(org: OrgSetup, api: httpx.Client) -> None:
    org.server.control.set_faults(org.org_id, drop_response_rate=1.0)
    reads = {
        "compositeRequest": [
            {"method": "GET", "url": "/services/data/v62.0/limits", "referenceId": "a"}
        ]
    }
    assert api.post("composite", json=reads).status_code == 200
    assert org.server.control.counters(org.org_id)["faults"] == {}


def test_unknown_fault_is_refused(org: OrgSetup) -> None:
    with pytest.raises(httpx.HTTPStatusError) as refused:
        org.server.control.set_faults(org.org_id, nonsense=1)
    assert refused.value.response.status_code == 400
    assert refused.value.response.json() == {"error": "unknown faults: nonsense"}


def test_faults_are_per_org(org: OrgSetup, api: httpx.Client) -> None:
    from salesforce_emulator.testing import setup_org

    other = setup_org(org.server)
    org.server.control.set_faults(other.org_id, error_500_rate=1.0)
    assert api.get("limits").status_code == 200
