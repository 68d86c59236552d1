"""SOQL, one construct at a time: parsing, errors, filters, ordering, paging and result shape."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from salesforce_emulator.errors import SalesforceError
from salesforce_emulator.soql import ast
from salesforce_emulator.soql.parser import parse
from salesforce_emulator.store import Org

NOW = datetime(2024, 3, 13, 15, 30, tzinfo=UTC)


class Clock:
    def __init__(self) -> None:
        self.now = NOW

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def org(clock: Clock) -> Iterator[Org]:
    """Two accounts, four contacts (one without account), three opportunities."""
    created = Org.create(None, clock=clock)
    acme = created.insert("Account", {"Name": "Acme", "Industry": "Banking"})
    globex = created.insert("Account", {"Name": "Globex"})
    created.insert(
        "Contact",
        {
            "FirstName": "Jane",
            "LastName": "Doe",
            "Email": "Jane.Doe@Acme.example",
            "AccountId": acme,
            "Title": "CEO",
        },
    )
    created.insert(
        "Contact",
        {"FirstName": "john", "LastName": "Smith", "Email": "john@acme.example", "AccountId": acme},
    )
    created.insert(
        "Contact",
        {
            "LastName": "O'Brien",
            "Email": "ob@globex.example",
            "AccountId": globex,
            "Title": "50% off_sales",
        },
    )
    created.insert("Contact", {"FirstName": "Zed", "LastName": "Alone"})
    for name, stage, amount, close in [
        ("Acme big", "Closed Won", 5000, "2024-03-01"),
        ("Acme small", "Prospecting", 100, "2024-03-20"),
        ("Globex deal", "Closed Lost", None, "2023-12-31"),
    ]:
        account = acme if name.startswith("Acme") else globex
        created.insert("Opportunity", {"Name": name, "StageName": stage, "Amount": amount,
                                       "CloseDate": close, "AccountId": account})  # fmt: skip
    yield created
    created.close()


def rows(org: Org, soql: str, **kw: Any) -> list[dict[str, Any]]:
    return org.query(soql, **kw).fetch(2000)


def names(org: Org, soql: str) -> list[str]:
    return [r["Name"] for r in rows(org, soql)]


def error(org: Org, soql: str) -> SalesforceError:
    with pytest.raises(SalesforceError) as caught:
        org.query(soql)
    return caught.value


# ------------------------------------------------------------------------------ parsing


def test_keywords_ignore_case_and_fields_may_start_with_keywords() -> None:
    query = parse("select id, FromAddress__c from contact where notes__c = 'x' order by id desc")
    assert query.sobject == "contact"
    assert query.select == (ast.FieldRef(("id",)), ast.FieldRef(("FromAddress__c",)))
    assert query.order_by == (ast.OrderItem(ast.FieldRef(("id",)), descending=True),)


def test_syntax_errors_are_malformed_query_with_a_position(org: Org) -> None:
    failure = error(org, "SELECT Id FROMM Contact")
    assert failure.error_code == "MALFORMED_QUERY" and failure.status == 400
    assert "unexpected token: 'FROMM'" in failure.message
    assert "ERROR at Row:1:Column:11" in failure.message
    assert error(org, "SELECT Id FROM").message == "unexpected token: <EOF>"
    assert error(org, "invalid").message == "unexpected token: 'invalid'"


@pytest.mark.parametrize("literal", [r"'\q'", r"'\%'", r"'\u12'", '"double"'])
def test_bad_string_literals_are_malformed(org: Org, literal: str) -> None:
    failure = error(org, f"SELECT Id FROM Contact WHERE LastName = {literal}")
    assert failure.error_code == "MALFORMED_QUERY"


def test_escapes_in_string_literals(org: Org) -> None:
    assert names(org, r"SELECT Name FROM Contact WHERE LastName = 'O\'Brien'") == ["O'Brien"]
    query = parse(r"SELECT Id FROM Contact WHERE Title = 'a\nb\tc\\d\"e\u00e9\F'")
    assert isinstance(query.where, ast.Comparison)
    assert query.where.value == 'a\nb\tc\\d"eé\f'


# ------------------------------------------------------------------------------ names


def test_unknown_field_is_invalid_field(org: Org) -> None:
    failure = error(org, "SELECT Id, Foo FROM Contact")
    assert failure.error_code == "INVALID_FIELD"
    assert failure.message == (
        "No such column 'Foo' on entity 'Contact'. If you are attempting to use a custom field, "
        "be sure to append the '__c' after the custom field name. Please reference your WSDL or "
        "the describe call for the appropriate names."
    )
    assert error(org, "SELECT Id FROM Contact WHERE Account.Foo = 'x'").error_code == (
        "INVALID_FIELD"
    )
    assert (
        "Didn't understand relationship 'Acount'"
        in error(org, "SELECT Acount.Name FROM Contact").message
    )


def test_unknown_object_is_invalid_type(org: Org) -> None:
    failure = error(org, "SELECT Id FROM Foo")
    assert (failure.error_code, failure.message) == (
        "INVALID_TYPE",
        "sObject type 'Foo' is not supported.",
    )


def test_unknown_child_relationship_is_invalid_type(org: Org) -> None:
    failure = error(org, "SELECT Id, (SELECT Id FROM Foos) FROM Account")
    assert failure.error_code == "INVALID_TYPE"
    assert failure.message.startswith("Didn't understand relationship 'Foos' in FROM part")


def test_fields_in_the_external_id_and_currency_settings(clock: Clock) -> None:
    plain = Org.create(None, external_id_field=False, clock=clock)
    assert error(plain, "SELECT CurrencyIsoCode FROM Opportunity").error_code == "INVALID_FIELD"
    assert error(plain, "SELECT MailTrixy_Deal_Id__c FROM Opportunity").error_code == (
        "INVALID_FIELD"
    )


# ------------------------------------------------------------------------------ result shape


def test_records_have_attributes_and_fields_in_selected_order(org: Org) -> None:
    record = rows(org, "SELECT email, Id, lastname FROM Contact WHERE LastName = 'Doe'")[0]
    assert list(record) == ["attributes", "Email", "Id", "LastName"]
    assert record["attributes"] == {
        "type": "Contact",
        "url": f"/services/data/v62.0/sobjects/Contact/{record['Id']}",
    }
    url = rows(org, "SELECT Id FROM Contact", api_version="59.0")[0]["attributes"]["url"]
    assert url.startswith("/services/data/v59.0/sobjects/Contact/")


def test_values_are_json_typed(org: Org) -> None:
    record = rows(org, "SELECT Amount, IsWon, CloseDate, CreatedDate, Probability "
                       "FROM Opportunity WHERE Name = 'Acme big'")[0]  # fmt: skip
    assert record["Amount"] == 5000.0 and isinstance(record["Amount"], float)
    assert record["IsWon"] is True
    assert record["CloseDate"] == "2024-03-01"
    assert record["CreatedDate"].endswith("+0000") and len(record["CreatedDate"]) == 28
    assert record["Probability"] == 100.0


def test_parent_paths_are_nested_records_and_a_null_lookup_is_null(org: Org) -> None:
    result = rows(org, "SELECT LastName, Account.Name, Account.Owner.Name FROM Contact "
                       "WHERE LastName IN ('Doe', 'Alone') ORDER BY LastName")  # fmt: skip
    alone, doe = result
    assert alone["Account"] is None
    account = doe["Account"]
    assert account["attributes"]["type"] == "Account"
    assert account["Name"] == "Acme"
    assert account["Owner"]["Name"] == "Admin User"
    assert account["Owner"]["attributes"]["type"] == "User"


def test_child_subqueries_are_nested_query_results(org: Org) -> None:
    result = rows(org, "SELECT Name, (SELECT LastName FROM Contacts ORDER BY LastName DESC "
                       "LIMIT 1), (SELECT Name FROM Opportunities WHERE IsWon = true) "
                       "FROM Account ORDER BY Name")  # fmt: skip
    acme, globex = result
    assert acme["Contacts"] == {
        "totalSize": 1,
        "done": True,
        "records": [
            {
                "attributes": {
                    "type": "Contact",
                    "url": acme["Contacts"]["records"][0]["attributes"]["url"],
                },
                "LastName": "Smith",
            }
        ],
    }
    assert [o["Name"] for o in acme["Opportunities"]["records"]] == ["Acme big"]
    assert globex["Opportunities"] is None  # no rows: null


# ------------------------------------------------------------------------------ filters


def test_string_equality_ignores_case(org: Org) -> None:
    assert names(org, "SELECT Name FROM Contact WHERE Email = 'JANE.DOE@acme.EXAMPLE'") == [
        "Jane Doe"
    ]


def test_not_equal_and_not_match_nulls(org: Org) -> None:
    assert len(rows(org, "SELECT Id FROM Contact WHERE Title != 'CEO'")) == 3
    assert len(rows(org, "SELECT Id FROM Contact WHERE NOT Title = 'CEO'")) == 3
    assert len(rows(org, "SELECT Id FROM Contact WHERE Title = null")) == 2
    assert len(rows(org, "SELECT Id FROM Contact WHERE Title != null")) == 2


def test_comparisons_on_numbers_dates_and_booleans(org: Org) -> None:
    assert names(org, "SELECT Name FROM Opportunity WHERE Amount > 100") == ["Acme big"]
    assert names(org, "SELECT Name FROM Opportunity WHERE Amount <= 100.5") == ["Acme small"]
    assert names(org, "SELECT Name FROM Opportunity WHERE CloseDate < 2024-01-01") == [
        "Globex deal"
    ]
    assert names(org, "SELECT Name FROM Opportunity WHERE IsClosed = false") == ["Acme small"]


def test_datetime_literals_with_offsets(org: Org, clock: Clock) -> None:
    clock.now = NOW + timedelta(hours=2)
    org.insert("Contact", {"LastName": "Later"})
    assert names(org, "SELECT Name FROM Contact WHERE CreatedDate > 2024-03-13T16:00:00Z") == [
        "Later"
    ]
    assert names(org, "SELECT Name FROM Contact WHERE CreatedDate > 2024-03-13T18:00:00+01:00") == [
        "Later"
    ]
    assert names(org, "SELECT Name FROM Contact WHERE CreatedDate > 2024-03-13T11:00:00-05:00") == [
        "Later"
    ]


@pytest.mark.parametrize(
    ("literal", "expected"),
    [
        ("CloseDate = THIS_MONTH", ["Acme big", "Acme small"]),
        ("CloseDate = LAST_N_DAYS:30", ["Acme big"]),
        ("CloseDate = NEXT_N_DAYS:7", ["Acme small"]),
        ("CloseDate < THIS_YEAR", ["Globex deal"]),
        ("CloseDate = N_DAYS_AGO:12", ["Acme big"]),
        ("CreatedDate = TODAY", ["Acme big", "Acme small", "Globex deal"]),
        ("CreatedDate = YESTERDAY", []),
        ("CloseDate = LAST_MONTH", []),
    ],
)
def test_date_literals(org: Org, literal: str, expected: list[str]) -> None:
    assert names(org, f"SELECT Name FROM Opportunity WHERE {literal} ORDER BY Name") == expected


def test_like_wildcards_and_escapes(org: Org) -> None:
    assert names(org, "SELECT Name FROM Contact WHERE LastName LIKE 's%'") == ["john Smith"]
    assert names(org, "SELECT Name FROM Contact WHERE LastName LIKE '_oe'") == ["Jane Doe"]
    assert names(org, r"SELECT Name FROM Contact WHERE Title LIKE '50\% off\_%'") == ["O'Brien"]
    assert names(org, r"SELECT Name FROM Contact WHERE Title LIKE '50\%_off'") == []


def test_in_and_not_in(org: Org) -> None:
    assert names(org, "SELECT Name FROM Contact WHERE LastName IN ('doe', 'SMITH') "
                      "ORDER BY Name") == ["Jane Doe", "john Smith"]  # fmt: skip
    assert names(org, "SELECT Name FROM Contact WHERE Title NOT IN ('CEO') ORDER BY Name") == [
        "john Smith", "O'Brien", "Zed Alone",
    ]  # fmt: skip


def test_and_or_not_and_parentheses(org: Org) -> None:
    soql = ("SELECT Name FROM Contact WHERE (LastName = 'Doe' OR LastName = 'Alone') "
            "AND (NOT FirstName = 'Zed') ")  # fmt: skip
    assert names(org, soql) == ["Jane Doe"]
    soql = (
        "SELECT Name FROM Contact WHERE LastName = 'Doe' OR (LastName = 'Alone' AND Title = null)"
    )
    assert sorted(names(org, soql)) == ["Jane Doe", "Zed Alone"]
    soql = "SELECT Name FROM Contact WHERE NOT (LastName = 'Doe' OR LastName = 'Alone')"
    assert sorted(names(org, soql)) == ["O'Brien", "john Smith"]


@pytest.mark.parametrize(
    "condition",
    [
        "LastName = 'Doe' OR LastName = 'Alone' AND Title = null",
        "LastName = 'Doe' AND LastName = 'Alone' OR Title = null",
        "LastName = 'Doe' AND NOT FirstName = 'Zed'",
        "NOT FirstName = 'Zed' OR LastName = 'Doe'",
    ],
)
def test_mixing_and_or_not_without_parentheses_is_malformed(org: Org, condition: str) -> None:
    """Salesforce: "Parentheses are required whenever you mix the operators"."""
    refused = error(org, f"SELECT Name FROM Contact WHERE {condition}")
    assert refused.error_code == "MALFORMED_QUERY"
    assert "Parentheses are required" in refused.message


def test_parent_fields_in_where_behave_like_outer_joins(org: Org) -> None:
    assert names(org, "SELECT Name FROM Contact WHERE Account.Name = null") == ["Zed Alone"]
    assert names(org, "SELECT Name FROM Contact WHERE Account.Industry = 'banking' "
                      "ORDER BY Name") == ["Jane Doe", "john Smith"]  # fmt: skip


def test_semi_join_and_anti_join(org: Org) -> None:
    semi = (
        "SELECT Name FROM Account WHERE Id IN (SELECT AccountId FROM Contact WHERE Title = 'CEO')"
    )
    assert names(org, semi) == ["Acme"]
    anti = ("SELECT Name FROM Account WHERE Id NOT IN "
            "(SELECT AccountId FROM Opportunity WHERE IsWon = true)")  # fmt: skip
    assert names(org, anti) == ["Globex"]
    soql = "SELECT Name FROM Contact WHERE AccountId IN (SELECT Id FROM Account WHERE Name = 'x')"
    assert names(org, soql) == []


def test_ids_in_filters_accept_15_characters_and_reject_garbage(org: Org) -> None:
    record = rows(org, "SELECT Id FROM Contact WHERE LastName = 'Doe'")[0]
    assert len(rows(org, f"SELECT Id FROM Contact WHERE Id = '{record['Id'][:15]}'")) == 1
    failure = error(org, "SELECT Id FROM Contact WHERE Id = 'nope'")
    assert failure.error_code == "INVALID_QUERY_FILTER_OPERATOR"


def test_literals_of_the_wrong_type_are_rejected(org: Org) -> None:
    failure = error(org, "SELECT Id FROM Opportunity WHERE Amount = '5'")
    assert failure.error_code == "MALFORMED_QUERY"
    assert "must be of type double" in failure.message
    assert error(org, "SELECT Id FROM Opportunity WHERE CloseDate = '2024-01-01'").message.endswith(
        "should not be enclosed in quotes"
    )


def test_unknown_date_literal_is_malformed(org: Org) -> None:
    assert error(org, "SELECT Id FROM Opportunity WHERE CloseDate = SOMEDAY").error_code == (
        "MALFORMED_QUERY"
    )


# ------------------------------------------------------------------------------ order and paging


def test_order_by_directions_nulls_and_parent_paths(org: Org) -> None:
    assert names(org, "SELECT Name FROM Contact ORDER BY Title")[:2] == ["john Smith", "Zed Alone"]
    assert names(org, "SELECT Name FROM Contact ORDER BY Title NULLS LAST, Name")[-2:] == [
        "john Smith", "Zed Alone",
    ]  # fmt: skip
    assert names(org, "SELECT Name FROM Contact ORDER BY Account.Name DESC NULLS LAST, Name") == [
        "O'Brien", "Jane Doe", "john Smith", "Zed Alone",
    ]  # fmt: skip


def test_order_by_ignores_case(org: Org) -> None:
    assert names(org, "SELECT Name FROM Contact WHERE AccountId != null ORDER BY FirstName") == [
        "O'Brien", "Jane Doe", "john Smith",
    ]  # fmt: skip


def test_limit_and_offset(org: Org) -> None:
    assert names(org, "SELECT Name FROM Contact ORDER BY LastName LIMIT 2 OFFSET 1") == [
        "Jane Doe", "O'Brien",
    ]  # fmt: skip
    failure = error(org, "SELECT Id FROM Contact OFFSET 2001")
    assert failure.error_code == "NUMBER_OUTSIDE_VALID_RANGE"
    assert error(org, "SELECT Id, (SELECT Id FROM Contacts OFFSET 1) FROM Account").error_code == (
        "MALFORMED_QUERY"
    )


def test_count(org: Org) -> None:
    cursor = org.query("SELECT COUNT() FROM Contact WHERE AccountId != null")
    assert cursor.total_size == 3 and cursor.fetch(10) == [] and cursor.done
    assert org.query("SELECT COUNT() FROM Contact LIMIT 2").total_size == 2
    assert error(org, "SELECT COUNT() FROM Contact ORDER BY Name").error_code == "MALFORMED_QUERY"


def test_deleted_records_only_with_include_deleted(org: Org) -> None:
    doe = rows(org, "SELECT Id FROM Contact WHERE LastName = 'Doe'")[0]["Id"]
    org.delete("Contact", doe)
    assert rows(org, "SELECT Id FROM Contact WHERE LastName = 'Doe'") == []
    found = rows(org, "SELECT Id, IsDeleted FROM Contact WHERE LastName = 'Doe'",
                 include_deleted=True)  # fmt: skip
    assert found[0]["IsDeleted"] is True


def test_the_cursor_pages_through_a_snapshot(org: Org) -> None:
    for i in range(10):
        org.insert("Contact", {"LastName": f"Bulk{i:02d}"})
    cursor = org.query("SELECT LastName FROM Contact WHERE LastName LIKE 'Bulk%' ORDER BY LastName")
    assert cursor.total_size == 10 and not cursor.done
    pages = [cursor.fetch(4), cursor.fetch(4), cursor.fetch(4)]
    assert [len(p) for p in pages] == [4, 4, 2]
    assert cursor.done and cursor.fetch(4) == []
    assert [r["LastName"] for p in pages for r in p] == [f"Bulk{i:02d}" for i in range(10)]
