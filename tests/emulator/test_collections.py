"""sObject Collections: 200 with per-item results, allOrNone, ≤200 records (§2.4)."""

from __future__ import annotations

import httpx

from salesforce_emulator.testing import OrgSetup

ROLLED_BACK = {
    "statusCode": "ALL_OR_NONE_OPERATION_ROLLED_BACK",
    "message": "Record rolled back because not all records were valid and the request was using "
    "AllOrNone header",
    "fields": [],
}


def account(name: str | None = None, **extra: object) -> dict[str, object]:
    record: dict[str, object] = {"attributes": {"type": "Account"}, **extra}
    if name is not None:
        record["Name"] = name
    return record


def count_named(api: httpx.Client, prefix: str) -> int:
    return int(
        api.get(
            "query", params={"q": f"SELECT COUNT() FROM Account WHERE Name LIKE '{prefix}%'"}
        ).json()["totalSize"]
    )


def test_create_returns_200_with_results_in_request_order(api: httpx.Client) -> None:
    body = {"allOrNone": False, "records": [account("Col A1"), account(), account("Col A3")]}
    response = api.post("composite/sobjects", json=body)
    assert response.status_code == 200
    results = response.json()
    assert results[0]["success"] is True and list(results[0]) == ["id", "success", "errors"]
    assert results[1] == {
        "success": False,
        "errors": [
            {
                "statusCode": "REQUIRED_FIELD_MISSING",
                "message": "Required fields are missing: [Name]",
                "fields": ["Name"],
            }
        ],
    }
    assert results[2]["success"] is True
    assert count_named(api, "Col A") == 2


def test_create_all_or_none_rolls_everything_back(api: httpx.Client) -> None:
    body = {"allOrNone": True, "records": [account("Col B1"), account()]}
    results = api.post("composite/sobjects", json=body).json()
    assert results[0] == {"success": False, "errors": [ROLLED_BACK]}
    assert results[1]["errors"][0]["statusCode"] == "REQUIRED_FIELD_MISSING"
    assert count_named(api, "Col B") == 0


def test_update_keeps_ids_and_rolled_back_items_keep_their_id(api: httpx.Client) -> None:
    ids = [api.post("sobjects/Account", json={"Name": f"Col C{i}"}).json()["id"] for i in range(2)]
    body = {
        "allOrNone": True,
        "records": [account("Col C renamed", id=ids[0]), account("", id=ids[1])],
    }
    results = api.patch("composite/sobjects", json=body).json()
    assert results[0] == {"id": ids[0], "success": False, "errors": [ROLLED_BACK]}
    assert "id" not in results[1] and results[1]["success"] is False
    assert api.get(f"sobjects/Account/{ids[0]}").json()["Name"] == "Col C0"


def test_update_without_all_or_none_applies_the_good_items(api: httpx.Client) -> None:
    record_id = api.post("sobjects/Account", json={"Name": "Col D"}).json()["id"]
    body = {"records": [account("Col D2", id=record_id), account("x")]}
    results = api.patch("composite/sobjects", json=body).json()
    assert results[0] == {"id": record_id, "success": True, "errors": []}
    assert results[1]["success"] is False
    assert api.get(f"sobjects/Account/{record_id}").json()["Name"] == "Col D2"


def test_upsert_by_external_id_reports_created(api: httpx.Client) -> None:
    deal = {
        "attributes": {"type": "Opportunity"},
        "Name": "D",
        "StageName": "Prospecting",
        "CloseDate": "2025-01-01",
    }
    body = {
        "allOrNone": False,
        "records": [
            {**deal, "MailTrixy_Deal_Id__c": "U-1"},
            {**deal, "MailTrixy_Deal_Id__c": "U-2"},
        ],
    }
    first = api.patch("composite/sobjects/Opportunity/MailTrixy_Deal_Id__c", json=body).json()
    assert [r["created"] for r in first] == [True, True]
    again = api.patch("composite/sobjects/Opportunity/MailTrixy_Deal_Id__c", json=body).json()
    assert [r["created"] for r in again] == [False, False]
    assert [r["id"] for r in again] == [r["id"] for r in first]
    assert list(again[0]) == ["id", "success", "errors", "created"]


def test_delete_by_ids_with_a_malformed_id(api: httpx.Client) -> None:
    record_id = api.post("sobjects/Account", json={"Name": "Col E"}).json()["id"]
    response = api.delete(
        "composite/sobjects",
        params={"ids": f"{record_id},001RM000003oLrB000", "allOrNone": "false"},
    )
    assert response.status_code == 200
    results = response.json()
    assert results[0] == {"id": record_id, "success": True, "errors": []}
    assert results[1] == {
        "success": False,
        "errors": [
            {
                "statusCode": "MALFORMED_ID",
                "message": "malformed id 001RM000003oLrB000",
                "fields": [],
            }
        ],
    }


def test_more_than_200_records_is_a_400(api: httpx.Client) -> None:
    body = {"records": [account(f"Col F{i}") for i in range(201)]}
    response = api.post("composite/sobjects", json=body)
    assert response.status_code == 400 and response.json()[0]["errorCode"] == "EXCEEDED_ID_LIMIT"


def test_retrieve_by_ids(api: httpx.Client) -> None:
    record_id = api.post("sobjects/Account", json={"Name": "Col G"}).json()["id"]
    body = api.get("composite/sobjects/Account", params={"ids": record_id, "fields": "Name"}).json()
    assert body[0]["Name"] == "Col G"


def test_lock_row_fault_fails_single_items(api: httpx.Client, org: object) -> None:

    assert isinstance(org, OrgSetup)
    org.server.control.set_faults(org.org_id, lock_row_rate=1.0)
    results = api.post("composite/sobjects", json={"records": [account("Col H")]}).json()
    assert results[0]["errors"][0]["statusCode"] == "UNABLE_TO_LOCK_ROW"
