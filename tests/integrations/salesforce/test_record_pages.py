"""Contacts and deals say whether they are linked to Salesforce, open there, and note conflicts."""

from __future__ import annotations

import html
from decimal import Decimal

from django.test import Client
from django.urls import reverse

from mailtrixy.inbox.models import Contact
from mailtrixy.integrations.models import Connection, SyncRun
from mailtrixy.integrations.salesforce.conflicts import field_label
from mailtrixy.integrations.salesforce.connection import mark_needs_reconnect
from mailtrixy.integrations.salesforce.models import ContactLink, DealLink, SyncConflict
from mailtrixy.integrations.salesforce.sync.mapping import CONTACT_FIELDS, DEAL_FIELDS
from tests.factories import Team, make_contact, make_deal
from tests.integrations.salesforce.conftest import SfOrg
from tests.integrations.salesforce.sync_helpers import (
    create_contact,
    sf_contacts,
    sf_opportunities,
    sync,
)


def _lightning(connection: Connection, sobject: str, record_id: str) -> str:
    return f"{connection.instance_url.rstrip('/')}/lightning/r/{sobject}/{record_id}/view"


def _page(client: Client, name: str, *args: object) -> str:
    response = client.get(reverse(name, args=args))
    assert response.status_code == 200
    return html.unescape(response.content.decode())


def _title_conflict(connected: Connection, sf_org: SfOrg) -> tuple[Contact, str]:
    """MailTrixy says "Chief Technology Officer", then Salesforce says "CEO": Salesforce wins."""
    sf_id = create_contact(
        sf_org, FirstName="Ann", LastName="Lee", Email="ann@globex.example", Title="CTO"
    )
    sync(connected)
    contact = Contact.objects.get(salesforce__salesforce_id=sf_id)
    contact.title = "Chief Technology Officer"
    contact.save()
    sf_org.rest("PATCH", f"sobjects/Contact/{sf_id}", json={"Title": "CEO"})
    sync(connected)
    contact.refresh_from_db()
    assert contact.title == "CEO"
    return contact, sf_id


def test_contacts_say_whether_they_are_linked_and_open_in_salesforce(
    connected: Connection, sf_org: SfOrg, team: Team, agent_client: Client
) -> None:
    sf_id = create_contact(sf_org, LastName="Lee", Email="ann@globex.example")
    sync(connected)
    linked = Contact.objects.get(salesforce__salesforce_id=sf_id)
    make_contact(team.workspace, "bo@example.com", first_name="Bo", last_name="Kim")
    url = _lightning(connected, "Contact", sf_id)
    listing = _page(agent_client, "inbox:contacts")
    assert "<th>Salesforce</th>" in listing
    assert listing.count("Open in Salesforce") == 1 and f'href="{url}"' in listing
    assert "Not linked" in listing
    page = _page(agent_client, "inbox:contact", linked.pk)
    assert f'href="{url}"' in page and "Linked" in page


def test_deals_say_whether_they_are_linked_and_open_in_salesforce(
    connected: Connection, sf_org: SfOrg, team: Team, agent_client: Client
) -> None:
    deal = make_deal(team)
    assert "Not linked" in _page(agent_client, "inbox:deal_edit", deal.pk)
    sync(connected)
    (opportunity_id,) = sf_opportunities(sf_org)
    url = _lightning(connected, "Opportunity", opportunity_id)
    assert f'href="{url}"' in _page(agent_client, "inbox:deals")
    assert f'href="{url}"' in _page(agent_client, "inbox:deal_edit", deal.pk)


def test_without_a_connection_the_pages_say_nothing_of_salesforce(
    team: Team, agent_client: Client
) -> None:
    contact = make_contact(team.workspace)
    deal = make_deal(team, contact=contact)
    for page in [
        _page(agent_client, "inbox:contacts"),
        _page(agent_client, "inbox:contact", contact.pk),
        _page(agent_client, "inbox:deals"),
        _page(agent_client, "inbox:deal_edit", deal.pk),
    ]:
        assert "Salesforce" not in page


def test_a_conflict_is_noted_on_the_contacts_page_with_label_values_winner_and_why(
    connected: Connection, sf_org: SfOrg, team: Team, agent_client: Client
) -> None:
    contact, _ = _title_conflict(connected, sf_org)
    page = _page(agent_client, "inbox:contact", contact.pk)
    assert "<strong>Title</strong> was changed on both sides" in page
    assert '<dd data-side="mailtrixy">Chief Technology Officer</dd>' in page
    assert '<dd data-side="salesforce">CEO</dd>' in page
    assert "The sync kept Salesforce's value." in page
    assert "It was changed in Salesforce more recently" in page
    assert ">Keep mine</button>" in page


def test_keep_mine_puts_mailtrixys_value_back_and_the_next_sync_pushes_it(
    connected: Connection, sf_org: SfOrg, team: Team, agent_client: Client
) -> None:
    contact, sf_id = _title_conflict(connected, sf_org)
    conflict = SyncConflict.objects.get(workspace=team.workspace, field="title")
    sf_org.control.reset_counters(sf_org.org_id)
    response = agent_client.post(reverse("salesforce:keep_mine", args=[conflict.pk]), follow=True)
    page = html.unescape(response.content.decode())
    run = SyncRun.objects.get(workspace=team.workspace, status="queued")
    assert f"Kept MailTrixy's title for Ann Lee. Sync #{run.pk} sends it to Salesforce." in page
    contact.refresh_from_db()
    assert contact.title == "Chief Technology Officer"
    assert ContactLink.objects.get(contact=contact).pending_push
    assert sf_org.api_calls() == 0  # the page wrote nothing to Salesforce: the push does
    assert sf_contacts(sf_org)[sf_id]["Title"] == "CEO"
    assert "It is sent to Salesforce with the next sync." in page
    assert ">Keep mine</button>" not in page
    sync(connected)
    assert sf_contacts(sf_org)[sf_id]["Title"] == "Chief Technology Officer"
    page = _page(agent_client, "inbox:contact", contact.pk)
    assert "Keep mine then put MailTrixy's value back. Salesforce has it now." in page


def test_keep_mine_on_a_deal_conflict_pushes_the_amount_and_shows_money(
    connected: Connection, sf_org: SfOrg, team: Team, agent_client: Client
) -> None:
    deal = make_deal(team)
    sync(connected)
    (opportunity_id,) = sf_opportunities(sf_org)
    deal.amount = Decimal("12500")
    deal.save()
    sf_org.rest("PATCH", f"sobjects/Opportunity/{opportunity_id}", json={"Amount": 9000})
    sync(connected)
    page = _page(agent_client, "inbox:deal_edit", deal.pk)
    assert "<strong>Amount</strong> was changed on both sides" in page
    assert '<dd data-side="mailtrixy">USD 12,500.00</dd>' in page
    assert '<dd data-side="salesforce">USD 9,000.00</dd>' in page
    conflict = SyncConflict.objects.get(workspace=team.workspace, field="amount")
    agent_client.post(reverse("salesforce:keep_mine", args=[conflict.pk]))
    deal.refresh_from_db()
    assert deal.amount == Decimal("12500.00")
    assert DealLink.objects.get(deal=deal).pending_push
    sync(connected)
    assert sf_opportunities(sf_org)[opportunity_id]["Amount"] == 12500.0


def test_keep_mine_is_refused_in_words_once_the_field_changed_again(
    connected: Connection, sf_org: SfOrg, team: Team, agent_client: Client
) -> None:
    contact, _ = _title_conflict(connected, sf_org)
    contact.title = "Founder"
    contact.save()
    conflict = SyncConflict.objects.get(workspace=team.workspace, field="title")
    response = agent_client.post(reverse("salesforce:keep_mine", args=[conflict.pk]), follow=True)
    page = html.unescape(response.content.decode())
    assert "Title has changed since this conflict, so there is nothing to keep." in page
    contact.refresh_from_db()
    assert contact.title == "Founder"
    assert "was changed on both sides" not in page  # the note no longer tells the truth


def test_keep_mine_on_another_workspaces_conflict_is_404(
    connected: Connection, sf_org: SfOrg, team: Team, other_team: Team
) -> None:
    _title_conflict(connected, sf_org)
    conflict = SyncConflict.objects.get(workspace=team.workspace, field="title")
    outsider = Client()
    outsider.force_login(other_team.agent.user)
    response = outsider.post(reverse("salesforce:keep_mine", args=[conflict.pk]))
    assert response.status_code == 404
    assert Contact.objects.get(workspace=team.workspace).title == "CEO"


def test_sync_report_names_the_field_by_its_label_and_links_both_records(
    connected: Connection, sf_org: SfOrg, team: Team, admin_client_: Client
) -> None:
    contact, sf_id = _title_conflict(connected, sf_org)
    page = _page(admin_client_, "salesforce:sync_report")
    assert "<td>Title</td>" in page and "<td>title</td>" not in page
    assert "<td>Salesforce</td>" in page
    assert f'<a href="{reverse("inbox:contact", args=[contact.pk])}">Ann Lee</a>' in page
    assert f'href="{_lightning(connected, "Contact", sf_id)}"' in page


def test_sync_report_calls_a_mailtrixy_win_mailtrixy(
    connected: Connection, sf_org: SfOrg, team: Team, admin_client_: Client
) -> None:
    sf_id = create_contact(sf_org, LastName="Lee", Email="ann@globex.example", Title="CTO")
    sync(connected)
    sf_org.rest("PATCH", f"sobjects/Contact/{sf_id}", json={"Title": "CEO"})
    contact = Contact.objects.get(salesforce__salesforce_id=sf_id)
    contact.title = "Founder"
    contact.save()  # after Salesforce's change: MailTrixy wins
    sync(connected)
    page = _page(admin_client_, "salesforce:sync_report")
    assert "<td>MailTrixy</td>" in page and "Mailtrixy" not in page


def test_every_synced_field_is_named_by_the_mailtrixy_forms_label() -> None:
    assert [field_label("Contact", f) for f in CONTACT_FIELDS] == [
        "First name",
        "Last name",
        "Email",
        "Phone",
        "Title",
    ]
    assert [field_label("Opportunity", f) for f in DEAL_FIELDS] == [
        "Name",
        "Amount",
        "Stage",
        "Expected close date",
        "Currency",
    ]


def test_keep_mine_while_salesforce_needs_reconnecting_waits_for_the_reconnect(
    connected: Connection, sf_org: SfOrg, team: Team, agent_client: Client
) -> None:
    contact, _ = _title_conflict(connected, sf_org)
    mark_needs_reconnect(connected.pk, "refused")
    conflict = SyncConflict.objects.get(workspace=team.workspace, field="title")
    response = agent_client.post(reverse("salesforce:keep_mine", args=[conflict.pk]), follow=True)
    assert "It is sent to Salesforce once Salesforce is reconnected" in response.content.decode()
    assert not SyncRun.objects.filter(workspace=team.workspace, status="queued").exists()
    assert ContactLink.objects.get(contact=contact).pending_push


def test_members_recent_conflicts_use_labels_and_link_both_records(
    connected: Connection, sf_org: SfOrg, team: Team, agent_client: Client
) -> None:
    contact, sf_id = _title_conflict(connected, sf_org)
    page = _page(agent_client, "integrations:member_settings")
    assert "Recent conflicts" in page
    assert "<td>Title</td>" in page and "<td>title</td>" not in page
    assert f'<a href="{reverse("inbox:contact", args=[contact.pk])}">Ann Lee</a>' in page
    assert f'href="{_lightning(connected, "Contact", sf_id)}"' in page
