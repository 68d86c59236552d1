"""Deals: pushed as Opportunities idempotently, changes flow back, deletes are changes too."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.db import connection

from mailtrixy.inbox.models import Deal
from mailtrixy.integrations.models import Connection
from mailtrixy.integrations.salesforce.errors import SalesforceUnavailable
from mailtrixy.integrations.salesforce.models import DealLink, StageMapping, SyncIssue
from tests.factories import Team, make_deal
from tests.integrations.salesforce.conftest import SfOrg, connect, make_org
from tests.integrations.salesforce.sync_helpers import (
    create_contact,
    sf_opportunities,
    sync,
)


def test_new_deal_becomes_an_opportunity_with_account_and_contact_role(
    connected: Connection, sf_org: SfOrg, team: Team
) -> None:
    account = sf_org.rest("POST", "sobjects/Account", json={"Name": "Globex"}).json()["id"]
    sf_contact = create_contact(
        sf_org, LastName="Lee", Email="ann@globex.example", AccountId=account
    )
    sync(connected)  # links the contact
    deal = make_deal(team, contact=team.workspace.contacts.get(), stage="Proposal")
    deal.expected_close_date = date(2027, 3, 31)
    deal.save()
    stats = sync(connected)
    assert stats["deals_created"] == 1
    (opp,) = sf_opportunities(sf_org).values()
    link = DealLink.objects.get(deal=deal)
    assert opp["Id"] == link.salesforce_id
    assert opp["MailTrixy_Deal_Id__c"] == link.external_key
    assert (opp["Name"], opp["Amount"], opp["CloseDate"]) == ("Annual plan", 1200.0, "2027-03-31")
    assert opp["StageName"] == "Proposal/Price Quote"  # by kind and order, no such name
    assert opp["AccountId"] == account
    roles = sf_org.query("SELECT OpportunityId, ContactId, IsPrimary FROM OpportunityContactRole")
    assert [(r["OpportunityId"], r["ContactId"], r["IsPrimary"]) for r in roles] == [
        (opp["Id"], sf_contact, True)
    ]
    assert not sync(connected).get("deals_pushed")  # no echo


def test_deal_without_close_date_gets_the_stated_default(
    connected: Connection, sf_org: SfOrg, team: Team
) -> None:
    deal = make_deal(team)
    sync(connected)
    (opp,) = sf_opportunities(sf_org).values()
    assert opp["CloseDate"] == (deal.created_at.date() + timedelta(days=30)).isoformat()
    assert not sync(connected).get("deals_pushed")


def test_deal_edit_is_pushed_and_opportunity_edit_flows_back(
    connected: Connection, sf_org: SfOrg, team: Team
) -> None:
    deal = make_deal(team)
    sync(connected)
    deal.amount = Decimal("5000.50")
    deal.save()
    assert sync(connected)["deals_pushed"] == 1
    (opp,) = sf_opportunities(sf_org).values()
    assert opp["Amount"] == 5000.5
    sf_org.rest("PATCH", f"sobjects/Opportunity/{opp['Id']}", json={"StageName": "Closed Won"})
    stats = sync(connected)
    assert stats["deals_updated"] == 1 and not stats.get("deals_pushed")
    deal.refresh_from_db()
    assert deal.stage.name == "Won"


def test_deal_deleted_in_mailtrixy_deletes_its_opportunity_to_the_recycle_bin(
    connected: Connection, sf_org: SfOrg, team: Team
) -> None:
    deal = make_deal(team)
    sync(connected)
    sf_id = DealLink.objects.get(deal=deal).salesforce_id
    deal.delete()
    assert sync(connected)["deals_deleted"] == 1
    (row,) = sf_org.query(f"SELECT Id, IsDeleted FROM Opportunity WHERE Id = '{sf_id}'")
    assert row["IsDeleted"] is True
    assert not DealLink.objects.filter(salesforce_id=sf_id).exists()


def test_opportunity_deleted_in_salesforce_archives_the_deal_and_undelete_restores(
    connected: Connection, sf_org: SfOrg, team: Team
) -> None:
    deal = make_deal(team)
    sync(connected)
    sf_id = DealLink.objects.get(deal=deal).salesforce_id
    sf_org.rest("DELETE", f"sobjects/Opportunity/{sf_id}")
    sync(connected)
    deal.refresh_from_db()
    assert deal.archived_at is not None
    sf_org.control.undelete(sf_org.org_id, "Opportunity", sf_id)
    sync(connected)
    deal.refresh_from_db()
    assert deal.archived_at is None
    assert len(sf_opportunities(sf_org)) == 1


def test_an_opportunity_undeleted_after_its_deal_was_deleted_in_mailtrixy_is_deleted_again(
    connected: Connection, sf_org: SfOrg, team: Team
) -> None:
    deal = make_deal(team)
    sync(connected)
    sf_id = DealLink.objects.get(deal=deal).salesforce_id
    sf_org.rest("DELETE", f"sobjects/Opportunity/{sf_id}")
    deal.delete()  # in MailTrixy, while its Opportunity sits in Salesforce's recycle bin
    sync(connected)
    sf_org.control.undelete(sf_org.org_id, "Opportunity", sf_id)
    assert sync(connected)["deals_deleted"] == 1
    (row,) = sf_org.query(f"SELECT Id, IsDeleted FROM Opportunity WHERE Id = '{sf_id}'")
    assert row["IsDeleted"] is True
    assert not DealLink.objects.filter(salesforce_id=sf_id).exists()
    assert not any(sync(connected).get(k) for k in ("deals_deleted", "deals_created"))


def test_an_opportunity_deleted_in_salesforce_while_its_delete_was_on_the_way_is_kept_track_of(
    connected: Connection, sf_org: SfOrg, team: Team
) -> None:
    from mailtrixy.integrations.salesforce.sync.engine import SyncEngine

    deal = make_deal(team)
    sync(connected)
    sf_id = DealLink.objects.get(deal=deal).salesforce_id
    deal.delete()
    beats = iter(range(100))

    def delete_in_salesforce_after_the_pull(_progress: object) -> None:
        if next(beats) == 1:  # the Opportunity page is applied; the push comes next
            sf_org.rest("DELETE", f"sobjects/Opportunity/{sf_id}")

    SyncEngine(connected, heartbeat=delete_in_salesforce_after_the_pull).run()
    assert DealLink.objects.get(salesforce_id=sf_id).deleted_in_salesforce
    sf_org.control.undelete(sf_org.org_id, "Opportunity", sf_id)
    assert sync(connected)["deals_deleted"] == 1
    (row,) = sf_org.query(f"SELECT Id, IsDeleted FROM Opportunity WHERE Id = '{sf_id}'")
    assert row["IsDeleted"] is True


def test_a_deleted_deals_link_waits_in_the_recycle_bin_until_salesforce_purges_it(
    connected: Connection, sf_org: SfOrg, team: Team
) -> None:
    from django.utils import timezone

    from mailtrixy.integrations.salesforce.models import SyncCursor

    deal = make_deal(team)
    sync(connected)
    sf_id = DealLink.objects.get(deal=deal).salesforce_id
    sf_org.rest("DELETE", f"sobjects/Opportunity/{sf_id}")
    deal.delete()
    sf_org.control.reset_counters(sf_org.org_id)
    sync(connected)
    assert sf_org.api_calls() == 1  # the pull; no delete is sent into the recycle bin
    reconcile = SyncCursor.objects.filter(workspace=team.workspace, sobject="Opportunity")
    reconcile.update(full_reconcile_at=timezone.now() - timedelta(days=8))
    sync(connected)  # a full reconcile still finds it in the recycle bin
    assert DealLink.objects.filter(salesforce_id=sf_id, deleted_in_salesforce=True).exists()
    # As if Salesforce had emptied its recycle bin: no record answers to the link any more.
    DealLink.objects.filter(salesforce_id=sf_id).update(
        salesforce_id="0065g0000009999AAA", external_key="purged"
    )
    reconcile.update(full_reconcile_at=timezone.now() - timedelta(days=8))
    sync(connected)
    assert not DealLink.objects.filter(workspace=team.workspace).exists()


def make_deals(team: Team, count: int) -> None:
    stage = team.stage("Lead")
    Deal.objects.bulk_create(
        Deal(workspace=team.workspace, name=f"Deal {n}", amount=n, currency="USD", stage=stage)
        for n in range(count)
    )


def test_a_thousand_new_deals_are_pushed_in_one_call(
    connected: Connection, sf_org: SfOrg, team: Team
) -> None:
    make_deals(team, 1000)
    stats = sync(connected)
    assert stats["deals_created"] == 1000
    # Five collections of 200 fill one Composite: the push is one request, the run two in all.
    assert stats["push_calls"] == 1
    assert stats["api_calls"] == sf_org.api_calls() == 2
    assert len(sf_opportunities(sf_org)) == 1000


def test_a_thousand_pushed_then_re_read_deals_have_their_links_saved_in_a_few_statements(
    connected: Connection, sf_org: SfOrg, team: Team
) -> None:
    """One save per answered record was most of a large push's time (bench/RESULTS.md)."""
    make_deals(team, 1000)
    link_writes: list[str] = []

    def count(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        if sql.startswith('UPDATE "salesforce_deallink"'):
            link_writes.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(count):
        stats = sync(connected)
    assert stats["deals_created"] == 1000
    assert 1 <= len(link_writes) <= 10  # SQLite's 999 parameters a statement: 7 chunks
    links = DealLink.objects.filter(workspace=team.workspace)
    assert links.exclude(salesforce_id="").filter(pending_push=False).count() == 1000
    assert set(links.values_list("salesforce_id", flat=True)) == set(sf_opportunities(sf_org))

    # The next sync re-reads the 1,000 Opportunities it wrote (their stamps moved): their links
    # take the new stamps in a few statements too, and nothing is pushed again.
    link_writes.clear()
    with connection.execute_wrapper(count):
        again = sync(connected)
    assert again["deals_fetched"] == 1000 and not again.get("deals_pushed")
    assert 1 <= len(link_writes) <= 10
    stamps = {o["Id"]: o["SystemModstamp"] for o in sf_org.query(
        "SELECT Id, SystemModstamp FROM Opportunity")}  # fmt: skip
    assert {k.salesforce_id: k.remote_modstamp for k in links} == stamps


@pytest.mark.parametrize("external_id_field", [True, False])
def test_timeout_after_salesforce_committed_never_makes_a_second_opportunity(
    team: Team, emulator: object, external_id_field: bool
) -> None:
    sf = make_org(emulator, external_id_field=external_id_field)  # type: ignore[arg-type]
    connection = connect(team, sf)
    make_deal(team)
    sync(connection)  # reads metadata, creates the first Opportunity
    make_deal(team).save()
    sf.control.set_faults(sf.org_id, drop_response_rate=1.0, drop_mode="disconnect")
    with pytest.raises(SalesforceUnavailable):
        sync(connection)
    sf.control.clear_faults(sf.org_id)
    # The push reached Salesforce and committed; only its answer was lost.
    # Sent once: a write whose answer was lost is not sent again blindly.
    assert sf.control.counters(sf.org_id)["faults"].get("drop_response", 0) == 1
    assert len(sf_opportunities(sf, external_id=external_id_field)) == 2
    sync(connection)
    sync(connection)
    opportunities = sf_opportunities(sf, external_id=external_id_field)
    assert len(opportunities) == 2
    assert set(DealLink.objects.values_list("salesforce_id", flat=True)) == set(opportunities)


def test_single_currency_org_refuses_a_foreign_currency_deal_in_words(
    connected: Connection, sf_org: SfOrg, team: Team
) -> None:
    deal = make_deal(team)
    deal.currency = "EUR"
    deal.save()
    ok = make_deal(team)
    stats = sync(connected)
    assert stats["deals_created"] == 1
    issue = SyncIssue.objects.get(local_id=deal.pk)
    assert issue.error_code == "CURRENCY_NOT_ENABLED"
    assert "uses only USD" in issue.message
    assert DealLink.objects.get(deal=ok).salesforce_id


def test_multi_currency_org_gets_the_deals_currency(team: Team, emulator: object) -> None:
    sf = make_org(emulator, multi_currency=True, currencies=["USD", "EUR"])  # type: ignore[arg-type]
    connection = connect(team, sf)
    deal = make_deal(team)
    deal.currency = "EUR"
    deal.save()
    sync(connection)
    (opp,) = sf.query("SELECT CurrencyIsoCode FROM Opportunity")
    assert opp["CurrencyIsoCode"] == "EUR"


def test_per_record_lock_errors_are_kept_and_retried_while_the_rest_goes_through(
    connected: Connection, sf_org: SfOrg, team: Team
) -> None:
    sync(connected)
    make_deals(team, 40)
    sf_org.control.set_faults(sf_org.org_id, lock_row_rate=0.3, seed=5)
    stats = sync(connected)
    locked = SyncIssue.objects.filter(workspace=team.workspace, error_code="UNABLE_TO_LOCK_ROW")
    assert 0 < locked.count() < 40
    assert stats["deals_created"] == 40 - locked.count()
    sf_org.control.clear_faults(sf_org.org_id)
    SyncIssue.objects.update(retry_after=None)
    sync(connected)
    assert not SyncIssue.objects.filter(workspace=team.workspace).exists()
    assert len(sf_opportunities(sf_org)) == 40


def test_deal_restored_in_mailtrixy_after_salesforce_deleted_it_becomes_a_new_opportunity(
    connected: Connection, sf_org: SfOrg, team: Team, agent_client: object
) -> None:
    from django.test import Client
    from django.urls import reverse

    deal = make_deal(team)
    sync(connected)
    old = DealLink.objects.get(deal=deal).salesforce_id
    sf_org.rest("DELETE", f"sobjects/Opportunity/{old}")
    sync(connected)
    deal.refresh_from_db()
    assert deal.archived_at is not None
    client: Client = agent_client  # type: ignore[assignment]
    client.post(reverse("inbox:restore", args=["deal", deal.pk]))
    sync(connected)
    new = DealLink.objects.get(deal=deal).salesforce_id
    assert new and new != old
    assert set(sf_opportunities(sf_org)) == {new}
    assert not sync(connected).get("deals_created")


def test_an_opportunity_made_before_the_external_id_field_is_updated_not_duplicated(
    connected: Connection, sf_org: SfOrg, team: Team
) -> None:
    from django.utils import timezone

    from mailtrixy.integrations.salesforce.models import SyncCursor

    sync(connected)
    deal = make_deal(team)
    body = {"Name": deal.name, "StageName": "Prospecting", "CloseDate": "2027-01-01"}
    old = sf_org.rest("POST", "sobjects/Opportunity", json=body).json()["id"]
    DealLink.objects.create(
        workspace=team.workspace,
        deal=deal,
        salesforce_id=old,
        base={"name": deal.name, "stage": "Prospecting", "close_date": "2027-01-01"},
        synced_at=timezone.now(),
    )
    deal.amount = Decimal("777.00")
    deal.save()
    sync(connected)
    (opp,) = sf_opportunities(sf_org).values()
    link = DealLink.objects.get(deal=deal)
    assert opp["Id"] == old and opp["Amount"] == 777.0
    assert opp["MailTrixy_Deal_Id__c"] == link.external_key  # the key is filled in
    SyncCursor.objects.update(full_reconcile_at=timezone.now() - timezone.timedelta(days=8))
    sync(connected)  # a full reconcile still finds it
    deal.refresh_from_db()
    assert deal.archived_at is None


def test_a_deal_whose_stage_maps_to_no_active_salesforce_stage_is_held_with_a_clear_error(
    connected: Connection, sf_org: SfOrg, team: Team
) -> None:
    deal = make_deal(team, stage="Proposal")
    sync(connected)  # maps the pipeline by default and creates the Opportunity
    (opp,) = sf_opportunities(sf_org).values()
    StageMapping.objects.filter(stage=deal.stage).update(salesforce_stage="Retired Stage")
    deal.amount = Decimal("99.00")
    deal.save()
    stats = sync(connected)
    assert stats["issues"] == 1 and not stats.get("deals_pushed")
    issue = SyncIssue.objects.get(workspace=team.workspace, local_id=deal.pk)
    assert issue.error_code == "INACTIVE_STAGE"
    assert "Proposal" in issue.message and "Retired Stage" in issue.message
    assert sf_opportunities(sf_org)[opp["Id"]]["Amount"] == 1200.0  # nothing guessed or sent
    StageMapping.objects.filter(stage=deal.stage).update(salesforce_stage="Proposal/Price Quote")
    SyncIssue.objects.update(retry_after=None)
    sync(connected)
    assert sf_opportunities(sf_org)[opp["Id"]]["Amount"] == 99.0
    assert not SyncIssue.objects.filter(workspace=team.workspace).exists()


def test_an_opportunity_moved_to_an_unmapped_salesforce_stage_keeps_the_deals_stage(
    connected: Connection, sf_org: SfOrg, team: Team
) -> None:
    deal = make_deal(team, stage="Proposal")
    sync(connected)
    mapped = set(
        StageMapping.objects.filter(workspace=team.workspace).values_list(
            "salesforce_stage", flat=True
        )
    )
    active = [r["ApiName"] for r in sf_org.query("SELECT ApiName FROM OpportunityStage")]
    unmapped = next(name for name in active if name not in mapped)
    (opp,) = sf_opportunities(sf_org).values()
    sf_org.rest(
        "PATCH", f"sobjects/Opportunity/{opp['Id']}", json={"StageName": unmapped, "Amount": 7}
    )
    sync(connected)
    deal.refresh_from_db()
    assert deal.stage.name == "Proposal"  # never a guessed stage
    assert deal.amount == Decimal("7.00")  # the rest of the record still flows back
    issue = SyncIssue.objects.get(workspace=team.workspace, salesforce_id=opp["Id"])
    assert issue.error_code == "UNMAPPED_SALESFORCE_STAGE" and unmapped in issue.message


def test_a_contact_role_whose_answer_was_lost_is_adopted_not_created_twice(
    connected: Connection, sf_org: SfOrg, team: Team
) -> None:
    create_contact(sf_org, LastName="Lee", Email="ann@globex.example")  # no Account
    deal = make_deal(team)
    sync(connected)  # links the contact, creates the Opportunity (the deal has no contact yet)
    deal.contact = team.workspace.contacts.get()
    deal.save()
    sf_org.control.set_faults(sf_org.org_id, drop_response_rate=1.0, drop_mode="disconnect")
    with pytest.raises(SalesforceUnavailable):
        sync(connected)  # the role's create commits; its answer is lost
    sf_org.control.clear_faults(sf_org.org_id)
    sync(connected)
    sync(connected)
    roles = sf_org.query("SELECT Id, OpportunityId FROM OpportunityContactRole")
    link = DealLink.objects.get(deal=deal)
    assert [(r["Id"], r["OpportunityId"]) for r in roles] == [
        (link.contact_role_id, link.salesforce_id)
    ]


def test_a_refused_deal_stays_reported_through_the_pulls_that_re_read_it(
    connected: Connection, sf_org: SfOrg, team: Team
) -> None:
    deal = make_deal(team)
    sync(connected)
    deal.name = ""  # Salesforce requires Name
    deal.save()
    assert sync(connected)["issues"] == 1
    sync(connected)  # the pull's overlap re-reads the Opportunity; the push waits its backoff
    issue = SyncIssue.objects.get(workspace=team.workspace, local_id=deal.pk)
    assert issue.attempts == 1 and issue.error_code == "REQUIRED_FIELD_MISSING"
