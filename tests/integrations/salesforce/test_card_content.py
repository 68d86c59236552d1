"""What the Salesforce card shows, read from an emulator org over HTTP."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.test import Client

from mailtrixy.inbox.providers import card_subject
from mailtrixy.integrations.models import Connection
from mailtrixy.integrations.salesforce.card import card_for
from mailtrixy.integrations.salesforce.card.model import CardOpportunity
from salesforce_emulator.testing import EmulatorServer
from tests.factories import Team, make_contact
from tests.integrations.salesforce.card_support import (
    clear_cache,
    create,
    seed_customer,
    view_card,
)
from tests.integrations.salesforce.conftest import SfOrg, connect, make_org


def test_card_shows_account_title_lead_source_and_five_most_recent_opportunities(
    team: Team, sf_org: SfOrg, connected: Connection
) -> None:
    seeded = seed_customer(sf_org, "jane@globex.example", opportunities=6)
    contact = make_contact(team.workspace, "jane@globex.example")

    shown = card_for(card_subject(contact))

    assert shown is not None
    card = shown.card
    assert card.contact_id == seeded.contact_id
    assert card.account_name == "Globex Corporation"
    assert (card.title, card.lead_source) == ("VP Operations", "Web")
    # Close dates Jan..Jun 2024: the newest five, latest first; "Deal 1" (January) is left out.
    assert [o.name for o in card.opportunities] == [f"Deal {n}" for n in (6, 5, 4, 3, 2)]
    assert [o.outcome for o in card.opportunities] == ["won", "won", "open", "open", "lost"]
    assert [o.amount_text for o in card.opportunities] == [
        "USD 6,000.00",
        "USD 5,000.00",
        "USD 4,000.00",
        "USD 3,000.00",
        "—",
    ]
    assert shown.record_url == f"{sf_org.url}/lightning/r/Contact/{seeded.contact_id}/view"


def test_card_html_has_pills_amounts_and_open_in_salesforce_link(
    team: Team, sf_org: SfOrg, connected: Connection, agent_client: Client
) -> None:
    seeded = seed_customer(sf_org, "jane@globex.example", opportunities=3)
    contact = make_contact(team.workspace, "jane@globex.example")

    html = view_card(agent_client, contact)

    assert 'data-card="salesforce"' in html
    assert "Globex Corporation" in html and "VP Operations" in html and "Web" in html
    assert html.count('class="pill pill-won"') == 1
    assert html.count('class="pill pill-lost"') == 1
    assert html.count('class="pill pill-open"') == 1
    assert "USD 3,000.00" in html and "—" in html
    link = f'href="{sf_org.url}/lightning/r/Contact/{seeded.contact_id}/view"'
    assert link in html and "Open in Salesforce" in html


def test_card_matches_email_ignoring_case(team: Team, sf_org: SfOrg, connected: Connection) -> None:
    seeded = seed_customer(sf_org, "Jane.Doe@Globex.Example", opportunities=0)
    contact = make_contact(team.workspace, "  jane.doe@GLOBEX.example ")

    shown = card_for(card_subject(contact))

    assert shown is not None and shown.card.contact_id == seeded.contact_id
    assert shown.card.opportunities == ()


def test_contact_without_account_shows_contact_fields_and_no_opportunities(
    team: Team, sf_org: SfOrg, connected: Connection, agent_client: Client
) -> None:
    contact_id = create(
        sf_org, "Contact", LastName="Solo", Email="solo@example.com", Title="Founder"
    )
    contact = make_contact(team.workspace, "solo@example.com")

    shown = card_for(card_subject(contact))
    html = view_card(agent_client, contact)

    assert shown is not None
    assert shown.card.contact_id == contact_id
    assert (shown.card.account_name, shown.card.title) == ("", "Founder")
    assert shown.card.opportunities == ()
    assert "Founder" in html and "Opportunities" not in html
    assert sf_org.counters()["api_requests_total"] == 1  # one lookup, and not an error


def test_title_and_lead_source_are_left_out_when_empty(
    team: Team, sf_org: SfOrg, connected: Connection, agent_client: Client
) -> None:
    seed_customer(sf_org, "plain@example.com", opportunities=1, Title=None, LeadSource=None)
    contact = make_contact(team.workspace, "plain@example.com")

    html = view_card(agent_client, contact)

    assert "Globex Corporation" in html
    assert "Title" not in html and "Lead source" not in html


def test_several_contacts_with_the_email_choose_the_most_recently_modified(
    team: Team, sf_org: SfOrg, connected: Connection
) -> None:
    first = create(sf_org, "Contact", LastName="Older", Email="twin@example.com")
    second = create(sf_org, "Contact", LastName="Newer", Email="twin@example.com")
    contact = make_contact(team.workspace, "twin@example.com")

    shown = card_for(card_subject(contact))
    assert shown is not None and shown.card.contact_id == second

    # Editing the older one makes it the most recently modified: it wins after the cache.
    assert sf_org.rest("PATCH", f"sobjects/Contact/{first}", json={"Title": "CTO"}).is_success
    clear_cache()
    shown = card_for(card_subject(contact))
    assert shown is not None and shown.card.contact_id == first


def test_multi_currency_org_shows_each_opportunity_in_its_own_currency(
    team: Team, emulator: EmulatorServer
) -> None:
    sf = make_org(emulator, multi_currency=True, currency="USD", currencies=["USD", "EUR", "JPY"])
    connect(team, sf)
    account_id = create(sf, "Account", Name="Initech")
    create(sf, "Contact", LastName="Lumbergh", Email="bill@initech.example", AccountId=account_id)
    for name, currency, amount, close in [
        ("Euro deal", "EUR", 1500.5, "2024-03-01"),
        ("Yen deal", "JPY", 250000, "2024-02-01"),
        ("Dollar deal", "USD", 99, "2024-01-01"),
    ]:
        create(
            sf, "Opportunity", Name=name, StageName="Prospecting", CloseDate=close,
            AccountId=account_id, Amount=amount, CurrencyIsoCode=currency,
        )  # fmt: skip
    contact = make_contact(team.workspace, "bill@initech.example")

    shown = card_for(card_subject(contact))

    assert shown is not None
    assert [o.amount_text for o in shown.card.opportunities] == [
        "EUR 1,500.50",
        "JPY 250,000.00",
        "USD 99.00",
    ]
    # Learning that the org is multi-currency costs one more request, once; then one a lookup.
    assert sf.api_calls() == 2
    sf.control.reset_counters(sf.org_id)
    other = make_contact(team.workspace, "nobody@initech.example")
    assert card_for(card_subject(other)) is None
    assert sf.api_calls() == 1


def test_single_currency_org_shows_the_org_default_currency(
    team: Team, emulator: EmulatorServer
) -> None:
    sf = make_org(emulator, currency="EUR")
    connect(team, sf)
    seed_customer(sf, "hans@example.de", opportunities=1)
    contact = make_contact(team.workspace, "hans@example.de")

    shown = card_for(card_subject(contact))

    assert shown is not None
    assert [o.amount_text for o in shown.card.opportunities] == ["EUR 1,000.00"]
    assert sf.api_calls() == 1


@pytest.mark.parametrize(
    ("stage", "is_closed", "is_won", "pill"),
    [
        ("Closed Won", True, True, "won"),
        ("Closed Lost", True, False, "lost"),
        ("Prospecting", False, False, "open"),
        # A custom stage whose name says one thing: only IsClosed/IsWon count.
        ("Won (pending paperwork)", False, False, "open"),
        ("Closed Won", False, False, "open"),
        ("Signed", True, True, "won"),
        ("Dead", True, False, "lost"),
    ],
)
def test_pill_comes_from_is_won_and_is_closed_never_from_the_stage_name(
    stage: str, is_closed: bool, is_won: bool, pill: str
) -> None:
    opportunity = CardOpportunity(
        id="006000000000001AAA", name="X", stage=stage, amount=Decimal("1"), currency="USD",
        is_closed=is_closed, is_won=is_won,
    )  # fmt: skip
    assert opportunity.outcome == pill
