"""Prometheus metrics: counted where things happen, read back by any process on scrape."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from mailtrixy.inbox.providers import card_subject
from mailtrixy.integrations.models import SyncRun
from mailtrixy.integrations.salesforce.api_kinds import api_kind
from mailtrixy.integrations.salesforce.card import card_for
from mailtrixy.integrations.salesforce.sync import runs
from mailtrixy.integrations.salesforce.sync.execute import execute
from salesforce_emulator.testing import EmulatorServer
from tests.factories import make_contact, make_team
from tests.integrations.salesforce.conftest import connect, make_org


def scrape(client: Client) -> dict[str, float]:
    text = client.get("/metrics").content.decode()
    return {
        name: float(value)
        for name, value in re.findall(r"^(\S+) (\S+)$", text, re.MULTILINE)
        if not name.startswith("#")
    }


def api_calls(values: dict[str, float]) -> float:
    return sum(v for k, v in values.items() if k.startswith("mailtrixy_salesforce_api_calls_total"))


@pytest.mark.parametrize(
    ("path", "kind"),
    [
        ("query", "query"),
        ("/services/data/v62.0/query/01gXX0000000001-2000", "query"),
        ("composite", "composite"),
        ("composite/sobjects", "collections"),
        ("composite/sobjects/Opportunity/MailTrixy_Deal_Id__c", "collections"),
        ("sobjects/Opportunity/describe", "describe"),
        ("sobjects/Contact/003XX000004TmiQYAS", "sobject"),
        ("limits", "limits"),
        ("jobs/query/750XX0000000001", "bulk"),
        ("/services/oauth2/userinfo", "other"),
    ],
)
def test_api_calls_are_labelled_by_kind(path: str, kind: str) -> None:
    assert api_kind(path) == kind


def test_a_sync_run_counts_its_calls_duration_and_records(
    emulator: EmulatorServer, client: Client, db: None
) -> None:
    team = make_team("Metered")
    sf = make_org(emulator)
    sf.control.seed(sf.org_id, contacts=12)
    connect(team, sf)
    before = scrape(client)
    run = runs.request_run(team.workspace.pk, "manual")
    assert scrape(client)['mailtrixy_sync_runs_active{status="queued"}'] == 1
    execute(run.pk, "test-worker", start_next=lambda _: None)
    after = scrape(client)
    run.refresh_from_db()

    assert run.status == "succeeded"
    assert api_calls(after) - api_calls(before) == run.api_calls == sf.api_calls()
    ok = 'mailtrixy_salesforce_api_calls_total{kind="composite",outcome="ok"}'
    assert after[ok] > before.get(ok, 0)
    done = 'mailtrixy_sync_runs_total{status="succeeded"}'
    assert after[done] - before[done] == 1
    count = "mailtrixy_sync_run_duration_seconds_count"
    assert after[count] - before[count] == 1
    created = 'mailtrixy_sync_records_total{change="contacts_created"}'
    assert after[created] - before[created] == 12
    assert after['mailtrixy_connections{status="connected"}'] == 1
    assert after['mailtrixy_sync_runs_active{status="queued"}'] == 0


def test_failed_calls_are_counted_by_outcome(
    emulator: EmulatorServer, client: Client, db: None
) -> None:
    team = make_team("Limited")
    sf = make_org(emulator)
    connect(team, sf)
    sf.control.set_faults(sf.org_id, error_503_rate=1.0)
    before = scrape(client)
    run = runs.request_run(team.workspace.pk, "manual")
    execute(run.pk, "test-worker", start_next=lambda _: None)
    after = scrape(client)
    assert SyncRun.objects.get(pk=run.pk).status == "failed"
    unavailable = [k for k in after if 'outcome="unavailable"' in k]
    answered_503 = sf.counters()["faults"]["error_503"]  # the first try and each retry
    assert answered_503 > 1
    assert sum(after[k] - before.get(k, 0) for k in unavailable) == answered_503
    failed = 'mailtrixy_sync_runs_total{status="failed"}'
    assert after[failed] - before[failed] == 1


def test_card_lookups_count_hits_and_misses(
    emulator: EmulatorServer, client: Client, db: None
) -> None:
    team = make_team("Carded")
    sf = make_org(emulator)
    connect(team, sf)
    contact = make_contact(team.workspace, "someone@example.com")
    before = scrape(client)
    card_for(card_subject(contact))
    card_for(card_subject(contact))
    after = scrape(client)
    hits, misses = (f'mailtrixy_card_lookups_total{{result="{r}"}}' for r in ("hit", "miss"))
    assert after[misses] - before[misses] == 1
    assert after[hits] - before[hits] == 1
    assert 0 < after["mailtrixy_card_cache_hit_ratio"] <= 1


def test_queue_depth_is_reported(client: Client) -> None:
    assert "mailtrixy_job_queue_depth" in scrape(client)
