"""Seeders: deterministic by seed, valid records, the demo org's shape, and the demo emails."""

from __future__ import annotations

import re
from datetime import UTC, datetime

from salesforce_emulator.seed import demo_contact_emails, seed_demo_org, seed_org
from salesforce_emulator.store import Org

NOW = datetime(2024, 6, 1, 9, 0, tzinfo=UTC)


def new_org(**kw: object) -> Org:
    return Org.create(None, clock=lambda: NOW, **kw)  # type: ignore[arg-type]


def dump(org: Org, soql: str) -> list[dict]:
    cursor = org.query(soql)
    return cursor.fetch(cursor.total_size)


def test_seed_org_writes_what_it_says() -> None:
    org = new_org()
    counts = seed_org(org, contacts=500, accounts=20, opportunities_per_account=3, seed=1)
    assert counts == {"accounts": 20, "contacts": 500, "opportunities": 60}
    assert org.count("Contact") == 500 and org.count("Account") == 20
    assert org.count("Opportunity") == 60


def test_same_seed_same_ids_and_data() -> None:
    soql = "SELECT Id, Name, Email, Title, AccountId, CreatedDate FROM Contact ORDER BY Id"
    first, second, other = new_org(), new_org(), new_org()
    for org, seed in ((first, 5), (second, 5), (other, 6)):
        seed_org(org, contacts=200, accounts=10, seed=seed)
    assert dump(first, soql) == dump(second, soql)
    assert dump(first, soql) != dump(other, soql)


def test_seeded_records_look_like_api_written_ones() -> None:
    org = new_org(multi_currency=True)
    seed_org(org, contacts=50, accounts=5, opportunities_per_account=4, seed=2)
    contact = dump(org, "SELECT Id FROM Contact LIMIT 1")[0]
    record = org.get("Contact", contact["Id"])
    assert record["Name"] == f"{record['FirstName']} {record['LastName']}"
    assert re.fullmatch(r"[a-z0-9.]+@[a-z0-9-]+\.(example|com)", record["Email"])
    assert record["CurrencyIsoCode"] == "USD"
    for opportunity in dump(org, "SELECT StageName, IsWon, IsClosed, Probability FROM Opportunity"):
        stage = {s.api_name: s for s in org.stages()}[opportunity["StageName"]]
        assert (opportunity["IsWon"], opportunity["IsClosed"]) == (stage.is_won, stage.is_closed)
        assert opportunity["Probability"] == stage.default_probability


def test_writes_after_seeding_get_later_modstamps() -> None:
    org = new_org()
    seed_org(org, contacts=100, seed=3)
    latest = dump(org, "SELECT SystemModstamp FROM Contact ORDER BY SystemModstamp DESC LIMIT 1")
    new = org.insert("Contact", {"LastName": "After"})
    assert org.get("Contact", new)["SystemModstamp"] > latest[0]["SystemModstamp"]
    stamps = [r["SystemModstamp"] for r in dump(org, "SELECT SystemModstamp FROM Contact")]
    assert len(set(stamps)) == len(stamps)


def test_the_demo_org() -> None:
    org = new_org()
    counts = seed_demo_org(org)
    assert counts["accounts"] == 10 and counts["contacts"] == 60
    per_account = dump(org, "SELECT Name, (SELECT Id FROM Opportunities), "
                            "(SELECT Title, LeadSource FROM Contacts) FROM Account")  # fmt: skip
    for account in per_account:
        assert 3 <= account["Opportunities"]["totalSize"] <= 8
        assert all(c["Title"] and c["LeadSource"] for c in account["Contacts"]["records"])
    stages = {r["StageName"] for r in dump(org, "SELECT StageName FROM Opportunity")}
    assert len(stages) >= 5
    assert org.count("OpportunityContactRole") == 2 * counts["opportunities"]


def test_the_demo_org_is_seeded_once_and_identically() -> None:
    first, second = new_org(), new_org()
    seed_demo_org(first)
    seed_demo_org(second)
    assert seed_demo_org(first) == {"accounts": 0, "contacts": 0, "opportunities": 0}
    soql = "SELECT Id, Name, Email, Title FROM Contact ORDER BY Id"
    assert dump(first, soql) == dump(second, soql)


def test_demo_contact_emails_are_firstname_lastname_at_company() -> None:
    org = new_org()
    seed_demo_org(org)
    emails = demo_contact_emails(org)
    assert len(emails) == 60 and len(set(emails)) == 60
    assert all(re.fullmatch(r"[a-z]+\.[a-z]+[0-9]*@[a-z-]+\.example", e) for e in emails)
    for email in emails[:8]:
        found = dump(org, f"SELECT FirstName, LastName FROM Contact WHERE Email = '{email}'")[0]
        assert email.startswith(f"{found['FirstName'].lower()}.{found['LastName'].lower()}")
