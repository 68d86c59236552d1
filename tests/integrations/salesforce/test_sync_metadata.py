"""The org's metadata reading rides in the sync's opening Composite: it never costs a call alone."""

from __future__ import annotations

import time

import pytest
from django.core.cache import cache

from mailtrixy.inbox.models import Deal
from mailtrixy.integrations.models import Connection
from mailtrixy.integrations.salesforce.sync import metadata
from tests.factories import Team, make_deal
from tests.integrations.salesforce.conftest import SfOrg, connect, make_org
from tests.integrations.salesforce.sync_helpers import sf_opportunities, sync


def requests_by_kind(sf: SfOrg) -> dict[str, int]:
    counted: dict[str, int] = sf.control.counters(sf.org_id)["api_requests"]
    return counted


def test_a_first_sync_reads_the_orgs_metadata_inside_its_one_opening_call(
    connected: Connection, sf_org: SfOrg, team: Team
) -> None:
    sf_org.control.seed(sf_org.org_id, contacts=50, seed=3)
    sf_org.control.reset_counters(sf_org.org_id)
    stats = sync(connected)
    assert stats["contacts_created"] == 50
    assert requests_by_kind(sf_org) == {"composite": 1}
    reading = metadata.cached(team.workspace.pk)
    assert reading is not None and reading.has_external_id and reading.stages


def test_the_hourly_metadata_refresh_costs_an_idle_sync_no_extra_call(
    connected: Connection, sf_org: SfOrg, team: Team, monkeypatch: pytest.MonkeyPatch
) -> None:
    sync(connected)
    an_hour_later = time.time() + metadata.CACHE_SECONDS + 1
    monkeypatch.setattr(metadata.time, "time", lambda: an_hour_later)
    assert not metadata.known(team.workspace.pk).fresh
    sf_org.control.reset_counters(sf_org.org_id)
    sync(connected)
    assert requests_by_kind(sf_org) == {"composite": 1}
    assert metadata.known(team.workspace.pk).fresh  # read again, in that one call


def test_an_org_without_the_deal_id_field_has_its_opportunities_read_again_not_misread(
    team: Team, emulator: object
) -> None:
    sf = make_org(emulator, external_id_field=False)  # type: ignore[arg-type]
    connection = connect(team, sf)
    deal = make_deal(team)
    sync(connection)
    (opp,) = sf_opportunities(sf, external_id=False)
    sf.rest("PATCH", f"sobjects/Opportunity/{opp}", json={"Amount": 4321})
    cache.clear()  # no reading left: the opening query assumes the recommended field
    stats = sync(connection)
    # The guessed query failed (INVALID_FIELD) inside the Composite; one plain query replaced it.
    assert requests_by_kind(sf) == {"composite": 1, "query_all": 1}
    assert stats["deals_updated"] == 1
    deal.refresh_from_db()
    assert deal.amount == 4321
    assert not metadata.known(team.workspace.pk).metadata.has_external_id
    sf.control.reset_counters(sf.org_id)
    sync(connection)
    assert requests_by_kind(sf) == {"composite": 1}  # the reading is known now


def test_a_multi_currency_org_has_its_opportunities_read_again_with_their_currency(
    team: Team, emulator: object
) -> None:
    sf = make_org(emulator, multi_currency=True, currencies=["USD", "EUR"])  # type: ignore[arg-type]
    connection = connect(team, sf)
    deal = make_deal(team)
    sync(connection)
    (opp,) = sf_opportunities(sf)
    sf.rest("PATCH", f"sobjects/Opportunity/{opp}", json={"CurrencyIsoCode": "EUR"})
    cache.clear()  # the first guess selects no CurrencyIsoCode
    sync(connection)
    assert requests_by_kind(sf) == {"composite": 1, "query_all": 1}
    assert Deal.objects.get(pk=deal.pk).currency == "EUR"


def test_a_stale_reading_that_still_holds_is_not_followed_by_a_second_query(
    team: Team, emulator: object, monkeypatch: pytest.MonkeyPatch
) -> None:
    sf = make_org(emulator, multi_currency=True, currencies=["USD", "EUR"])  # type: ignore[arg-type]
    connection = connect(team, sf)
    make_deal(team)
    sync(connection)
    a_day_later = time.time() + 86_400
    monkeypatch.setattr(metadata.time, "time", lambda: a_day_later)
    sf.control.reset_counters(sf.org_id)
    sync(connection)  # the last reading (multi-currency) shapes the opening query, rightly
    assert requests_by_kind(sf) == {"composite": 1}
