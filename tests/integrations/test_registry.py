from __future__ import annotations

import pytest
from django.test import Client, override_settings
from django.urls import NoReverseMatch, reverse

from mailtrixy.integrations import registry
from tests.factories import Team, make_contact, make_conversation

FAKES = "tests.integrations.fakes."
ALL = [
    FAKES + "FakeSalesforce",
    FAKES + "FakeStripe",
    FAKES + "FakeHubSpot",
    FAKES + "FakeNoCard",
    FAKES + "FakeBroken",
    FAKES + "FakeNoMatch",
]


@override_settings(MAILTRIXY_INTEGRATIONS=ALL)
def test_cards_follow_the_stated_order() -> None:
    keys = [p.key for p in registry.card_providers()]
    assert keys == ["broken", "hubspot", "stripe", "salesforce", "nomatch"]


@override_settings(MAILTRIXY_INTEGRATIONS=[FAKES + "FakeSalesforce", FAKES + "FakeSalesforce"])
def test_two_providers_with_one_key_are_refused() -> None:
    with pytest.raises(ValueError, match="share the key"):
        registry.providers()


@override_settings(MAILTRIXY_INTEGRATIONS=ALL)
def test_conversation_page_puts_contact_card_first_then_provider_slots(
    agent_client: Client, team: Team
) -> None:
    convo = make_conversation(make_contact(team.workspace))
    page = agent_client.get(reverse("inbox:conversation", args=[convo.pk])).content.decode()
    positions = [
        page.index(f'data-card="{k}"')
        for k in ["contact", "broken", "hubspot", "stripe", "salesforce", "nomatch"]
    ]
    assert positions == sorted(positions)
    assert 'data-card="nocard"' not in page


@override_settings(MAILTRIXY_INTEGRATIONS=ALL)
def test_card_endpoint_renders_a_providers_card(agent_client: Client, team: Team) -> None:
    contact = make_contact(team.workspace, "jane@example.com")
    response = agent_client.get(reverse("inbox:card", args=["salesforce", contact.pk]))
    assert response.status_code == 200
    assert b"jane@example.com" in response.content


@override_settings(MAILTRIXY_INTEGRATIONS=ALL)
def test_a_failing_card_is_hidden_not_an_error(agent_client: Client, team: Team) -> None:
    contact = make_contact(team.workspace)
    response = agent_client.get(reverse("inbox:card", args=["broken", contact.pk]))
    assert response.status_code == 200
    assert response.content == b""


@override_settings(MAILTRIXY_INTEGRATIONS=ALL)
def test_card_of_another_workspaces_contact_is_404(agent_client: Client, other_team: Team) -> None:
    theirs = make_contact(other_team.workspace)
    response = agent_client.get(reverse("inbox:card", args=["salesforce", theirs.pk]))
    assert response.status_code == 404


@override_settings(MAILTRIXY_INTEGRATIONS=ALL)
def test_unknown_or_cardless_provider_is_404(agent_client: Client, team: Team) -> None:
    contact = make_contact(team.workspace)
    for key in ["nope", "nocard"]:
        response = agent_client.get(reverse("inbox:card", args=[key, contact.pk]))
        assert response.status_code == 404


@override_settings(MAILTRIXY_INTEGRATIONS=ALL)
def test_settings_pages_show_each_providers_section(
    agent_client: Client, admin_client_: Client
) -> None:
    member_page = agent_client.get(reverse("integrations:member_settings")).content.decode()
    admin_page = admin_client_.get(reverse("integrations:admin_settings")).content.decode()
    assert member_page.count("Member section") == len(ALL)
    assert admin_page.count("Admin section") == len(ALL)


def test_provider_urls_follow_the_registry_whichever_test_resolved_first() -> None:
    with override_settings(MAILTRIXY_INTEGRATIONS=[]):
        assert reverse("inbox:conversations") == "/"
        with pytest.raises(NoReverseMatch):
            reverse("salesforce:connect")
    assert reverse("salesforce:connect") == "/integrations/salesforce/connect/"
