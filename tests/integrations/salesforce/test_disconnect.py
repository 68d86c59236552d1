"""Disconnect: asked first, with what it does; admins only unless the installation allows
members; the contacts, deals, links and sync history stay."""

from __future__ import annotations

from django.test import Client, override_settings
from django.urls import reverse

from mailtrixy.integrations.models import Connection, SyncRun
from mailtrixy.integrations.salesforce.models import ContactLink
from tests.factories import Team
from tests.integrations.salesforce.conftest import SfOrg
from tests.integrations.salesforce.sync_helpers import create_contact, sync

DISCONNECT = "salesforce:disconnect"
SETTINGS = "integrations:member_settings"


def test_disconnect_asks_for_confirmation_and_says_what_it_does(
    admin_client_: Client, connected: Connection
) -> None:
    settings_page = admin_client_.get(reverse(SETTINGS)).content.decode()
    assert f'href="{reverse(DISCONNECT)}">Disconnect…</a>' in settings_page
    response = admin_client_.get(reverse(DISCONNECT))
    page = response.content.decode()
    assert response.status_code == 200 and "Disconnect Salesforce?" in page
    assert "revokes MailTrixy's access at Salesforce" in page
    assert "stops syncing" in page
    assert "keeps every contact and deal in MailTrixy, with their links" in page
    assert "keeps the sync history" in page
    assert ">Disconnect Salesforce</button>" in page
    assert Connection.objects.filter(pk=connected.pk).exists()  # asking changes nothing


def test_an_agent_may_not_disconnect_by_default(
    agent_client: Client, connected: Connection
) -> None:
    settings_page = agent_client.get(reverse(SETTINGS)).content.decode()
    assert reverse(DISCONNECT) not in settings_page
    for response in (agent_client.get(reverse(DISCONNECT)), agent_client.post(reverse(DISCONNECT))):
        assert response.status_code == 403
        assert b"Only workspace admins can disconnect Salesforce." in response.content
    assert Connection.objects.filter(pk=connected.pk).exists()


@override_settings(SALESFORCE_MEMBERS_MAY_DISCONNECT=True)
def test_members_may_disconnect_where_the_installation_allows_it(
    agent_client: Client, connected: Connection, sf_org: SfOrg
) -> None:
    assert reverse(DISCONNECT) in agent_client.get(reverse(SETTINGS)).content.decode()
    response = agent_client.post(reverse(DISCONNECT), follow=True)
    assert b"Disconnected Salesforce and revoked MailTrixy" in response.content
    assert not Connection.objects.filter(pk=connected.pk).exists()
    assert sf_org.control.is_revoked(sf_org.org_id, connected.refresh_token)


def test_sync_history_stays_visible_after_disconnecting(
    admin_client_: Client, connected: Connection, team: Team
) -> None:
    run = SyncRun.objects.create(
        workspace=team.workspace, provider="salesforce", reason="manual", status="succeeded"
    )
    admin_client_.post(reverse(DISCONNECT))
    page = admin_client_.get(reverse(SETTINGS)).content.decode()
    assert "Not connected." in page
    assert "Recent syncs" in page and f"<td>{run.pk}</td>" in page


def test_disconnecting_keeps_contacts_and_their_links(
    admin_client_: Client, connected: Connection, sf_org: SfOrg, team: Team
) -> None:
    create_contact(sf_org, FirstName="Ada", LastName="Byron", Email="ada@example.com")
    sync(connected)
    links = ContactLink.objects.filter(workspace=team.workspace).count()
    assert links >= 1
    admin_client_.post(reverse(DISCONNECT))
    assert ContactLink.objects.filter(workspace=team.workspace).count() == links


def test_retry_after_disconnecting_says_to_connect_first(
    admin_client_: Client, connected: Connection, team: Team
) -> None:
    admin_client_.post(reverse(DISCONNECT))
    response = admin_client_.post(reverse("salesforce:retry"), follow=True)
    assert b"Salesforce is not connected: connect it first, then retry." in response.content
    assert not SyncRun.objects.filter(workspace=team.workspace, status="queued").exists()
