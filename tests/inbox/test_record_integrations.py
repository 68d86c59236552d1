"""Contact and deal pages show what integrations say of a record, through the registry only."""

from __future__ import annotations

import pytest
from django.test import Client, override_settings
from django.urls import reverse

from mailtrixy.inbox.models import Deal
from tests.factories import Team, make_contact, make_conversation, make_deal

FAKES = "tests.integrations.fakes."
LINKED = [FAKES + "FakeLinked"]


def _deal_form(team: Team, currency: str) -> dict[str, object]:
    return {
        "name": "Big renewal",
        "amount": "5000",
        "currency": currency,
        "stage": team.stage("Proposal").pk,
    }


@override_settings(MAILTRIXY_INTEGRATIONS=LINKED)
def test_contact_list_and_page_say_whether_each_is_linked_with_a_link_to_open_it(
    agent_client: Client, team: Team
) -> None:
    contact = make_contact(team.workspace)
    listing = agent_client.get(reverse("inbox:contacts")).content.decode()
    assert "<th>Linked CRM</th>" in listing
    assert f'href="https://crm.example/contact/{contact.pk}"' in listing
    assert "Open in Linked CRM" in listing
    page = agent_client.get(reverse("inbox:contact", args=[contact.pk])).content.decode()
    assert f'href="https://crm.example/contact/{contact.pk}"' in page
    assert f"Linked CRM section for contact {contact.pk}" in page


@override_settings(MAILTRIXY_INTEGRATIONS=LINKED)
def test_deal_list_and_page_say_whether_each_is_linked_with_a_link_to_open_it(
    agent_client: Client, team: Team
) -> None:
    deal = make_deal(team)
    listing = agent_client.get(reverse("inbox:deals")).content.decode()
    assert f'href="https://crm.example/deal/{deal.pk}"' in listing
    page = agent_client.get(reverse("inbox:deal_edit", args=[deal.pk])).content.decode()
    assert f'href="https://crm.example/deal/{deal.pk}"' in page
    assert f"Linked CRM section for deal {deal.pk}" in page


@override_settings(MAILTRIXY_INTEGRATIONS=LINKED)
def test_deal_currency_is_chosen_from_the_integrations_currencies(
    agent_client: Client, team: Team
) -> None:
    page = agent_client.get(reverse("inbox:deal_new")).content.decode()
    assert '<select name="currency"' in page
    assert '<option value="GBP">GBP</option>' in page
    assert '<option value="EUR"' not in page
    response = agent_client.post(reverse("inbox:deal_new"), _deal_form(team, "EUR"))
    assert response.status_code == 200
    assert (
        "Linked CRM takes deals only in USD or GBP, not EUR. Choose one of them, or ask your "
        "Linked CRM admin to turn on EUR there."
    ) in response.content.decode()
    assert not Deal.objects.filter(workspace=team.workspace).exists()
    agent_client.post(reverse("inbox:deal_new"), _deal_form(team, "GBP"))
    assert Deal.objects.get(workspace=team.workspace).currency == "GBP"


@override_settings(MAILTRIXY_INTEGRATIONS=LINKED)
def test_a_deal_already_in_another_currency_shows_it_and_must_change_it_to_save(
    agent_client: Client, team: Team
) -> None:
    deal = make_deal(team)
    Deal.objects.filter(pk=deal.pk).update(currency="EUR")
    page = agent_client.get(reverse("inbox:deal_edit", args=[deal.pk])).content.decode()
    assert '<option value="EUR" selected>EUR</option>' in page
    response = agent_client.post(
        reverse("inbox:deal_edit", args=[deal.pk]), _deal_form(team, "EUR")
    )
    assert "takes deals only in USD or GBP, not EUR" in response.content.decode()
    deal.refresh_from_db()
    assert deal.name == "Annual plan"


@pytest.mark.parametrize(
    "integrations", [[], [FAKES + "FakeBrokenRecords"]], ids=["none", "failing"]
)
def test_every_inbox_page_renders_without_a_working_integration(
    agent_client: Client, team: Team, integrations: list[str]
) -> None:
    contact = make_contact(team.workspace)
    deal = make_deal(team, contact=contact)
    convo = make_conversation(contact)
    with override_settings(MAILTRIXY_INTEGRATIONS=integrations):
        for url in [
            reverse("inbox:conversations"),
            reverse("inbox:conversation", args=[convo.pk]),
            reverse("inbox:contacts"),
            reverse("inbox:contacts") + "?archived=1",
            reverse("inbox:contact", args=[contact.pk]),
            reverse("inbox:contact_new"),
            reverse("inbox:contact_edit", args=[contact.pk]),
            reverse("inbox:deals"),
            reverse("inbox:deal_new"),
            reverse("inbox:deal_edit", args=[deal.pk]),
            reverse("inbox:deal_delete", args=[deal.pk]),
        ]:
            page = agent_client.get(url)
            assert page.status_code == 200, url
            assert "Linked" not in page.content.decode(), url
        # Without a limit the currency is typed, as before integrations could limit it.
        agent_client.post(reverse("inbox:deal_new"), _deal_form(team, "eur"))
    assert Deal.objects.filter(workspace=team.workspace, currency="EUR").exists()
