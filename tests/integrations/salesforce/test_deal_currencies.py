"""A deal's currency is chosen from the org's currencies, and refused at the form otherwise."""

from __future__ import annotations

from django.test import Client
from django.urls import reverse

from mailtrixy.inbox.models import Deal
from mailtrixy.integrations.models import Connection
from salesforce_emulator.testing import EmulatorServer
from tests.factories import Team
from tests.integrations.salesforce.conftest import connect, make_org
from tests.integrations.salesforce.sync_helpers import sync


def _new_deal(client: Client, team: Team, currency: str) -> str:
    form = {
        "name": "Renewal",
        "amount": "100",
        "currency": currency,
        "stage": team.stage("Lead").pk,
    }
    return client.post(reverse("inbox:deal_new"), form, follow=True).content.decode()


def test_a_usd_only_org_refuses_a_eur_deal_at_the_form_in_a_sentence(
    connected: Connection, team: Team, agent_client: Client
) -> None:
    sync(connected)  # reads the org's currencies
    form = agent_client.get(reverse("inbox:deal_new")).content.decode()
    assert '<select name="currency"' in form
    assert '<option value="USD" selected>USD</option>' in form and "EUR" not in form
    page = _new_deal(agent_client, team, "EUR")
    assert (
        "Salesforce takes deals only in USD, not EUR. Choose USD, or ask your Salesforce admin "
        "to turn on EUR there."
    ) in page
    assert not Deal.objects.filter(workspace=team.workspace).exists()
    _new_deal(agent_client, team, "USD")
    assert Deal.objects.get(workspace=team.workspace).currency == "USD"


def test_a_multi_currency_org_offers_its_active_currencies_corporate_first(
    team: Team, emulator: EmulatorServer, agent_client: Client
) -> None:
    sf = make_org(emulator, multi_currency=True, currency="EUR", currencies=["USD", "EUR"])
    sync(connect(team, sf))
    form = agent_client.get(reverse("inbox:deal_new")).content.decode()
    assert form.index('<option value="EUR" selected>EUR</option>') < form.index(
        '<option value="USD">USD</option>'
    )
    assert "Salesforce takes deals only in EUR or USD, not GBP." in _new_deal(
        agent_client, team, "GBP"
    )
    _new_deal(agent_client, team, "USD")
    assert Deal.objects.get(workspace=team.workspace).currency == "USD"


def test_before_the_first_sync_reads_the_org_the_form_sets_no_limit(
    connected: Connection, team: Team, agent_client: Client
) -> None:
    assert (
        '<select name="currency"'
        not in agent_client.get(reverse("inbox:deal_new")).content.decode()
    )
    _new_deal(agent_client, team, "eur")
    assert Deal.objects.get(workspace=team.workspace).currency == "EUR"  # the sync reports it
