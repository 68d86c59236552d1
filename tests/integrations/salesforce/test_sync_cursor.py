"""The incremental pull misses nothing: late commits, shared stamps, paging, checkpoints; and the
cursor that says where it stands (`sync/cursor.py`)."""

from __future__ import annotations

import contextlib
from datetime import timedelta

from django.utils import timezone

from mailtrixy.inbox.models import Contact
from mailtrixy.integrations.models import Connection
from mailtrixy.integrations.salesforce.models import SyncCursor
from mailtrixy.integrations.salesforce.soql import parse_datetime
from mailtrixy.integrations.salesforce.sync.cursor import PullCursor
from tests.factories import Team
from tests.integrations.salesforce.conftest import SfOrg
from tests.integrations.salesforce.sync_helpers import (
    create_contact,
    local_contacts,
    sf_contacts,
    sync,
)


def cursor_ms(team: Team) -> int:
    cursor = SyncCursor.objects.get(workspace=team.workspace, sobject="Contact")
    return int(parse_datetime(cursor.modstamp).timestamp() * 1000)


def test_record_committed_late_behind_the_cursor_is_still_pulled(
    connected: Connection, sf_org: SfOrg, team: Team
) -> None:
    create_contact(sf_org, LastName="First", Email="first@globex.example")
    sync(connected)
    late = create_contact(sf_org, LastName="Late", Email="late@globex.example")
    # Its transaction began before the cursor's record and committed after our sync read.
    behind = cursor_ms(team) - int(timedelta(minutes=3).total_seconds() * 1000)
    sf_org.control.backdate(sf_org.org_id, "Contact", [late], behind)
    sync(connected)
    assert late in local_contacts(team.workspace.pk)


def test_five_thousand_records_sharing_one_stamp_are_all_pulled_without_looping(
    connected: Connection, sf_org: SfOrg, team: Team
) -> None:
    sf_org.control.seed(sf_org.org_id, contacts=5000, seed=9)
    ids = list(sf_contacts(sf_org))
    assert len(ids) == 5000
    sf_org.control.backdate(sf_org.org_id, "Contact", ids, 1_790_000_000_000)
    sf_org.control.reset_counters(sf_org.org_id)
    stats = sync(connected)
    assert set(local_contacts(team.workspace.pk)) == set(ids)
    # 3 pages of 2,000, the first in the Composite that also reads the org's metadata: no page
    # is fetched twice.
    assert stats["api_calls"] == 3
    # The next sync re-reads them all (the pull reads from the cursor's stamp on, inclusively,
    # and they all carry it): the same 3 pages, each once, and nothing changes.
    again = sync(connected)
    assert (again.get("contacts_fetched"), again["api_calls"]) == (5000, 3)
    assert not again.get("contacts_updated") and not again.get("contacts_created")


def test_pulling_ten_thousand_contacts_costs_the_minimum_of_query_calls(
    connected: Connection, sf_org: SfOrg, team: Team
) -> None:
    sf_org.control.seed(sf_org.org_id, contacts=10_000, seed=10)
    sf_org.control.reset_counters(sf_org.org_id)
    stats = sync(connected)
    assert Contact.objects.filter(workspace=team.workspace).count() == 10_000
    # ⌈10,000 / 2,000⌉ = 5 pages, the first in the Composite that also carries the Opportunity
    # query and the org's metadata reading: exactly the minimum.
    assert sf_org.api_calls() == 5
    assert stats["api_calls"] == sf_org.api_calls()


def test_a_run_that_dies_resumes_from_its_last_page(
    connected: Connection, sf_org: SfOrg, team: Team
) -> None:
    sf_org.control.seed(sf_org.org_id, contacts=4500, seed=11)
    # Spread the changes over days, 100 records every 10 minutes, as an org's edits would be
    # (a burst inside the 5-minute overlap window is re-read by design: late commits hide there).
    ids = sorted(sf_contacts(sf_org))
    start = 1_790_000_000_000
    for n in range(0, len(ids), 100):
        sf_org.control.backdate(sf_org.org_id, "Contact", ids[n : n + 100], start + n * 6_000)
    # Die after the second page (the heartbeat runs between pages).
    from mailtrixy.integrations.salesforce.sync.engine import SyncEngine

    pages = {"n": 0}

    class Killed(Exception):
        pass

    def heartbeat(_progress: object) -> None:
        pages["n"] += 1
        if pages["n"] == 2:
            raise Killed()

    with contextlib.suppress(Killed):
        SyncEngine(Connection.objects.get(pk=connected.pk), heartbeat=heartbeat).run()
    assert Contact.objects.filter(workspace=team.workspace).count() == 4000
    sf_org.control.reset_counters(sf_org.org_id)
    stats = sync(connected)
    assert Contact.objects.filter(workspace=team.workspace).count() == 4500
    # The resumed run starts from the cursor minus the 5-minute overlap window, not from the
    # start: it re-reads the last 100 records it had (one 10-minute step), then the 500 left,
    # all in its opening Composite.
    assert (stats["contacts_fetched"], stats["contacts_created"]) == (600, 500)
    assert sf_org.api_calls() == stats["api_calls"] == 1


def test_a_quiet_org_keeps_syncing_incrementally(
    connected: Connection, sf_org: SfOrg, team: Team
) -> None:
    sf_org.control.seed(sf_org.org_id, contacts=50, seed=12)
    ids = list(sf_contacts(sf_org))
    twenty_days_ago = int((timezone.now() - timedelta(days=20)).timestamp() * 1000)
    sf_org.control.backdate(sf_org.org_id, "Contact", ids, twenty_days_ago)
    sync(connected)  # the first, full pull
    full_pull_at = SyncCursor.objects.get(workspace=team.workspace, sobject="Contact")
    sf_org.control.reset_counters(sf_org.org_id)
    stats = sync(connected)  # nothing changed for 20 days: still an idle sync, not a full read
    assert stats["api_calls"] == 1
    cursor = SyncCursor.objects.get(workspace=team.workspace, sobject="Contact")
    assert cursor.full_reconcile_at == full_pull_at.full_reconcile_at and cursor.full_mark is None


def test_a_connection_not_pulled_for_longer_than_the_deleted_records_window_reads_everything(
    connected: Connection, sf_org: SfOrg, team: Team
) -> None:
    """Salesforce keeps deletes for queryAll 15 days; past that only a full read finds them."""
    from mailtrixy.integrations.salesforce.models import ContactLink

    gone = create_contact(sf_org, LastName="Gone", Email="gone@globex.example")
    sync(connected)
    # Deleted and purged from the recycle bin while no sync ran: queryAll no longer has it.
    link = ContactLink.objects.get(salesforce_id=gone)
    link.salesforce_id = "003000000000002AAA"
    link.save()
    now = timezone.now()
    cursors = SyncCursor.objects.filter(workspace=team.workspace)
    cursors.update(full_reconcile_at=now - timedelta(days=3), pulled_at=now - timedelta(days=1))
    sync(connected)  # read within the window: incremental, the contact stays
    link.contact.refresh_from_db()
    assert link.contact.archived_at is None
    cursors.update(full_reconcile_at=now - timedelta(days=3), pulled_at=now - timedelta(days=16))
    sync(connected)  # last read 16 days ago: a full read, whose sweep archives it
    link.contact.refresh_from_db()
    assert link.contact.archived_at is not None


# -- the cursor itself (no Salesforce needed) ----------------------------------------------------


def _record(stamp: str, sf_id: str) -> dict[str, str]:
    return {"SystemModstamp": stamp, "Id": sf_id}


def test_a_first_pull_reads_every_record_as_a_full_pull(team: Team) -> None:
    cursor = PullCursor(team.workspace.pk, "Contact", "Id, SystemModstamp")
    assert cursor.full and cursor.mark > 0
    assert cursor.soql() == "SELECT Id, SystemModstamp FROM Contact ORDER BY SystemModstamp, Id"
    assert cursor.query_path().startswith("queryAll?q=SELECT%20Id")


def test_the_next_pull_reads_from_five_minutes_behind_the_last_record_applied(
    team: Team,
) -> None:
    cursor = PullCursor(team.workspace.pk, "Contact", "Id")
    cursor.advance([_record("2026-05-01T10:00:00.000+0000", "003A")])
    cursor.read_to_end()
    cursor.finish_full()
    again = PullCursor(team.workspace.pk, "Contact", "Id")
    assert not again.full and again.mark == 0
    assert again.soql() == (
        "SELECT Id FROM Contact WHERE SystemModstamp >= 2026-05-01T09:55:00.000Z "
        "ORDER BY SystemModstamp, Id"
    )


def test_the_cursor_never_moves_back(team: Team) -> None:
    cursor = PullCursor(team.workspace.pk, "Contact", "Id")
    cursor.advance([_record("2026-05-01T10:00:00.000+0000", "003B")])
    cursor.advance([_record("2026-05-01T10:00:00.000+0000", "003A")])  # re-read, same stamp
    cursor.advance([])
    saved = SyncCursor.objects.get(workspace=team.workspace, sobject="Contact")
    assert (saved.modstamp, saved.last_id) == ("2026-05-01T10:00:00.000+0000", "003B")
    assert (cursor.modstamp, cursor.last_id) == (saved.modstamp, saved.last_id)


def test_an_interrupted_full_pull_resumes_from_its_cursor_with_its_mark(team: Team) -> None:
    first = PullCursor(team.workspace.pk, "Contact", "Id")
    first.advance([_record("2026-05-01T10:00:00.000+0000", "003A")])  # then the run dies
    resumed = PullCursor(team.workspace.pk, "Contact", "Id")
    assert resumed.full and resumed.mark == first.mark
    assert "WHERE SystemModstamp >= 2026-05-01T09:55:00.000Z" in resumed.soql()


def test_a_full_reconcile_is_due_every_configured_days(team: Team) -> None:
    cursor = PullCursor(team.workspace.pk, "Contact", "Id")
    cursor.advance([_record("2026-05-01T10:00:00.000+0000", "003A")])
    cursor.read_to_end()
    cursor.finish_full()
    saved = SyncCursor.objects.filter(workspace=team.workspace)
    saved.update(full_reconcile_at=timezone.now() - timedelta(days=6, hours=23))
    assert not PullCursor(team.workspace.pk, "Contact", "Id").full
    saved.update(full_reconcile_at=timezone.now() - timedelta(days=7, hours=1))
    restarted = PullCursor(team.workspace.pk, "Contact", "Id")
    assert restarted.full and restarted.modstamp == ""  # from the start
