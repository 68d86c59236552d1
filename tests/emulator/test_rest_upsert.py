"""Upsert by external id: 201, 200 created:false (v46+), 204 (v45), 300, NOT_FOUND (§2.3)."""

from __future__ import annotations

import httpx

from salesforce_emulator.testing import OrgSetup

DEAL = {"Name": "Big deal", "StageName": "Prospecting", "CloseDate": "2025-06-30"}


def test_upsert_creates_with_201_and_created_true(api: httpx.Client) -> None:
    response = api.patch("sobjects/Opportunity/MailTrixy_Deal_Id__c/D-1", json=DEAL)
    assert response.status_code == 201
    body = response.json()
    assert list(body) == ["id", "success", "errors", "created"] and body["created"] is True


def test_upsert_updates_with_200_and_created_false(api: httpx.Client) -> None:
    first = api.patch("sobjects/Opportunity/MailTrixy_Deal_Id__c/D-2", json=DEAL).json()
    response = api.patch("sobjects/Opportunity/MailTrixy_Deal_Id__c/D-2", json={"Amount": 42})
    assert response.status_code == 200
    assert response.json() == {"id": first["id"], "success": True, "errors": [], "created": False}


def test_upsert_update_before_v46_is_204_without_body(org: OrgSetup) -> None:
    with org.api("45.0") as old:
        assert (
            old.patch("sobjects/Opportunity/MailTrixy_Deal_Id__c/D-3", json=DEAL).status_code == 201
        )
        response = old.patch("sobjects/Opportunity/MailTrixy_Deal_Id__c/D-3", json={"Amount": 1})
    assert response.status_code == 204 and response.content == b""


def test_external_id_value_is_url_decoded(api: httpx.Client) -> None:
    api.patch("sobjects/Opportunity/MailTrixy_Deal_Id__c/a%2Fb%20c", json=DEAL)
    record = api.get("sobjects/Opportunity/MailTrixy_Deal_Id__c/a%2Fb%20c").json()
    assert record["MailTrixy_Deal_Id__c"] == "a/b c"


def test_unknown_external_id_field_is_not_found(api: httpx.Client) -> None:
    response = api.patch("sobjects/Opportunity/Namez/1", json=DEAL)
    assert response.status_code == 404
    assert response.json() == [
        {
            "message": "Provided external ID field does not exist or is not accessible: Namez",
            "errorCode": "NOT_FOUND",
        }
    ]


def test_several_matches_answer_300_with_record_urls(api: httpx.Client, org: OrgSetup) -> None:
    first = api.patch("sobjects/Opportunity/MailTrixy_Deal_Id__c/D-5", json=DEAL).json()["id"]
    second = api.patch("sobjects/Opportunity/MailTrixy_Deal_Id__c/D-6", json=DEAL).json()["id"]
    # The field is unique, so only a write behind the API's back can make two records share it.
    store = org.server.registry.get(org.org_id).org
    with store.lock:
        store.connection.execute(
            'UPDATE "Opportunity" SET "MailTrixy_Deal_Id__c" = ? WHERE "Id" = ?', ("D-5", second)
        )
    response = api.patch("sobjects/Opportunity/MailTrixy_Deal_Id__c/D-5", json={"Amount": 1})
    assert response.status_code == 300
    assert sorted(response.json()) == sorted(
        f"/services/data/v62.0/sobjects/Opportunity/{i}" for i in (first, second)
    )


def test_record_by_id_field_path(api: httpx.Client) -> None:
    first = api.patch("sobjects/Opportunity/MailTrixy_Deal_Id__c/D-7", json=DEAL).json()["id"]
    response = api.get(f"sobjects/Opportunity/Id/{first}")
    assert response.status_code == 200 and response.json()["Id"] == first


def test_upsert_with_update_only_does_not_create(api: httpx.Client) -> None:
    response = api.patch(
        "sobjects/Opportunity/MailTrixy_Deal_Id__c/none", params={"updateOnly": "true"}, json=DEAL
    )
    assert response.status_code == 404
    soql = "SELECT COUNT() FROM Opportunity WHERE MailTrixy_Deal_Id__c = 'none'"
    assert api.get("query", params={"q": soql}).json()["totalSize"] == 0


def test_upsert_validation_errors_are_error_arrays(api: httpx.Client) -> None:
    response = api.patch("sobjects/Opportunity/MailTrixy_Deal_Id__c/D-4", json={"Name": "No stage"})
    assert (
        response.status_code == 400 and response.json()[0]["errorCode"] == "REQUIRED_FIELD_MISSING"
    )


def test_post_to_sobject_id_creates(api: httpx.Client) -> None:
    response = api.post("sobjects/Account/Id", json={"Name": "Via Id"})
    assert response.status_code == 201 and response.json()["created"] is True
