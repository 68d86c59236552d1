"""Queries use indexes: an email lookup in a big org is an index search, not a table scan.

The org gets ~200,000 contacts through one executemany (the seeder's path), then the query plan
of the compiled SQL is read with EXPLAIN QUERY PLAN — no wall-clock assertion.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from salesforce_emulator.soql.compile import Compiler
from salesforce_emulator.soql.parser import parse
from salesforce_emulator.store import Org

CONTACTS = 200_000


@pytest.fixture(scope="module")
def big_org() -> Iterator[Org]:
    org = Org.create(None)
    ids = org.reserve_ids("Contact", CONTACTS)
    stamp = org.now_ms()
    admin = org.admin_user_id
    with org.transaction():
        org.connection.executemany(
            'INSERT INTO "Contact" (Id, LastName, Name, Email, OwnerId, IsDeleted, CreatedDate, '
            "CreatedById, LastModifiedDate, LastModifiedById, SystemModstamp) "
            "VALUES (?, ?, ?, ?, ?, 0, ?, ?, ?, ?, ?)",
            (
                (
                    cid,
                    f"Last{i}",
                    f"Last{i}",
                    f"person{i}@example.com",
                    admin,
                    stamp,
                    admin,
                    stamp,
                    admin,
                    stamp + i,
                )
                for i, cid in enumerate(ids)
            ),
        )
        org.connection.execute("ANALYZE")
    yield org
    org.close()


def plan_of(org: Org, soql: str) -> str:
    plan = Compiler(org.schema, org.clock().date()).compile(parse(soql))
    rows = org.connection.execute(
        "EXPLAIN QUERY PLAN " + plan.snapshot_sql, plan.snapshot_params
    ).fetchall()
    return "\n".join(str(r[-1]) for r in rows)


def test_email_lookup_uses_the_email_index(big_org: Org) -> None:
    soql = "SELECT Id, Name FROM Contact WHERE Email = 'PERSON123456@example.com'"
    plan = plan_of(big_org, soql)
    assert "USING INDEX ix_Contact_Email" in plan, plan
    assert "SCAN" not in plan.replace("SCAN CONSTANT ROW", ""), plan
    cursor = big_org.query(soql)
    assert [r["Name"] for r in cursor.fetch(10)] == ["Last123456"]


def test_email_in_list_uses_the_email_index(big_org: Org) -> None:
    plan = plan_of(
        big_org, "SELECT Id FROM Contact WHERE Email IN ('a@b.c', 'person1@example.com')"
    )
    assert "USING INDEX ix_Contact_Email" in plan, plan


def test_incremental_sync_query_uses_the_modstamp_index(big_org: Org) -> None:
    soql = ("SELECT Id FROM Contact WHERE SystemModstamp > 2020-01-01T00:00:00Z "
            "ORDER BY SystemModstamp, Id LIMIT 200")  # fmt: skip
    plan = plan_of(big_org, soql)
    assert "ix_Contact_SystemModstamp_Id" in plan, plan
    assert "TEMP B-TREE" not in plan, plan


def test_a_big_result_is_counted_without_loading_the_rows(big_org: Org) -> None:
    cursor = big_org.query("SELECT Id, Email FROM Contact")
    assert cursor.total_size == CONTACTS
    assert len(cursor.fetch(2000)) == 2000 and not cursor.done
