"""Composite: references, allOrNone with PROCESSING_HALTED, limits, one API request (§2.5)."""

from __future__ import annotations

from typing import Any

import httpx

from salesforce_emulator.testing import OrgSetup

V = "/services/data/v62.0"
HALTED = [
    {
        "errorCode": "PROCESSING_HALTED",
        "message": "The transaction was rolled back since another operation in the same "
        "transaction failed.",
    }
]


def sub(method: str, url: str, ref: str, body: Any = None) -> dict[str, Any]:
    request: dict[str, Any] = {"method": method, "url": V + url, "referenceId": ref}
    if body is not None:
        request["body"] = body
    return request


def run(
    api: httpx.Client, subrequests: list[dict[str, Any]], all_or_none: bool = False
) -> httpx.Response:
    return api.post("composite", json={"allOrNone": all_or_none, "compositeRequest": subrequests})


def test_references_chain_ids_between_subrequests(api: httpx.Client) -> None:
    response = run(
        api,
        [
            sub("POST", "/sobjects/Account", "newAccount", {"Name": "Comp A"}),
            sub(
                "POST",
                "/sobjects/Contact",
                "newContact",
                {"LastName": "Smith", "AccountId": "@{newAccount.id}"},
            ),
            sub(
                "GET",
                "/query?q=SELECT+Id,AccountId+FROM+Contact+WHERE+Id='@{newContact.id}'",
                "found",
            ),
            sub(
                "PATCH",
                "/sobjects/Account/@{found.records[0].AccountId}",
                "rename",
                {"Name": "Comp A2"},
            ),
        ],
    )
    assert response.status_code == 200
    answers = response.json()["compositeResponse"]
    assert [a["httpStatusCode"] for a in answers] == [201, 201, 200, 204]
    assert list(answers[0]) == ["body", "httpHeaders", "httpStatusCode", "referenceId"]
    account_id = answers[0]["body"]["id"]
    assert answers[0]["httpHeaders"] == {"Location": f"{V}/sobjects/Account/{account_id}"}
    assert answers[3] == {
        "body": None,
        "httpHeaders": {},
        "httpStatusCode": 204,
        "referenceId": "rename",
    }
    assert api.get(f"sobjects/Account/{account_id}").json()["Name"] == "Comp A2"


def test_composite_all_or_none_halts_others_with_processing_halted(api: httpx.Client) -> None:
    answers = run(
        api,
        [
            sub("POST", "/sobjects/Account", "good", {"Name": "Comp B"}),
            sub("POST", "/sobjects/Contact", "bad", {"FirstName": "No last name"}),
            sub("POST", "/sobjects/Account", "later", {"Name": "Comp B later"}),
        ],
        all_or_none=True,
    ).json()["compositeResponse"]
    assert answers[0] == {
        "body": HALTED,
        "httpHeaders": {},
        "httpStatusCode": 400,
        "referenceId": "good",
    }
    assert (
        answers[1]["httpStatusCode"] == 400
        and answers[1]["body"][0]["errorCode"] == "REQUIRED_FIELD_MISSING"
    )
    assert answers[2]["body"] == HALTED
    count = api.get(
        "query", params={"q": "SELECT COUNT() FROM Account WHERE Name LIKE 'Comp B%'"}
    ).json()
    assert count["totalSize"] == 0


def test_without_all_or_none_only_dependants_of_a_failure_are_skipped(api: httpx.Client) -> None:
    answers = run(
        api,
        [
            sub("POST", "/sobjects/Account", "bad", {"Website": "no name"}),
            sub(
                "POST",
                "/sobjects/Contact",
                "dependant",
                {"LastName": "X", "AccountId": "@{bad.id}"},
            ),
            sub("POST", "/sobjects/Account", "independent", {"Name": "Comp C"}),
        ],
    ).json()["compositeResponse"]
    assert answers[0]["httpStatusCode"] == 400
    assert (
        answers[1]["httpStatusCode"] == 400
        and answers[1]["body"][0]["errorCode"] == "PROCESSING_HALTED"
    )
    assert answers[2]["httpStatusCode"] == 201


def test_composite_counts_as_one_api_request(api: httpx.Client, org: OrgSetup) -> None:
    org.server.control.reset_counters(org.org_id)
    run(
        api,
        [
            sub("POST", "/sobjects/Account", "a", {"Name": "Comp D"}),
            sub("GET", "/query?q=SELECT+Id+FROM+Account", "q"),
        ],
    )
    counters = org.server.control.counters(org.org_id)
    assert counters["api_requests"] == {"composite": 1}
    assert counters["soql_queries"] == 1


def test_more_than_25_subrequests_is_rejected(api: httpx.Client) -> None:
    many = [sub("GET", "/limits", f"r{i}") for i in range(26)]
    assert run(api, many).status_code == 400


def test_more_than_5_queries_is_rejected(api: httpx.Client) -> None:
    queries = [sub("GET", "/query?q=SELECT+Id+FROM+Account", f"q{i}") for i in range(6)]
    assert run(api, queries).status_code == 400


def test_forbidden_subrequest_headers_are_rejected(api: httpx.Client) -> None:
    request = {**sub("GET", "/limits", "l"), "httpHeaders": {"Authorization": "Bearer x"}}
    assert run(api, [request]).status_code == 400


def test_upsert_in_composite_reports_created(api: httpx.Client) -> None:
    deal = {"Name": "Comp E", "StageName": "Prospecting", "CloseDate": "2025-01-01"}
    answers = run(
        api, [sub("PATCH", "/sobjects/Opportunity/MailTrixy_Deal_Id__c/CE-1", "up", deal)]
    ).json()
    assert answers["compositeResponse"][0]["body"]["created"] is True


def test_outer_all_or_none_overrides_a_collection_inside(api: httpx.Client) -> None:
    records = [
        {"attributes": {"type": "Account"}, "Name": "Comp F"},
        {"attributes": {"type": "Account"}},
    ]
    answers = run(
        api,
        [
            sub("POST", "/composite/sobjects", "col", {"allOrNone": False, "records": records}),
            sub("POST", "/sobjects/Account", "other", {"Name": "Comp F other"}),
        ],
        all_or_none=True,
    ).json()["compositeResponse"]
    assert answers[1]["body"] == HALTED
    count = api.get(
        "query", params={"q": "SELECT COUNT() FROM Account WHERE Name LIKE 'Comp F%'"}
    ).json()
    assert count["totalSize"] == 0
