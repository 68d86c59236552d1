"""Arbitrary email strings through the card lookup, against the emulator's real SOQL parser.

Never a malformed query (the email enters SOQL only through soql.quote, and the URL only
percent-encoded), and never a card for a different contact (exact match, ignoring case).
"""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from mailtrixy.integrations.models import Connection
from mailtrixy.integrations.salesforce.card.lookup import lookup
from mailtrixy.integrations.salesforce.card.model import OrgFacts
from mailtrixy.integrations.salesforce.client import SalesforceClient
from tests.integrations.salesforce.conftest import SfOrg

TRICKY_EMAILS = [
    "o'brien@example.com",
    "back\\slash@example.com",
    "per%cent@example.com",
    "under_score@example.com",
    '"quoted"@example.com',
    "x@{contact.records[0].Id}",
    "jürgen@bücher.example",
    "' OR Email != '@example.com",
    "a@b.com' OR Name LIKE '%",
    "select@from.where",
    "null@null.null",
    "tab\there@example.com",
]
FRAGMENTS = [
    "'", "\\", "%", "_", '"', "\n", "\r", "\t", "\x00", "\x7f", "@", "{", "}", "(", ")", "*",
    "@{contact.records[0].AccountId}", " OR ", " AND ", "SELECT", "FROM", "WHERE", "LIKE",
    "LIMIT", "null", "ü", "É", "日本", "🙂", "\\'", "\\u0027", "example.com", "o'brien",
]  # fmt: skip
emails = st.one_of(
    st.text(max_size=60),
    st.lists(st.sampled_from(FRAGMENTS), max_size=8).map("".join),
    st.sampled_from(TRICKY_EMAILS),
    st.sampled_from(TRICKY_EMAILS).map(str.upper),
    st.sampled_from(TRICKY_EMAILS).map(lambda e: e + "x"),
    st.sampled_from(TRICKY_EMAILS).map(lambda e: e[1:]),
)


@pytest.fixture
def seeded(sf_org: SfOrg) -> dict[str, str]:
    """Contacts whose emails are the tricky ones (lower-cased email → Contact Id)."""
    ids = {}
    for n, email in enumerate(TRICKY_EMAILS):
        body = {"LastName": f"Tricky {n}", "Email": email}
        response = sf_org.rest("POST", "sobjects/Contact", json=body)
        if response.status_code == 201:
            ids[email.lower()] = str(response.json()["id"])
        else:  # Salesforce refuses some addresses; they stay lookups that must match nothing
            assert response.json()[0]["errorCode"] == "INVALID_EMAIL_ADDRESS"
    assert {"o'brien@example.com", "per%cent@example.com", "under_score@example.com"} <= set(ids)
    print("seeded:", sorted(ids))
    return ids


def test_arbitrary_emails_never_make_a_malformed_query_or_match_another_contact(
    sf_org: SfOrg, connected: Connection, seeded: dict[str, str]
) -> None:
    client = SalesforceClient(connected, timeout=10)
    facts = OrgFacts(multi_currency=False, default_currency="USD")

    @settings(
        max_examples=200,
        deadline=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )
    @given(email=emails)
    @example(email="")
    @example(email="O'BRIEN@EXAMPLE.COM")
    def check(email: str) -> None:
        wanted = email.lower()
        result = lookup(client, wanted, org_id=connected.external_org_id, facts=facts)
        if wanted in seeded:
            assert result.card is not None, wanted
            assert result.card.contact_id == seeded[wanted]
        else:
            assert result.card is None, (wanted, result.card)

    check()
    assert sf_org.counters()["api_requests"] == {"composite": sf_org.api_calls()}
