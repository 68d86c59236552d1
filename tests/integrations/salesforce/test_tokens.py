"""Tokens that keep working: one refresh for any number of callers, reconnect when refused."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from typing import Any

import pytest
from django.db import connections as db_connections
from django.utils import timezone

from mailtrixy.integrations.models import Connection, ConnectionStatus
from mailtrixy.integrations.salesforce import connection as connections
from mailtrixy.integrations.salesforce import oauth
from mailtrixy.integrations.salesforce.client import SalesforceClient
from mailtrixy.integrations.salesforce.errors import NeedsReconnect, SalesforceUnavailable
from tests.factories import Team, make_contact
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


@pytest.mark.django_db(transaction=True)
def test_the_database_takes_writes_while_a_refresh_waits_for_salesforce(
    team: Team, emulator: object, monkeypatch: pytest.MonkeyPatch
) -> None:
    """No transaction is held across the token request: on SQLite it would lock every writer
    (a member saving a contact), on PostgreSQL the connection's row (another call's usage)."""
    sf = make_org(emulator)  # type: ignore[arg-type]
    connection = connect(team, sf)
    sf.control.expire_sessions(sf.org_id)
    written: list[str] = []
    seen_during_request: list[list[str]] = []
    token_request = oauth.token_request

    def write_meanwhile() -> None:
        try:
            make_contact(team.workspace, "meanwhile@example.com")
            written.append("contact")
            Connection.objects.filter(pk=connection.pk).update(api_usage=7)
            written.append("usage")
        finally:
            db_connections.close_all()

    writer = threading.Thread(target=write_meanwhile)

    def slow_token_request(app: oauth.AppConfig, data: dict[str, str]) -> dict[str, Any]:
        writer.start()
        writer.join(timeout=5)  # a bound, not a pause: the writes take milliseconds
        seen_during_request.append(list(written))
        return token_request(app, data)

    monkeypatch.setattr(oauth, "token_request", slow_token_request)
    try:
        assert SalesforceClient(connection).query(QUERY)["done"] is True
    finally:
        writer.join()
    assert seen_during_request == [["contact", "usage"]]
    assert refreshes(sf) == 1


@pytest.mark.django_db(transaction=True)
def test_fifty_callers_on_a_refused_refresh_token_ask_once_and_mark_needs_reconnect_once(
    team: Team, emulator: object, monkeypatch: pytest.MonkeyPatch
) -> None:
    sf = make_org(emulator)  # type: ignore[arg-type]
    connection = connect(team, sf)
    sf.control.revoke_refresh_tokens(sf.org_id)
    sf.control.expire_sessions(sf.org_id)
    asked: list[str] = []
    marked: list[int] = []
    token_request, mark = oauth.token_request, connections.mark_needs_reconnect

    def counting_request(app: oauth.AppConfig, data: dict[str, str]) -> dict[str, Any]:
        asked.append(data["grant_type"])
        return token_request(app, data)

    def counting_mark(connection_id: int, reason: str) -> None:
        marked.append(connection_id)
        mark(connection_id, reason)

    monkeypatch.setattr(oauth, "token_request", counting_request)
    monkeypatch.setattr(connections, "mark_needs_reconnect", counting_mark)
    start = threading.Barrier(50)

    def call(_: int) -> str:
        try:
            client = SalesforceClient(Connection.objects.get(pk=connection.pk))
            start.wait()
            client.query(QUERY)
            return "answered"
        except NeedsReconnect as error:
            return error.message
        finally:
            db_connections.close_all()

    with ThreadPoolExecutor(max_workers=50) as pool:
        results = set(pool.map(call, range(50)))
    assert len(results) == 1 and "Reconnect Salesforce" in results.pop()
    assert asked == ["refresh_token"] and marked == [connection.pk]
    connection.refresh_from_db()
    assert connection.status == ConnectionStatus.NEEDS_RECONNECT


def test_a_refresh_claimed_by_a_caller_that_died_is_taken_over_when_its_claim_ends(
    connected: Connection, sf_org: SfOrg
) -> None:
    claim_ends = timezone.now() + timedelta(seconds=0.3)
    Connection.objects.filter(pk=connected.pk).update(token_refresh_claimed_until=claim_ends)
    sf_org.control.expire_sessions(sf_org.org_id)
    assert SalesforceClient(connected).query(QUERY)["done"] is True
    assert timezone.now() >= claim_ends  # it waited for the claim rather than refresh beside it
    connected.refresh_from_db()
    assert connected.token_refresh_claimed_until is None
    assert refreshes(sf_org) == 1


def test_a_refresh_that_failed_lets_the_next_caller_refresh_at_once(
    connected: Connection, sf_org: SfOrg, monkeypatch: pytest.MonkeyPatch
) -> None:
    token_request = oauth.token_request

    def unreachable(app: oauth.AppConfig, data: dict[str, str]) -> dict[str, Any]:
        raise SalesforceUnavailable("Could not reach Salesforce: ConnectError.")

    sf_org.control.expire_sessions(sf_org.org_id)
    monkeypatch.setattr(oauth, "token_request", unreachable)
    with pytest.raises(SalesforceUnavailable):
        SalesforceClient(connected).query(QUERY)
    connected.refresh_from_db()
    assert connected.token_refresh_claimed_until is None  # no claim left for others to wait on
    monkeypatch.setattr(oauth, "token_request", token_request)
    assert SalesforceClient(connected).query(QUERY)["done"] is True
    assert refreshes(sf_org) == 1
