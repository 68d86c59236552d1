"""A large full pull goes through a Bulk API 2.0 query job, with the same result as REST paging."""

from __future__ import annotations

import csv
import threading
from decimal import Decimal
from typing import Any

import httpx
import pytest

from mailtrixy import metrics
from mailtrixy.inbox.models import Contact, Deal
from mailtrixy.integrations.models import Connection
from mailtrixy.integrations.salesforce.errors import ApiLimitExceeded
from mailtrixy.integrations.salesforce.models import ContactLink, DealLink, SyncCursor
from mailtrixy.integrations.salesforce.sync import bulk
from mailtrixy.integrations.salesforce.sync.engine import SyncEngine
from mailtrixy.integrations.salesforce.sync.pull_contacts import ContactPull
from tests.factories import Team, make_contact
from tests.integrations.salesforce.conftest import SfOrg
from tests.integrations.salesforce.sync_helpers import (
    create_contact,
    local_contacts,
    sf_contacts,
    sync,
)


@pytest.fixture
def small_switch(monkeypatch: pytest.MonkeyPatch) -> None:
    """Switch to bulk from 1,000 remaining records, 1,500 records per results page."""
    monkeypatch.setattr(bulk, "BULK_THRESHOLD", 1_000)
    monkeypatch.setattr(bulk, "MAX_RECORDS", 1_500)


def bulk_calls(sf: SfOrg) -> dict[str, int]:
    kinds = sf.counters()["api_requests"]
    return {k: v for k, v in kinds.items() if k.startswith("bulk_query")}


@pytest.mark.usefixtures("small_switch")
def test_full_pull_above_the_threshold_uses_one_job_and_matches_salesforce(
    connected: Connection, sf_org: SfOrg, team: Team
) -> None:
    sf_org.control.seed(sf_org.org_id, contacts=5_000, seed=11)
    sf_org.control.reset_counters(sf_org.org_id)
    stats = sync(connected)
    calls, kinds = bulk_calls(sf_org), sf_org.counters()["api_requests"]
    remote = sf_contacts(sf_org)  # (reads as the admin, which resets the counters)
    local = local_contacts(team.workspace.pk)
    assert set(local) == set(remote) and len(local) == 5_000
    for sf_id, row in remote.items():
        assert local[sf_id].email == (row["Email"] or "")
        assert local[sf_id].last_name == row["LastName"]
        assert local[sf_id].phone == (row["Phone"] or "")
    # 3,000 remaining after the first page: create, one poll, 2 result pages, delete
    assert calls == {
        "bulk_query_create": 1,
        "bulk_query_info": 1,
        "bulk_query_results": 2,
        "bulk_query_delete": 1,
    }
    assert stats["contacts_created"] == 5_000
    assert kinds.get("query_more", 0) == 0
    assert stats["api_calls"] == sum(kinds.values())  # the run counts what Salesforce counts


def expire_sessions_before_results_page(
    monkeypatch: pytest.MonkeyPatch, sf: SfOrg, page: int
) -> list[str]:
    """Expire the org's sessions just before the `page`-th results request leaves (on whichever
    thread sends it); returns the locator of every results request sent."""
    asked: list[str] = []
    send = httpx.Client.send

    def sending(self: httpx.Client, request: httpx.Request, **kwargs: Any) -> httpx.Response:
        if request.url.path.endswith("/results"):
            asked.append(request.url.params.get("locator", ""))
            if len(asked) == page:
                sf.control.expire_sessions(sf.org_id)
        return send(self, request, **kwargs)

    monkeypatch.setattr(httpx.Client, "send", sending)
    return asked


def api_counter(kind: str, outcome: str) -> int:
    return metrics.counter_values()[f"{metrics.PREFIX}:api:{kind}:{outcome}"]


@pytest.mark.usefixtures("small_switch")
@pytest.mark.parametrize("expires_before", [1, 2], ids=["first page", "page asked ahead"])
def test_a_session_expiring_between_results_pages_is_refreshed_once_by_the_client(
    connected: Connection,
    sf_org: SfOrg,
    team: Team,
    monkeypatch: pytest.MonkeyPatch,
    expires_before: int,
) -> None:
    sf_org.control.seed(sf_org.org_id, contacts=5_000, seed=11)
    asked = expire_sessions_before_results_page(monkeypatch, sf_org, expires_before)
    sf_org.control.reset_counters(sf_org.org_id)
    ok, expired = api_counter("bulk", "ok"), api_counter("bulk", "session_expired")

    stats = sync(connected)

    assert len(local_contacts(team.workspace.pk)) == 5_000
    # The refused page is asked for again, with the same locator, once; one refresh in all.
    assert len(asked) == 3 and asked[expires_before] == asked[expires_before - 1]
    assert sf_org.counters()["oauth"] == {"token_refresh": 1}
    calls = bulk_calls(sf_org)
    assert calls == {
        "bulk_query_create": 1,
        "bulk_query_info": 1,
        "bulk_query_results": 2,  # Salesforce does not count the refused one
        "bulk_query_delete": 1,
    }
    # The run counts what Salesforce counts; the metrics count each request by how it ended.
    assert stats["api_calls"] == sf_org.api_calls()
    assert api_counter("bulk", "ok") - ok == sum(calls.values())
    assert api_counter("bulk", "session_expired") - expired == 1


@pytest.mark.usefixtures("small_switch")
def test_a_results_page_refused_by_salesforce_is_counted_once_and_stops_the_pull(
    connected: Connection, sf_org: SfOrg
) -> None:
    sf_org.control.seed(sf_org.org_id, contacts=5_000, seed=11)
    sf_org.control.reset_counters(sf_org.org_id, usage=True)
    # The opening Composite, the job's create and poll, the first results page: then no more.
    sf_org.control.set_faults(sf_org.org_id, daily_api_limit=4)
    refused = api_counter("bulk", "limit_exceeded")
    engine = SyncEngine(Connection.objects.get(pk=connected.pk))

    with pytest.raises(ApiLimitExceeded):
        engine.run()

    assert bulk_calls(sf_org) == {
        "bulk_query_create": 1,
        "bulk_query_info": 1,
        "bulk_query_results": 1,
    }
    assert engine.api_calls == sf_org.api_calls() == 4
    # The second page (asked ahead) and the job's delete, each refused and counted once.
    assert api_counter("bulk", "limit_exceeded") - refused == 2


@pytest.mark.usefixtures("small_switch")
def test_a_pull_that_fails_mid_job_leaves_no_page_reader_behind(
    connected: Connection, sf_org: SfOrg, team: Team, monkeypatch: pytest.MonkeyPatch
) -> None:
    sf_org.control.seed(sf_org.org_id, contacts=5_000, seed=11)
    applied: list[int] = []
    apply_page = ContactPull.apply_page

    def failing_apply(self: ContactPull, records: list[dict[str, Any]]) -> None:
        applied.append(len(records))
        if len(applied) == 2:  # the first batch of the job
            raise RuntimeError("disk full")
        apply_page(self, records)

    monkeypatch.setattr(ContactPull, "apply_page", failing_apply)
    with pytest.raises(RuntimeError, match="disk full"):
        sync(connected)
    assert not [t for t in threading.enumerate() if t.name.startswith("bulk-results")]
    assert bulk_calls(sf_org)["bulk_query_delete"] == 1  # the job is not left in the org


@pytest.mark.usefixtures("small_switch")
def test_company_comes_from_the_account_name_column(
    connected: Connection, sf_org: SfOrg, team: Team
) -> None:
    sf_org.control.seed(sf_org.org_id, contacts=3_500, seed=12)
    sync(connected)
    rows = sf_org.query("SELECT Id, Account.Name FROM Contact")
    local = local_contacts(team.workspace.pk)
    assert local and all(
        local[r["Id"]].company == ((r["Account"] or {}).get("Name") or "") for r in rows
    )
    assert any(c.company for c in local.values())


@pytest.mark.usefixtures("small_switch")
def test_the_cursor_ends_on_the_last_record_and_the_next_sync_pages_by_rest(
    connected: Connection, sf_org: SfOrg, team: Team
) -> None:
    sf_org.control.seed(sf_org.org_id, contacts=4_000, seed=13)
    sync(connected)
    last = sf_org.query("SELECT Id, SystemModstamp FROM Contact ORDER BY SystemModstamp, Id")[-1]
    cursor = SyncCursor.objects.get(workspace=team.workspace, sobject="Contact")
    assert (cursor.modstamp, cursor.last_id) == (last["SystemModstamp"], last["Id"])
    assert cursor.full_mark is None and cursor.full_reconcile_at is not None
    sf_org.control.reset_counters(sf_org.org_id)
    stats = sync(connected)
    # incremental: the 5-minute overlap re-reads the 4,000 fresh rows in 2 REST pages, no job
    assert stats["api_calls"] == 2 and bulk_calls(sf_org) == {}


@pytest.mark.usefixtures("small_switch")
def test_existing_contacts_are_linked_by_email_not_duplicated(
    connected: Connection, sf_org: SfOrg, team: Team
) -> None:
    sf_org.control.seed(sf_org.org_id, contacts=3_500, seed=14)
    late = sf_org.query(
        "SELECT Id, Email FROM Contact WHERE Email != null ORDER BY SystemModstamp DESC LIMIT 1"
    )
    email = late[0]["Email"]
    mine = make_contact(team.workspace, email.upper(), first_name="Mine", last_name="")
    sync(connected)
    mine.refresh_from_db()
    assert mine.salesforce.salesforce_id == late[0]["Id"]
    assert Contact.objects.filter(workspace=team.workspace, email__iexact=email).count() == 1


@pytest.mark.usefixtures("small_switch")
def test_a_full_reconcile_by_bulk_archives_what_salesforce_no_longer_has(
    connected: Connection, sf_org: SfOrg, team: Team
) -> None:
    sf_org.control.seed(sf_org.org_id, contacts=3_500, seed=15)
    sync(connected)
    gone = create_contact(sf_org, LastName="Gone", Email="gone@example.com")
    sync(connected)
    link = ContactLink.objects.get(workspace=team.workspace, salesforce_id=gone)
    link.seen_mark = -1  # as if Salesforce had purged it from its recycle bin long ago
    link.save()
    sf_org.rest("DELETE", f"sobjects/Contact/{gone}")
    SyncCursor.objects.filter(workspace=team.workspace).update(full_reconcile_at=None)
    sync(connected)
    link.refresh_from_db()
    assert link.deleted_in_salesforce and link.contact.archived_at is not None
    assert len(local_contacts(team.workspace.pk)) == 3_500


def test_below_the_threshold_rest_paging_is_kept(
    connected: Connection, sf_org: SfOrg, team: Team
) -> None:
    sf_org.control.seed(sf_org.org_id, contacts=4_100, seed=16)
    sf_org.control.reset_counters(sf_org.org_id)
    stats = sync(connected)
    assert len(local_contacts(team.workspace.pk)) == 4_100
    # The opening Composite (first pages and the metadata reading), then 2 more pages.
    assert bulk_calls(sf_org) == {} and stats["api_calls"] == 3


def test_a_csv_row_becomes_the_record_a_rest_page_holds() -> None:
    header = ["Id", "Email", "Account.Name", "IsDeleted", "SystemModstamp", "Phone"]
    mapper = bulk.RowMapper(header, frozenset({"IsDeleted"}))
    row = ["003x", "a@b.example", "Acme", "false", "2024-05-01T10:00:00.000Z", ""]
    assert mapper.record(row) == {
        "Id": "003x",
        "Email": "a@b.example",
        "Account": {"Name": "Acme"},
        "IsDeleted": False,
        "SystemModstamp": "2024-05-01T10:00:00.000+0000",
        "Phone": None,
    }
    orphan = mapper.record(["003y", "", "", "true", "2024-05-01T10:00:00.000Z", ""])
    assert orphan["Account"] is None and orphan["IsDeleted"] is True and orphan["Email"] is None


def test_lines_keep_line_breaks_inside_quoted_fields_across_chunks() -> None:
    text = 'Id,Title\n1,"two\nlines, and ""quotes"""\n2,plain\n'
    chunks = [text[i : i + 5] for i in range(0, len(text), 5)]
    rows = list(csv.reader(bulk._lines(chunks)))
    assert rows == [["Id", "Title"], ["1", 'two\nlines, and "quotes"'], ["2", "plain"]]


def test_a_full_reconcile_of_many_opportunities_reads_them_by_job_like_rest(
    connected: Connection, sf_org: SfOrg, team: Team, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Amounts, stages and deletes read from the job's CSV land in the deals as REST's would."""
    monkeypatch.setattr(bulk, "BULK_THRESHOLD", 100)
    lead = team.stage("Lead")
    Deal.objects.bulk_create(
        Deal(workspace=team.workspace, name=f"Deal {n}", amount=Decimal(1000 + n),
             currency="USD", stage=lead, owner=team.agent)
        for n in range(2_300)
    )  # fmt: skip
    sync(connected)  # pushes 2,300 Opportunities
    links = {link.deal.name: link.salesforce_id for link in DealLink.objects.select_related("deal")}
    won, lost, gone = links["Deal 2299"], links["Deal 2298"], links["Deal 2297"]
    changes = [
        {"attributes": {"type": "Opportunity"}, "id": won, "StageName": "Closed Won",
         "Amount": 4321.5},
        {"attributes": {"type": "Opportunity"}, "id": lost, "StageName": "Closed Lost"},
    ]  # fmt: skip
    assert sf_org.rest("PATCH", "composite/sobjects", json={"records": changes}).status_code == 200
    sf_org.rest("DELETE", f"sobjects/Opportunity/{gone}")
    SyncCursor.objects.filter(workspace=team.workspace).update(full_reconcile_at=None)
    sf_org.control.reset_counters(sf_org.org_id)

    stats = sync(connected)

    assert bulk_calls(sf_org)["bulk_query_create"] == 1  # the 300 after the first REST page
    assert stats["deals_fetched"] == 2_300 and stats["deals_updated"] == 2
    deals = {d.name: d for d in Deal.objects.filter(workspace=team.workspace)}
    assert deals["Deal 2299"].amount == Decimal("4321.50")
    assert deals["Deal 2299"].stage.kind == "won" and deals["Deal 2298"].stage.kind == "lost"
    assert deals["Deal 2297"].archived_at is not None
    assert sum(d.archived_at is None for d in deals.values()) == 2_299
    assert not stats.get("deals_pushed")  # nothing echoed back
