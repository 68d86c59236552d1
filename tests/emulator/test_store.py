"""The org store: validation with Salesforce's errors, system fields, derived fields, recycle bin,
transactions and thread safety."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from salesforce_emulator.errors import SalesforceError
from salesforce_emulator.ids import is_valid_id
from salesforce_emulator.store import Org

T0 = datetime(2024, 3, 1, 12, 0, 0, tzinfo=UTC)


class FakeClock:
    def __init__(self, start: datetime = T0) -> None:
        self.now = start

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **kw: float) -> None:
        self.now += timedelta(**kw)


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def org(clock: FakeClock) -> Iterator[Org]:
    clock.now = T0 - timedelta(minutes=1)
    created = Org.create(None, clock=clock)
    clock.now = T0  # records written by the tests get round stamps
    yield created
    created.close()


def error_of(call: object, *args: object, **kw: object) -> SalesforceError:
    with pytest.raises(SalesforceError) as caught:
        call(*args, **kw)  # type: ignore[operator]
    return caught.value


# --------------------------------------------------------------------------------- the org


def test_a_new_org_has_its_organization_row_stages_and_admin(org: Org) -> None:
    assert org.id.startswith("00D") and is_valid_id(org.id)
    organization = org.get("Organization", org.id)
    assert organization["Name"] == "MailTrixy Demo"
    assert organization["DefaultCurrencyIsoCode"] == "USD"
    admin = org.get("User", org.admin_user_id)
    assert admin["Username"].startswith("admin@") and admin["Username"].endswith(".example")
    assert [s.api_name for s in org.stages()][-2:] == ["Closed Won", "Closed Lost"]
    assert org.count("OpportunityStage") == 10


def test_an_org_file_reopens_with_its_data(tmp_path: Path, clock: FakeClock) -> None:
    path = str(tmp_path / "org.sqlite")
    first = Org.create(path, name="Acme Sandbox", multi_currency=True, clock=clock)
    account = first.insert("Account", {"Name": "Globex", "CurrencyIsoCode": "EUR"})
    first.close()
    again = Org.open(path, clock=clock)
    assert again.multi_currency and again.name == "Acme Sandbox"
    assert again.get("Account", account)["CurrencyIsoCode"] == "EUR"
    assert again.insert("Account", {"Name": "Initech"}) > account
    again.close()


def test_object_names_are_case_insensitive_and_unknown_ones_fail(org: Org) -> None:
    assert org.object("contact").name == "Contact"
    assert error_of(org.object, "Foo").error_code == "NOT_FOUND"
    error = error_of(org.object, "Foo", soql=True)
    assert (error.error_code, error.message) == (
        "INVALID_TYPE",
        "sObject type 'Foo' is not supported.",
    )
    assert error_of(org.insert, "Foo", {"Name": "x"}).error_code == "INVALID_TYPE"


# --------------------------------------------------------------------------------- validation


def test_unknown_field_is_invalid_field(org: Org) -> None:
    error = error_of(org.insert, "Contact", {"LastName": "Doe", "Foo": 1})
    assert error.error_code == "INVALID_FIELD" and error.status == 400
    assert error.message == "No such column 'Foo' on sobject of type Contact"


@pytest.mark.parametrize("field", ["IsWon", "IsClosed", "CreatedDate", "SystemModstamp", "Id"])
def test_read_only_fields_cannot_be_written(org: Org, field: str) -> None:
    values = {"Name": "Deal", "StageName": "Prospecting", "CloseDate": "2024-05-01", field: None}
    error = error_of(org.insert, "Opportunity", values)
    assert error.error_code == "INVALID_FIELD_FOR_INSERT_UPDATE"
    assert error.fields == [field]


def test_missing_required_fields_are_listed(org: Org) -> None:
    error = error_of(org.insert, "Opportunity", {"Name": "Deal"})
    assert error.error_code == "REQUIRED_FIELD_MISSING"
    assert error.message == "Required fields are missing: [StageName, CloseDate]"
    assert error.fields == ["StageName", "CloseDate"]
    assert error_of(org.insert, "Contact", {"FirstName": "Ann"}).fields == ["LastName"]


def test_clearing_a_required_field_on_update_fails(org: Org) -> None:
    contact = org.insert("Contact", {"LastName": "Doe"})
    error = error_of(org.update, "Contact", contact, {"LastName": None})
    assert error.error_code == "REQUIRED_FIELD_MISSING" and error.fields == ["LastName"]


def test_too_long_text_is_string_too_long(org: Org) -> None:
    error = error_of(org.insert, "Opportunity", {"Name": "x" * 121})
    assert error.error_code == "STRING_TOO_LONG" and error.fields == ["Name"]
    assert error.message.endswith("(max length=120)")


def test_bad_email_is_invalid_email_address(org: Org) -> None:
    error = error_of(org.insert, "Contact", {"LastName": "Doe", "Email": "not an email"})
    assert error.as_rest_error() == {
        "message": "Email: invalid email address: not an email",
        "errorCode": "INVALID_EMAIL_ADDRESS",
        "fields": ["Email"],
    }


def test_bad_stage_is_a_restricted_picklist_error(org: Org) -> None:
    values = {"Name": "Deal", "StageName": "Dreaming", "CloseDate": "2024-05-01"}
    error = error_of(org.insert, "Opportunity", values)
    assert error.error_code == "INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST"
    assert error.fields == ["StageName"]


def test_currency_is_a_restricted_picklist_in_multi_currency_orgs(clock: FakeClock) -> None:
    org = Org.create(None, multi_currency=True, currencies=("USD", "EUR"), clock=clock)
    account = org.insert("Account", {"Name": "Globex"})
    assert org.get("Account", account)["CurrencyIsoCode"] == "USD"
    error = error_of(org.insert, "Account", {"Name": "Initech", "CurrencyIsoCode": "JPY"})
    assert error.error_code == "INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST"


def test_single_currency_orgs_have_no_currency_field(org: Org) -> None:
    error = error_of(org.insert, "Account", {"Name": "Globex", "CurrencyIsoCode": "USD"})
    assert error.error_code == "INVALID_FIELD"


def test_lookup_to_a_missing_record_is_an_invalid_cross_reference(org: Org) -> None:
    error = error_of(org.insert, "Contact", {"LastName": "Doe", "AccountId": "001000000000000"})
    assert error.error_code == "INVALID_CROSS_REFERENCE_KEY" and error.fields == ["AccountId"]


def test_lookup_to_the_wrong_object_or_a_malformed_id_fails(org: Org) -> None:
    contact = org.insert("Contact", {"LastName": "Doe"})
    wrong = error_of(org.insert, "Contact", {"LastName": "Roe", "AccountId": contact})
    assert wrong.error_code == "FIELD_INTEGRITY_EXCEPTION"
    malformed = error_of(org.insert, "Contact", {"LastName": "Roe", "AccountId": "xyz"})
    assert malformed.error_code == "MALFORMED_ID" and malformed.fields == ["AccountId"]


def test_duplicate_external_id_is_duplicate_value_ignoring_case(org: Org) -> None:
    base = {"Name": "Deal", "StageName": "Prospecting", "CloseDate": "2024-05-01"}
    first = org.insert("Opportunity", {**base, "MailTrixy_Deal_Id__c": "deal-1"})
    error = error_of(org.insert, "Opportunity", {**base, "MailTrixy_Deal_Id__c": "DEAL-1"})
    assert error.error_code == "DUPLICATE_VALUE"
    assert error.message == (
        "duplicate value found: MailTrixy_Deal_Id__c duplicates value on record with id: " + first
    )


def test_external_id_field_can_be_absent(clock: FakeClock) -> None:
    org = Org.create(None, external_id_field=False, clock=clock)
    assert org.object("Opportunity").find_field("MailTrixy_Deal_Id__c") is None


def test_find_ids_by_field_ignores_case_and_deleted_records(org: Org) -> None:
    base = {"Name": "Deal", "StageName": "Prospecting", "CloseDate": "2024-05-01"}
    live = org.insert("Opportunity", {**base, "MailTrixy_Deal_Id__c": "Deal-7"})
    assert org.find_ids_by_field("Opportunity", "mailtrixy_deal_id__c", "deal-7") == [live]
    org.delete("Opportunity", live)
    assert org.find_ids_by_field("Opportunity", "MailTrixy_Deal_Id__c", "deal-7") == []


@pytest.mark.parametrize("bad", [{"Amount": "lots"}, {"CloseDate": "2024-13-01"}, {"Amount": [1]}])
def test_values_of_the_wrong_type_are_json_parser_errors(org: Org, bad: dict) -> None:
    values = {"Name": "Deal", "StageName": "Prospecting", "CloseDate": "2024-05-01", **bad}
    assert error_of(org.insert, "Opportunity", values).error_code == "JSON_PARSER_ERROR"


def test_numbers_out_of_range_are_rejected(org: Org) -> None:
    values = {"Name": "Deal", "StageName": "Prospecting", "CloseDate": "2024-05-01"}
    error = error_of(org.insert, "Opportunity", {**values, "Probability": 1000})
    assert error.error_code == "NUMBER_OUTSIDE_VALID_RANGE"


@pytest.mark.parametrize(
    ("given", "stored"),
    [
        ("2024-01-05", "2024-01-05"),
        ("2024-01-05T23:30:00.000+0000", "2024-01-05"),
    ],
)
def test_date_inputs(org: Org, given: str, stored: str) -> None:
    opp = org.insert("Opportunity", {"Name": "D", "StageName": "Prospecting", "CloseDate": given})
    assert org.get("Opportunity", opp, ["CloseDate"])["CloseDate"] == stored


def test_empty_strings_are_stored_as_null(org: Org) -> None:
    contact = org.insert("Contact", {"LastName": "Doe", "Title": ""})
    assert org.get("Contact", contact)["Title"] is None


# --------------------------------------------------------------------------------- output


def test_get_returns_rest_json_with_attributes_and_formats(org: Org) -> None:
    values = {"Name": "Deal", "StageName": "Prospecting", "CloseDate": "2024-05-01", "Amount": 5}
    opp = org.insert("Opportunity", values)
    record = org.get("Opportunity", opp, ["name", "Amount", "IsWon", "CreatedDate", "CloseDate"])
    assert record == {
        "attributes": {
            "type": "Opportunity",
            "url": f"/services/data/v62.0/sobjects/Opportunity/{opp}",
        },
        "Name": "Deal",
        "Amount": 5.0,
        "IsWon": False,
        "CreatedDate": "2024-03-01T12:00:00.000+0000",
        "CloseDate": "2024-05-01",
    }
    assert isinstance(record["Amount"], float)
    url = org.get("Opportunity", opp, ["Id"], api_version="59.0")["attributes"]["url"]
    assert url.startswith("/services/data/v59.0/")


def test_get_accepts_fifteen_character_and_lower_case_ids(org: Org) -> None:
    contact = org.insert("Contact", {"LastName": "Doe"})
    assert org.get("Contact", contact[:15])["Id"] == contact
    assert org.get("Contact", contact.lower())["Id"] == contact


def test_get_with_an_unknown_field_is_invalid_field(org: Org) -> None:
    contact = org.insert("Contact", {"LastName": "Doe"})
    error = error_of(org.get, "Contact", contact, ["Nope"])
    assert error.error_code == "INVALID_FIELD"
    assert error.message.startswith("No such column 'Nope' on entity 'Contact'.")


def test_get_of_missing_or_malformed_ids(org: Org) -> None:
    assert error_of(org.get, "Contact", "003000000000000").error_code == "NOT_FOUND"
    assert error_of(org.get, "Contact", "003000000000000").status == 404
    assert error_of(org.get, "Contact", "banana").error_code == "MALFORMED_ID"


# --------------------------------------------------------------------------------- system fields


def test_system_fields_are_set_on_every_write(org: Org, clock: FakeClock) -> None:
    contact = org.insert("Contact", {"LastName": "Doe"}, user_id=org.admin_user_id)
    created = org.get("Contact", contact)
    assert created["CreatedDate"] == created["LastModifiedDate"] == created["SystemModstamp"]
    assert created["CreatedById"] == created["OwnerId"] == org.admin_user_id
    clock.advance(minutes=5)
    org.update("Contact", contact, {"Title": "CEO"})
    updated = org.get("Contact", contact)
    assert updated["CreatedDate"] == "2024-03-01T12:00:00.000+0000"
    assert (
        updated["LastModifiedDate"] == updated["SystemModstamp"] == "2024-03-01T12:05:00.000+0000"
    )


def test_system_modstamp_strictly_increases_even_when_the_clock_stands_still(org: Org) -> None:
    ids = [org.insert("Contact", {"LastName": f"N{i}"}) for i in range(5)]
    org.update("Contact", ids[0], {"Title": "x"})
    stamps = [org.get("Contact", i)["SystemModstamp"] for i in [*ids[1:], ids[0]]]
    assert stamps == sorted(stamps) and len(set(stamps)) == 5


def test_contact_name_is_computed(org: Org) -> None:
    contact = org.insert("Contact", {"FirstName": "Jane", "LastName": "Doe"})
    assert org.get("Contact", contact)["Name"] == "Jane Doe"
    org.update("Contact", contact, {"FirstName": None})
    assert org.get("Contact", contact)["Name"] == "Doe"
    assert error_of(org.update, "Contact", contact, {"Name": "X"}).error_code == (
        "INVALID_FIELD_FOR_INSERT_UPDATE"
    )


def test_stage_drives_won_closed_probability_and_forecast(org: Org) -> None:
    values = {"Name": "Deal", "StageName": "Prospecting", "CloseDate": "2024-05-01", "Amount": 200}
    opp = org.insert("Opportunity", values)
    record = org.get("Opportunity", opp)
    assert (record["IsWon"], record["IsClosed"], record["Probability"]) == (False, False, 10.0)
    assert record["ForecastCategoryName"] == "Pipeline" and record["ExpectedRevenue"] == 20.0
    org.update("Opportunity", opp, {"StageName": "Closed Won"})
    record = org.get("Opportunity", opp)
    assert (record["IsWon"], record["IsClosed"], record["Probability"]) == (True, True, 100.0)
    assert record["ForecastCategoryName"] == "Closed"
    org.update("Opportunity", opp, {"StageName": "Closed Lost"})
    record = org.get("Opportunity", opp)
    assert (record["IsWon"], record["IsClosed"]) == (False, True)


def test_probability_can_be_overridden(org: Org) -> None:
    values = {
        "Name": "D",
        "StageName": "Qualification",
        "CloseDate": "2024-05-01",
        "Probability": 33,
    }
    opp = org.insert("Opportunity", values)
    assert org.get("Opportunity", opp)["Probability"] == 33.0


def test_update_ignores_attributes_and_a_matching_id(org: Org) -> None:
    contact = org.insert("Contact", {"LastName": "Doe"})
    org.update("Contact", contact, {"attributes": {"type": "Contact"}, "Id": contact, "Title": "A"})
    assert org.get("Contact", contact)["Title"] == "A"


# --------------------------------------------------------------------------------- recycle bin


def test_delete_goes_to_the_recycle_bin_and_undelete_restores(org: Org) -> None:
    contact = org.insert("Contact", {"LastName": "Doe"})
    before = org.get("Contact", contact)["SystemModstamp"]
    org.delete("Contact", contact)
    assert org.count("Contact") == 0 and org.count("Contact", include_deleted=True) == 1
    gone = error_of(org.get, "Contact", contact)
    assert (gone.status, gone.error_code, gone.message) == (
        404,
        "ENTITY_IS_DELETED",
        "entity is deleted",
    )
    assert error_of(org.delete, "Contact", contact).error_code == "ENTITY_IS_DELETED"
    assert (
        error_of(org.update, "Contact", contact, {"Title": "x"}).error_code == "ENTITY_IS_DELETED"
    )
    org.undelete("Contact", contact)
    assert org.get("Contact", contact)["SystemModstamp"] > before
    assert error_of(org.undelete, "Contact", contact).error_code == "UNDELETE_FAILED"


def test_delete_of_unknown_or_malformed_ids(org: Org) -> None:
    assert error_of(org.delete, "Contact", "003000000000000").error_code == "NOT_FOUND"
    assert error_of(org.delete, "Contact", "nope").error_code == "MALFORMED_ID"


def test_deleting_an_account_takes_its_contacts_and_opportunities_along(org: Org) -> None:
    account = org.insert("Account", {"Name": "Acme"})
    contact = org.insert("Contact", {"LastName": "Doe", "AccountId": account})
    opp = org.insert(
        "Opportunity",
        {"Name": "D", "StageName": "Prospecting", "CloseDate": "2024-05-01", "AccountId": account},
    )
    role = org.insert("OpportunityContactRole", {"OpportunityId": opp, "ContactId": contact})
    lone = org.insert("Contact", {"LastName": "Alone"})
    org.delete("Account", account)
    assert org.count("Contact") == 1 and org.count("Opportunity") == 0
    assert org.count("OpportunityContactRole") == 0
    org.undelete("Account", account)
    for sobject, record in [("Contact", contact), ("Opportunity", opp), ("Contact", lone)]:
        assert org.get(sobject, record)["IsDeleted"] is False
    assert org.get("OpportunityContactRole", role)["ContactId"] == contact


def test_a_lookup_to_a_deleted_record_fails(org: Org) -> None:
    account = org.insert("Account", {"Name": "Acme"})
    org.delete("Account", account)
    error = error_of(org.insert, "Contact", {"LastName": "Doe", "AccountId": account})
    assert error.error_code == "ENTITY_IS_DELETED"


# --------------------------------------------------------------------------------- transactions


def test_a_failing_transaction_rolls_everything_back(org: Org) -> None:
    with pytest.raises(SalesforceError), org.transaction():
        org.insert("Account", {"Name": "Kept?"})
        org.insert("Contact", {})  # REQUIRED_FIELD_MISSING
    assert org.count("Account") == 0


def test_nested_transactions_roll_back_only_the_inner_part(org: Org) -> None:
    with org.transaction():
        org.insert("Account", {"Name": "Outer"})
        with pytest.raises(SalesforceError), org.transaction():
            org.insert("Account", {"Name": "Inner"})
            org.insert("Account", {})
    assert org.count("Account") == 1


def test_a_failed_single_write_changes_nothing(org: Org) -> None:
    contact = org.insert("Contact", {"LastName": "Doe", "Title": "Old"})
    error_of(org.update, "Contact", contact, {"Title": "New", "Email": "bad"})
    assert org.get("Contact", contact)["Title"] == "Old"


def test_writes_from_many_threads_are_all_kept(tmp_path: Path) -> None:
    org = Org.create(str(tmp_path / "threads.sqlite"))
    failures: list[BaseException] = []

    def work(n: int) -> None:
        try:
            for i in range(25):
                contact = org.insert("Contact", {"LastName": f"T{n}-{i}"})
                org.update("Contact", contact, {"Title": "x"})
                org.get("Contact", contact)
                with org.transaction():
                    org.insert("Account", {"Name": f"A{n}-{i}"})
        except BaseException as error:  # reported below
            failures.append(error)

    threads = [threading.Thread(target=work, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert failures == []
    assert org.count("Contact") == 200 and org.count("Account") == 200
    org.close()


def test_updated_ids_and_deleted_records_by_time_window(org: Org, clock: FakeClock) -> None:
    early = org.insert("Contact", {"LastName": "Early"})
    clock.advance(hours=1)
    late = org.insert("Contact", {"LastName": "Late"})
    clock.advance(hours=1)
    org.delete("Contact", early)
    window = (T0 + timedelta(minutes=30), T0 + timedelta(hours=3))
    assert org.updated_ids("Contact", *window) == [late]
    assert org.deleted_records("Contact", *window) == [
        {"id": early, "deletedDate": "2024-03-01T14:00:00.000+0000"}
    ]
    assert org.deleted_records("Contact", T0, T0 + timedelta(minutes=30)) == []
