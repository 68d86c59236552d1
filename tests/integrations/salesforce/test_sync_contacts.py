"""Contacts: pulled from Salesforce, linked by Id or email, edits pushed back, deletes archived."""

from __future__ import annotations

from django.utils import timezone

from mailtrixy.inbox.models import Contact
from mailtrixy.integrations.models import Connection
from mailtrixy.integrations.salesforce.models import ContactLink, SyncConflict, SyncIssue
from tests.factories import Team, make_contact
from tests.integrations.salesforce.conftest import SfOrg
from tests.integrations.salesforce.sync_helpers import (
    create_contact,
    local_contacts,
    sf_contacts,
    sync,
)


def test_first_sync_pulls_every_contact(connected: Connection, sf_org: SfOrg, team: Team) -> None:
    sf_org.control.seed(sf_org.org_id, contacts=300, seed=3)
    sync(connected)
    remote = sf_contacts(sf_org)
    local = local_contacts(team.workspace.pk)
    assert len(remote) == 300 and set(local) == set(remote)
    for sf_id, row in remote.items():
        assert local[sf_id].email == (row["Email"] or "")
        assert local[sf_id].last_name == row["LastName"]


def test_existing_contact_with_same_email_is_linked_not_duplicated(
    connected: Connection, sf_org: SfOrg, team: Team
) -> None:
    mine = make_contact(team.workspace, "Ann.Lee@Globex.example", first_name="Ann", last_name="")
    sf_id = create_contact(sf_org, LastName="Lee", Email="ann.lee@globex.example", Title="CTO")
    sync(connected)
    mine.refresh_from_db()
    assert mine.salesforce.salesforce_id == sf_id
    assert mine.last_name == "Lee" and mine.title == "CTO"
    assert Contact.objects.filter(workspace=team.workspace, email__iexact=mine.email).count() == 1


def test_idle_sync_costs_one_api_call_and_writes_nothing(
    connected: Connection, sf_org: SfOrg, team: Team
) -> None:
    sf_org.control.seed(sf_org.org_id, contacts=50, seed=4)
    sync(connected)
    before = {c.pk: c.updated_at for c in Contact.objects.filter(workspace=team.workspace)}
    sf_org.control.reset_counters(sf_org.org_id)
    stats = sync(connected)
    counters = sf_org.counters()
    assert counters["api_requests_total"] == 1
    assert counters["api_requests"] == {"composite": 1}
    assert stats["api_calls"] == 1
    after = {c.pk: c.updated_at for c in Contact.objects.filter(workspace=team.workspace)}
    assert before == after
    assert not stats.get("contacts_pushed") and not stats.get("contacts_updated")


def test_edit_in_mailtrixy_is_pushed_and_not_echoed(
    connected: Connection, sf_org: SfOrg, team: Team
) -> None:
    sf_id = create_contact(sf_org, LastName="Lee", Email="ann@globex.example")
    sync(connected)
    contact = Contact.objects.get(salesforce__salesforce_id=sf_id)
    contact.title = "VP Sales"
    contact.save()
    stats = sync(connected)
    assert stats["contacts_pushed"] == 1
    assert sf_contacts(sf_org)[sf_id]["Title"] == "VP Sales"
    again = sync(connected)
    assert not again.get("contacts_pushed") and not again.get("contacts_updated")


def test_edit_in_salesforce_is_pulled_and_not_pushed_back(
    connected: Connection, sf_org: SfOrg, team: Team
) -> None:
    sf_id = create_contact(sf_org, LastName="Lee", Email="ann@globex.example")
    sync(connected)
    sf_org.rest("PATCH", f"sobjects/Contact/{sf_id}", json={"Phone": "+1 555 0100"})
    stats = sync(connected)
    assert stats["contacts_updated"] == 1 and not stats.get("contacts_pushed")
    assert Contact.objects.get(salesforce__salesforce_id=sf_id).phone == "+1 555 0100"
    assert not sync(connected).get("contacts_pushed")


def test_same_field_changed_on_both_sides_newest_wins_and_is_recorded(
    connected: Connection, sf_org: SfOrg, team: Team
) -> None:
    sf_id = create_contact(sf_org, LastName="Lee", Email="ann@globex.example", Title="CTO")
    sync(connected)
    contact = Contact.objects.get(salesforce__salesforce_id=sf_id)
    contact.title = "Chief Technology Officer"
    contact.save()  # MailTrixy first...
    sf_org.rest("PATCH", f"sobjects/Contact/{sf_id}", json={"Title": "CEO"})  # ...then Salesforce
    sync(connected)
    contact.refresh_from_db()
    assert contact.title == "CEO"
    assert sf_contacts(sf_org)[sf_id]["Title"] == "CEO"
    conflict = SyncConflict.objects.get(workspace=team.workspace, field="title")
    assert (conflict.mailtrixy_value, conflict.salesforce_value, conflict.winner) == (
        "Chief Technology Officer",
        "CEO",
        "salesforce",
    )


def test_deleted_in_salesforce_is_archived_and_undelete_restores(
    connected: Connection, sf_org: SfOrg, team: Team
) -> None:
    sf_id = create_contact(sf_org, LastName="Lee", Email="ann@globex.example")
    sync(connected)
    assert sf_org.rest("DELETE", f"sobjects/Contact/{sf_id}").status_code == 204
    sync(connected)
    contact = Contact.objects.get(salesforce__salesforce_id=sf_id)
    assert contact.archived_at is not None and "Deleted in Salesforce" in contact.archived_reason
    sf_org.control.undelete(sf_org.org_id, "Contact", sf_id)
    sync(connected)
    contact.refresh_from_db()
    assert contact.archived_at is None and contact.archived_reason == ""


def test_two_salesforce_contacts_with_one_email_are_reported_not_dropped(
    connected: Connection, sf_org: SfOrg, team: Team
) -> None:
    first = create_contact(sf_org, LastName="One", Email="same@globex.example")
    second = create_contact(sf_org, LastName="Two", Email="SAME@globex.example")
    sync(connected)
    linked = ContactLink.objects.filter(workspace=team.workspace)
    assert {link.salesforce_id for link in linked} == {first}
    issue = SyncIssue.objects.get(workspace=team.workspace, salesforce_id=second)
    assert issue.error_code == "DUPLICATE_EMAIL" and "same@globex.example" in issue.message.lower()


def test_contact_gone_from_salesforce_is_archived_by_full_reconcile(
    connected: Connection, sf_org: SfOrg, team: Team
) -> None:
    sf_id = create_contact(sf_org, LastName="Lee", Email="ann@globex.example")
    sync(connected)
    link = ContactLink.objects.get(salesforce_id=sf_id)
    link.salesforce_id = "003000000000001AAA"  # a record Salesforce no longer has at all
    link.save()
    from mailtrixy.integrations.salesforce.models import SyncCursor

    SyncCursor.objects.filter(workspace=team.workspace).update(
        full_reconcile_at=timezone.now() - timezone.timedelta(days=8)
    )
    sync(connected)
    link.contact.refresh_from_db()
    assert link.contact.archived_at is not None


def test_contact_restored_in_mailtrixy_is_kept_unlinked(
    connected: Connection, sf_org: SfOrg, team: Team, agent_client: object
) -> None:
    from django.test import Client
    from django.urls import reverse

    sf_id = create_contact(sf_org, LastName="Lee", Email="ann@globex.example")
    sync(connected)
    sf_org.rest("DELETE", f"sobjects/Contact/{sf_id}")
    sync(connected)
    contact = Contact.objects.get(salesforce__salesforce_id=sf_id)
    client: Client = agent_client  # type: ignore[assignment]
    page = client.get(reverse("inbox:contacts"), {"archived": "1"}).content.decode()
    assert "ann@globex.example" in page
    client.post(reverse("inbox:restore", args=["contact", contact.pk]))
    sync(connected)
    contact.refresh_from_db()
    assert contact.archived_at is None
    assert not ContactLink.objects.filter(contact=contact).exists()
    assert "ann@globex.example" in client.get(reverse("inbox:contacts")).content.decode()


def test_a_change_salesforce_refuses_is_kept_with_its_error_while_others_go_through(
    connected: Connection, sf_org: SfOrg, team: Team
) -> None:
    refused = create_contact(sf_org, LastName="Lee", Email="ann@globex.example")
    fine = create_contact(sf_org, LastName="Kim", Email="bo@globex.example")
    sync(connected)
    ann = Contact.objects.get(salesforce__salesforce_id=refused)
    ann.last_name = ""  # Salesforce requires LastName
    ann.first_name = "Ann"
    ann.save()
    bo = Contact.objects.get(salesforce__salesforce_id=fine)
    bo.title = "CFO"
    bo.save()
    stats = sync(connected)
    assert stats["contacts_pushed"] == 1 and stats["issues"] == 1
    issue = SyncIssue.objects.get(workspace=team.workspace, salesforce_id=refused)
    assert issue.error_code == "REQUIRED_FIELD_MISSING" and "LastName" in issue.message
    assert sf_contacts(sf_org)[fine]["Title"] == "CFO"
    ann.refresh_from_db()
    assert ann.last_name == "" and ann.first_name == "Ann"  # kept in MailTrixy, not overwritten
    ann.last_name = "Lee-Smith"
    ann.save()
    SyncIssue.objects.update(retry_after=None)
    sync(connected)
    assert not SyncIssue.objects.filter(workspace=team.workspace).exists()
    assert sf_contacts(sf_org)[refused]["LastName"] == "Lee-Smith"


def test_a_refused_record_waits_for_its_backoff_before_it_is_sent_again(
    connected: Connection, sf_org: SfOrg, team: Team
) -> None:
    refused = create_contact(sf_org, LastName="Lee", Email="ann@globex.example")
    sync(connected)
    ann = Contact.objects.get(salesforce__salesforce_id=refused)
    ann.last_name = ""  # Salesforce requires LastName
    ann.save()
    assert sync(connected)["issues"] == 1
    issue = SyncIssue.objects.get(workspace=team.workspace, salesforce_id=refused)
    assert issue.attempts == 1 and issue.retry_after is not None
    assert issue.retry_after > timezone.now() + timezone.timedelta(minutes=1)
    stats = sync(connected)  # within the backoff: not sent, not counted again
    assert not stats.get("contacts_pushed") and not stats.get("push_calls")
    issue.refresh_from_db()
    assert issue.attempts == 1
    SyncIssue.objects.update(retry_after=timezone.now() - timezone.timedelta(seconds=1))
    assert sync(connected)["issues"] == 1  # due again: sent, refused again, backoff doubled
    issue.refresh_from_db()
    assert issue.attempts == 2
    assert issue.retry_after > timezone.now() + timezone.timedelta(minutes=3)


def test_an_email_changed_in_salesforce_to_another_contacts_stays_reported(
    connected: Connection, sf_org: SfOrg, team: Team
) -> None:
    create_contact(sf_org, LastName="One", Email="one@globex.example")
    second = create_contact(sf_org, LastName="Two", Email="two@globex.example")
    sync(connected)
    sf_org.rest("PATCH", f"sobjects/Contact/{second}", json={"Email": "one@globex.example"})
    sync(connected)
    contact = Contact.objects.get(salesforce__salesforce_id=second)
    assert contact.email == "two@globex.example"  # not taken: MailTrixy keeps one per email
    issue = SyncIssue.objects.get(workspace=team.workspace, salesforce_id=second)
    assert issue.error_code == "DUPLICATE_EMAIL" and "one@globex.example" in issue.message
    sync(connected)  # re-reading it (the overlap window) settles nothing
    assert SyncIssue.objects.filter(workspace=team.workspace, salesforce_id=second).exists()
