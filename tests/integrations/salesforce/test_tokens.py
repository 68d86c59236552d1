"""Tokens that keep working: one refresh for any number of callers, reconnect when refused."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connections as db_connections

from mailtrixy.integrations.models import Connection, ConnectionStatus
from mailtrixy.integrations.salesforce.client import SalesforceClient
from mailtrixy.integrations.salesforce.errors import NeedsReconnect
from tests.factories import Team
from tests.integrations.salesforce.conftest import SfOrg, connect, make_org

QUERY = "SELECT Id FROM Contact LIMIT 1"


def refreshes(sf: SfOrg) -> int:
    return int(sf.counters()["oauth"].get("token_refresh", 0))


def test_expired_session_is_refreshed_once_and_the_call_retried(
    connected: Connection, sf_org: SfOrg
) -> None:
    old = connected.access_token
    sf_org.control.expire_sessions(sf_org.org_id)
    result = SalesforceClient(connected).query(QUERY)
    assert result["done"] is True
    connected.refresh_from_db()
    assert connected.access_token != old
    assert connected.token_refreshed_at is not None
    assert refreshes(sf_org) == 1


@pytest.mark.django_db(transaction=True)
def test_fifty_concurrent_calls_on_an_expired_token_cause_one_refresh(
    team: Team, emulator: object
) -> None:
    sf = make_org(emulator)  # type: ignore[arg-type]
    connection = connect(team, sf)
    sf.control.expire_sessions(sf.org_id)
    start = threading.Barrier(50)

    def call(_: int) -> bool:
        try:
            client = SalesforceClient(Connection.objects.get(pk=connection.pk))
            start.wait()
            return bool(client.query(QUERY)["done"])
        finally:
            db_connections.close_all()

    with ThreadPoolExecutor(max_workers=50) as pool:
        results = list(pool.map(call, range(50)))
    assert results == [True] * 50
    assert refreshes(sf) == 1


def test_revoked_refresh_token_marks_needs_reconnect_without_retry_loop(
    connected: Connection, sf_org: SfOrg
) -> None:
    sf_org.control.revoke_refresh_tokens(sf_org.org_id)
    sf_org.control.expire_sessions(sf_org.org_id)
    with pytest.raises(NeedsReconnect) as error:
        SalesforceClient(connected).query(QUERY)
    assert "Reconnect Salesforce" in error.value.message
    connected.refresh_from_db()
    assert connected.status == ConnectionStatus.NEEDS_RECONNECT
    assert refreshes(sf_org) == 0  # refused refreshes are not counted as successful ones
    with pytest.raises(NeedsReconnect):  # no further calls to Salesforce at all
        SalesforceClient(connected)


def test_rotated_refresh_token_is_saved(team: Team, emulator: object) -> None:
    sf = make_org(emulator)  # type: ignore[arg-type]
    sf.control.create_app(sf.org_id, sf.key + "-r", sf.secret, "http://testserver/cb", rotate=True)
    sf.key = sf.key + "-r"
    connection = connect(team, sf)
    first_refresh = connection.refresh_token
    sf.control.expire_sessions(sf.org_id)
    SalesforceClient(connection).query(QUERY)
    connection.refresh_from_db()
    assert connection.refresh_token and connection.refresh_token != first_refresh
    sf.control.expire_sessions(sf.org_id)
    SalesforceClient(connection).query(QUERY)  # the new refresh token works


def test_every_call_records_the_api_usage(connected: Connection, sf_org: SfOrg) -> None:
    client = SalesforceClient(connected)
    client.query(QUERY)
    connected.refresh_from_db()
    assert (connected.api_usage, connected.api_limit) == (1, 15000)
    client.query(QUERY)
    connected.refresh_from_db()
    assert (connected.api_usage, connected.api_limit) == (2, 15000)
    assert connected.api_usage == sf_org.counters()["api_usage"]["used"]


def test_reads_are_retried_after_a_503_but_writes_are_not(
    connected: Connection, sf_org: SfOrg, monkeypatch: pytest.MonkeyPatch
) -> None:
    from mailtrixy.integrations.salesforce import client as client_module
    from mailtrixy.integrations.salesforce.errors import SalesforceUnavailable

    monkeypatch.setattr(client_module.time, "sleep", lambda _: None)  # the backoff, skipped

    sf_org.control.set_faults(sf_org.org_id, error_503_rate=0.5, seed=2)
    client = SalesforceClient(connected)
    client.retries = 10  # so that the test does not depend on luck
    for _ in range(5):
        assert client.query(QUERY)["done"] is True  # each read survives its 503s
    assert sf_org.counters()["faults"].get("error_503", 0) > 0
    sf_org.control.set_faults(sf_org.org_id, error_503_rate=1.0)
    body = {"allOrNone": False, "records": [{"attributes": {"type": "Contact"}, "LastName": "X"}]}
    before = sf_org.counters()["faults"].get("error_503", 0)
    with pytest.raises(SalesforceUnavailable):
        client.request("POST", "composite/sobjects", json=body)
    assert sf_org.counters()["faults"].get("error_503", 0) == before + 1  # sent once
