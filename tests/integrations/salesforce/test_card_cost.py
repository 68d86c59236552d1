"""What the card costs in Salesforce API requests, counted by the emulator."""

from __future__ import annotations

import base64
import pickle
import threading

from django.conf import settings
from django.core.cache import cache
from django.db import connection as db_connection
from django.test import Client

from mailtrixy.inbox.providers import card_subject
from mailtrixy.integrations.models import AppCredentials, Connection
from mailtrixy.integrations.salesforce import connect as connect_flow
from mailtrixy.integrations.salesforce.card import card_for
from salesforce_emulator.testing import EmulatorServer
from tests.factories import Team, make_contact
from tests.integrations.salesforce.card_support import (
    FakeClock,
    clear_cache,
    seed_customer,
    view_card,
)
from tests.integrations.salesforce.conftest import SfOrg, connect, make_org


def reconnect(team: Team, sf: SfOrg) -> None:
    """Connect again, with the Connected App of `sf` saved afresh."""
    AppCredentials.objects.filter(workspace=team.workspace).delete()
    connect(team, sf)


def test_first_view_costs_one_api_request_carrying_two_soql_queries(
    team: Team, sf_org: SfOrg, connected: Connection, agent_client: Client
) -> None:
    seed_customer(sf_org, "jane@globex.example")
    contact = make_contact(team.workspace, "jane@globex.example")

    assert "Globex Corporation" in view_card(agent_client, contact)

    counters = sf_org.counters()
    assert counters["api_requests"] == {"composite": 1}
    assert counters["api_requests_total"] == 1
    assert counters["soql_queries"] == 2


def test_views_within_the_ttl_cost_nothing_and_after_it_one_again(
    team: Team, sf_org: SfOrg, connected: Connection, agent_client: Client, clock: FakeClock
) -> None:
    seed_customer(sf_org, "jane@globex.example")
    contact = make_contact(team.workspace, "jane@globex.example")
    view_card(agent_client, contact)
    sf_org.control.reset_counters(sf_org.org_id)

    for _ in range(5):
        clock.advance(59)  # 4 min 55 s in all
        assert "Globex Corporation" in view_card(agent_client, contact)
    assert sf_org.api_calls() == 0

    clock.advance(6)  # 5 min 1 s after the lookup
    assert "Globex Corporation" in view_card(agent_client, contact)
    assert sf_org.counters()["api_requests_total"] == 1
    assert sf_org.counters()["soql_queries"] == 2


def test_no_match_is_cached_too(
    team: Team, sf_org: SfOrg, connected: Connection, agent_client: Client, clock: FakeClock
) -> None:
    contact = make_contact(team.workspace, "stranger@example.com")

    assert view_card(agent_client, contact) == ""
    clock.advance(120)
    assert view_card(agent_client, contact) == ""
    assert sf_org.api_calls() == 1

    clock.advance(181)
    assert view_card(agent_client, contact) == ""
    assert sf_org.api_calls() == 2


def test_cache_key_is_the_lower_cased_email(
    team: Team, sf_org: SfOrg, connected: Connection
) -> None:
    seed_customer(sf_org, "jane@globex.example")
    contact = make_contact(team.workspace, "JANE@GLOBEX.EXAMPLE")
    assert card_for(card_subject(contact)) is not None

    contact.email = "Jane@Globex.Example"
    contact.save()
    assert card_for(card_subject(contact)) is not None
    assert sf_org.api_calls() == 1


def test_cards_are_cached_per_workspace(
    team: Team, other_team: Team, sf_org: SfOrg, connected: Connection
) -> None:
    seed_customer(sf_org, "jane@globex.example")
    connect(other_team, sf_org)
    ours = make_contact(team.workspace, "jane@globex.example")
    theirs = make_contact(other_team.workspace, "jane@globex.example")

    assert card_for(card_subject(ours)) is not None
    assert card_for(card_subject(theirs)) is not None
    assert sf_org.api_calls() == 2


def test_twenty_concurrent_first_views_share_one_lookup(
    transactional_db: None, team: Team, sf_org: SfOrg, connected: Connection
) -> None:
    clear_cache()
    seed_customer(sf_org, "jane@globex.example")
    contact = make_contact(team.workspace, "jane@globex.example")
    client = Client()
    client.force_login(team.agent.user)
    cookies = client.cookies
    start = threading.Barrier(20)
    pages: list[str] = []
    failures: list[BaseException] = []

    def view() -> None:
        mine = Client()
        mine.cookies = cookies
        try:
            start.wait()
            pages.append(view_card(mine, contact))
        except BaseException as error:  # reported below, in the test's thread
            failures.append(error)
        finally:
            db_connection.close()

    threads = [threading.Thread(target=view) for _ in range(20)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert failures == []
    assert len(pages) == 20
    assert all("Globex Corporation" in page for page in pages)
    assert sf_org.counters()["api_requests_total"] == 1
    assert sf_org.counters()["soql_queries"] == 2


def test_disconnecting_clears_the_workspace_cards(
    team: Team, sf_org: SfOrg, connected: Connection
) -> None:
    seed_customer(sf_org, "jane@globex.example")
    contact = make_contact(team.workspace, "jane@globex.example")
    assert card_for(card_subject(contact)) is not None

    connect_flow.disconnect(team.agent)
    assert card_for(card_subject(contact)) is None  # not connected: no card, and no call

    reconnect(team, sf_org)  # reconnecting (to the same org) starts from an empty cache
    assert card_for(card_subject(contact)) is not None
    assert sf_org.api_calls() == 1


def test_reconnecting_to_another_org_never_shows_the_old_orgs_card(
    team: Team, sf_org: SfOrg, connected: Connection, emulator: EmulatorServer
) -> None:
    seed_customer(sf_org, "jane@globex.example", account="Old Org Account")
    contact = make_contact(team.workspace, "jane@globex.example")
    assert card_for(card_subject(contact)) is not None

    other = make_org(emulator)
    seed_customer(other, "jane@globex.example", account="New Org Account")
    reconnect(team, other)

    shown = card_for(card_subject(contact))
    assert shown is not None and shown.card.account_name == "New Org Account"


def test_cache_holds_no_token_in_keys_or_values(
    team: Team, sf_org: SfOrg, connected: Connection
) -> None:
    seed_customer(sf_org, "jane@globex.example")
    contact = make_contact(team.workspace, "jane@globex.example")
    assert card_for(card_subject(contact)) is not None

    rows = stored_cache_entries()
    assert any(":salesforce:card:" in key for key, _ in rows)
    stored = repr(rows)
    assert "Globex Corporation" in stored  # decoded: a token would show here
    connected.refresh_from_db()
    assert connected.access_token not in stored
    assert connected.refresh_token not in stored


def stored_cache_entries() -> list[tuple[str, object]]:
    """Every cache entry as the backend stores it: Redis (REDIS_URL set) or the database table."""
    if settings.CACHES["default"]["BACKEND"].endswith("RedisCache"):
        backend = cache._cache  # type: ignore[attr-defined]
        client = backend.get_client()
        return [
            (key.decode(), backend._serializer.loads(client.get(key)))  # pickle, or a plain int
            for key in client.scan_iter(match=f"{settings.CACHES['default']['KEY_PREFIX']}:*")
        ]
    with db_connection.cursor() as cursor:
        cursor.execute("SELECT cache_key, value FROM mailtrixy_cache")
        return [(key, pickle.loads(base64.b64decode(value))) for key, value in cursor.fetchall()]


def test_cards_of_a_thousand_conversations_stay_cached_for_their_five_minutes(db: None) -> None:
    """Django's database cache culls at 300 entries by default; a busy team views more."""
    for n in range(1000):
        cache.set(f"card-capacity-{n}", n, timeout=300)
    assert cache.get("card-capacity-0") == 0
    assert cache.get("card-capacity-999") == 999
