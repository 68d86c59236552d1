from __future__ import annotations

import pytest
from django.test import Client, override_settings
from django.urls import reverse

from tests.factories import PASSWORD, Team, make_contact, make_conversation, make_deal


def test_member_gets_404_for_another_workspaces_conversation(
    agent_client: Client, other_team: Team
) -> None:
    theirs = make_conversation(make_contact(other_team.workspace))
    response = agent_client.get(reverse("inbox:conversation", args=[theirs.pk]))
    assert response.status_code == 404


@pytest.mark.parametrize("route", ["inbox:contact", "inbox:contact_edit"])
def test_member_gets_404_for_another_workspaces_contact(
    agent_client: Client, other_team: Team, route: str
) -> None:
    theirs = make_contact(other_team.workspace)
    assert agent_client.get(reverse(route, args=[theirs.pk])).status_code == 404


def test_member_cannot_edit_or_delete_another_workspaces_deal(
    agent_client: Client, other_team: Team
) -> None:
    deal = make_deal(other_team)
    assert agent_client.get(reverse("inbox:deal_edit", args=[deal.pk])).status_code == 404
    assert agent_client.post(reverse("inbox:deal_delete", args=[deal.pk])).status_code == 404
    deal.refresh_from_db()


def test_lists_show_only_the_members_workspace(
    agent_client: Client, team: Team, other_team: Team
) -> None:
    make_conversation(make_contact(team.workspace, "ours@example.com"), subject="Our question")
    make_conversation(make_contact(other_team.workspace, "theirs@example.com"), subject="Secret")
    inbox = agent_client.get(reverse("inbox:conversations")).content.decode()
    contacts = agent_client.get(reverse("inbox:contacts")).content.decode()
    assert "Our question" in inbox and "Secret" not in inbox
    assert "ours@example.com" in contacts and "theirs@example.com" not in contacts


def test_agent_gets_403_on_admin_integrations(agent_client: Client) -> None:
    response = agent_client.get(reverse("integrations:admin_settings"))
    assert response.status_code == 403
    assert b"Only workspace admins" in response.content


@override_settings(MAILTRIXY_INTEGRATIONS=[])
def test_admin_integrations_shows_empty_state_without_integrations(admin_client_: Client) -> None:
    response = admin_client_.get(reverse("integrations:admin_settings"))
    assert response.status_code == 200
    assert b"No integrations are available yet." in response.content


@override_settings(MAILTRIXY_INTEGRATIONS=[])
def test_member_integrations_shows_empty_state_without_integrations(agent_client: Client) -> None:
    response = agent_client.get(reverse("integrations:member_settings"))
    assert response.status_code == 200
    assert b"No integrations are available yet." in response.content


def test_admin_and_member_integrations_list_salesforce(
    admin_client_: Client, agent_client: Client
) -> None:
    for client, url in [
        (admin_client_, reverse("integrations:admin_settings")),
        (agent_client, reverse("integrations:member_settings")),
    ]:
        response = client.get(url)
        assert response.status_code == 200
        assert b'data-integration="salesforce"' in response.content


def test_anonymous_visitor_is_sent_to_login(client: Client, db: None) -> None:
    response = client.get(reverse("inbox:conversations"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_login_and_logout_with_djangos_auth(client: Client, team: Team) -> None:
    response = client.post(
        reverse("login"), {"username": team.agent.user.username, "password": PASSWORD}
    )
    assert response.status_code == 302
    assert client.get(reverse("inbox:conversations")).status_code == 200
    client.post(reverse("logout"))
    assert client.get(reverse("inbox:conversations")).status_code == 302


def test_wrong_password_says_so(client: Client, team: Team) -> None:
    response = client.post(
        reverse("login"), {"username": team.agent.user.username, "password": "nope"}
    )
    assert response.status_code == 200
    assert b"didn't match" in response.content
