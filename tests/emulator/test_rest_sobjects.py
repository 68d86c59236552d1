"""Versions, CRUD, describe, limits and the Sforce-Limit-Info header (§2.1-2.3, §2.7-2.8)."""

from __future__ import annotations

import re

import httpx

from salesforce_emulator.testing import EmulatorServer, OrgSetup

JSON = "application/json;charset=UTF-8"


def test_versions_list_needs_no_session_and_has_no_limit_header(emulator: EmulatorServer) -> None:
    response = httpx.get(f"{emulator.base_url}/services/data/")
    assert response.status_code == 200 and "sforce-limit-info" not in response.headers
    body = response.json()
    assert body[0] == {"label": "Summer '14", "url": "/services/data/v31.0", "version": "31.0"}
    assert body[-1] == {"label": "Winter '25", "url": "/services/data/v62.0", "version": "62.0"}
    assert len(body) == 32


def test_retired_version_is_410(api: httpx.Client, org: OrgSetup) -> None:
    response = api.get(f"{org.base_url}/services/data/v30.0/limits")
    assert response.status_code == 410


def test_create_returns_201_with_id_success_errors(api: httpx.Client) -> None:
    response = api.post("sobjects/Account", json={"Name": "Acme"})
    assert response.status_code == 201
    assert response.headers["content-type"] == JSON
    body = response.json()
    assert list(body) == ["id", "success", "errors"]
    assert body["success"] is True and body["errors"] == [] and body["id"].startswith("001")


def test_every_response_carries_sforce_limit_info(api: httpx.Client) -> None:
    first = api.get("limits")
    second = api.get("sobjects/Account/001000000000000AAA")
    used_first = int(re.fullmatch(r"api-usage=(\d+)/15000", first.headers["sforce-limit-info"])[1])
    assert second.headers["sforce-limit-info"] == f"api-usage={used_first + 1}/15000"


def test_read_returns_attributes_and_requested_fields(api: httpx.Client) -> None:
    record_id = api.post(
        "sobjects/Contact", json={"LastName": "Doe", "Email": "j@d.example"}
    ).json()["id"]
    body = api.get(f"sobjects/Contact/{record_id}", params={"fields": "LastName,Email"}).json()
    assert body == {
        "attributes": {
            "type": "Contact",
            "url": f"/services/data/v62.0/sobjects/Contact/{record_id}",
        },
        "LastName": "Doe",
        "Email": "j@d.example",
    }


def test_datetimes_are_milliseconds_with_offset_without_colon(api: httpx.Client) -> None:
    record_id = api.post("sobjects/Account", json={"Name": "Acme"}).json()["id"]
    stamp = api.get(f"sobjects/Account/{record_id}").json()["SystemModstamp"]
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}\+0000", stamp)


def test_update_is_204_and_method_override_works(api: httpx.Client) -> None:
    record_id = api.post("sobjects/Account", json={"Name": "Acme"}).json()["id"]
    assert api.patch(f"sobjects/Account/{record_id}", json={"Name": "Acme 2"}).status_code == 204
    override = api.post(
        f"sobjects/Account/{record_id}", params={"_HttpMethod": "PATCH"}, json={"Name": "Acme 3"}
    )
    assert override.status_code == 204 and override.content == b""
    assert api.get(f"sobjects/Account/{record_id}").json()["Name"] == "Acme 3"


def test_delete_is_204_then_entity_is_deleted(api: httpx.Client) -> None:
    record_id = api.post("sobjects/Account", json={"Name": "Acme"}).json()["id"]
    assert api.delete(f"sobjects/Account/{record_id}").status_code == 204
    again = api.delete(f"sobjects/Account/{record_id}")
    assert again.status_code == 404 and again.json()[0]["errorCode"] == "ENTITY_IS_DELETED"


def test_missing_required_field(api: httpx.Client) -> None:
    response = api.post("sobjects/Contact", json={"FirstName": "Ann"})
    assert response.status_code == 400
    assert response.json() == [
        {
            "message": "Required fields are missing: [LastName]",
            "errorCode": "REQUIRED_FIELD_MISSING",
            "fields": ["LastName"],
        }
    ]


def test_unknown_object_is_not_found(api: httpx.Client) -> None:
    response = api.get("sobjects/Nope__c/describe")
    assert response.status_code == 404
    assert response.json() == [
        {"message": "The requested resource does not exist", "errorCode": "NOT_FOUND"}
    ]


def test_bad_json_is_json_parser_error(api: httpx.Client) -> None:
    response = api.post(
        "sobjects/Account", content=b"{not json", headers={"Content-Type": "application/json"}
    )
    assert response.status_code == 400 and response.json()[0]["errorCode"] == "JSON_PARSER_ERROR"


def test_describe_global_lists_the_objects(api: httpx.Client) -> None:
    body = api.get("sobjects/").json()
    names = {o["name"] for o in body["sobjects"]}
    assert {"Account", "Contact", "Opportunity", "OpportunityStage", "User"} <= names


def test_basic_info_has_object_describe_and_recent_items(api: httpx.Client) -> None:
    body = api.get("sobjects/Contact").json()
    assert set(body) == {"objectDescribe", "recentItems"}
    assert body["objectDescribe"]["keyPrefix"] == "003"


def test_describe_fields_have_the_documented_keys(api: httpx.Client) -> None:
    body = api.get("sobjects/Opportunity/describe").json()
    fields = {f["name"]: f for f in body["fields"]}
    for key in ("name", "type", "label", "length", "nillable", "createable", "updateable",
                "defaultedOnCreate", "picklistValues", "referenceTo", "relationshipName",
                "externalId", "idLookup", "unique", "caseSensitive"):  # fmt: skip
        assert key in fields["StageName"]
    stage = fields["StageName"]["picklistValues"][0]
    assert list(stage) == ["active", "defaultValue", "label", "validFor", "value"]
    assert fields["MailTrixy_Deal_Id__c"]["externalId"] is True
    assert (
        fields["AccountId"]["referenceTo"] == ["Account"]
        and fields["AccountId"]["relationshipName"] == "Account"
    )
    children = {
        c["relationshipName"]
        for c in api.get("sobjects/Account/describe").json()["childRelationships"]
    }
    assert {"Contacts", "Opportunities"} <= children


def test_limits_report_daily_api_requests(api: httpx.Client) -> None:
    body = api.get("limits/").json()
    assert body["DailyApiRequests"]["Max"] == 15000
    assert body["DailyApiRequests"]["Remaining"] == 14999  # this request is the org's first


def test_daily_allocation_is_enforced_with_request_limit_exceeded(org: OrgSetup) -> None:
    org.server.control.set_faults(org.org_id, daily_api_limit=3)
    org.server.control.reset_counters(org.org_id, usage=True)
    with org.api() as api:
        statuses = [api.get("limits").status_code for _ in range(4)]
        refused = api.get("limits")
    assert statuses == [200, 200, 200, 403]
    assert refused.json() == [
        {"message": "TotalRequests Limit exceeded.", "errorCode": "REQUEST_LIMIT_EXCEEDED"}
    ]
    assert refused.headers["sforce-limit-info"] == "api-usage=3/3"


def test_get_updated_and_get_deleted_report_by_time_window(api: httpx.Client) -> None:
    record_id = api.post("sobjects/Account", json={"Name": "Replicated"}).json()["id"]
    api.delete(f"sobjects/Account/{record_id}")
    window = {"start": "2000-01-01T00:00:00+00:00", "end": "2100-01-01T00:00:00+00:00"}
    updated = api.get("sobjects/Account/updated/", params=window).json()
    assert set(updated) == {"ids", "latestDateCovered"} and record_id not in updated["ids"]
    deleted = api.get("sobjects/Account/deleted/", params=window).json()
    assert set(deleted) == {"deletedRecords", "earliestDateAvailable", "latestDateCovered"}
    assert [r["id"] for r in deleted["deletedRecords"]] == [record_id]
    assert list(deleted["deletedRecords"][0]) == ["id", "deletedDate"]
