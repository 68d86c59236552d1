"""query / queryAll with nextRecordsUrl paging, batch sizes, locators and query errors (§2.2)."""

from __future__ import annotations

import re

import httpx
import pytest

from salesforce_emulator.testing import EmulatorServer, OrgSetup
from salesforce_emulator.testing import setup_org as make_org


@pytest.fixture(scope="module")
def big_org(emulator: EmulatorServer) -> OrgSetup:
    return make_org(emulator, contacts=2500)


def get(api: httpx.Client, soql: str, path: str = "query", **headers: str) -> httpx.Response:
    return api.get(path, params={"q": soql}, headers=headers)


def test_first_page_has_2000_records_and_a_next_records_url(big_org: OrgSetup) -> None:
    with big_org.api() as api:
        body = get(api, "SELECT Id, LastName FROM Contact").json()
    assert list(body) == ["totalSize", "done", "nextRecordsUrl", "records"]
    assert body["totalSize"] == 2500 and body["done"] is False and len(body["records"]) == 2000
    assert re.fullmatch(r"/services/data/v62\.0/query/0r8\w{15}-2000", body["nextRecordsUrl"])


def test_following_next_records_url_reaches_the_end_with_full_total_size(big_org: OrgSetup) -> None:
    with big_org.api() as api:
        first = get(api, "SELECT Id FROM Contact ORDER BY Id").json()
        second = api.get(big_org.base_url + first["nextRecordsUrl"]).json()
    assert second["totalSize"] == 2500 and second["done"] is True and "nextRecordsUrl" not in second
    ids = [r["Id"] for r in first["records"] + second["records"]]
    assert len(ids) == len(set(ids)) == 2500


def test_batch_size_header_is_clamped_to_200_2000(big_org: OrgSetup) -> None:
    with big_org.api() as api:
        small = get(
            api, "SELECT Id FROM Contact", **{"Sforce-Query-Options": "batchSize=50"}
        ).json()
        medium = get(
            api, "SELECT Id FROM Contact", **{"Sforce-Query-Options": "batchSize=1000"}
        ).json()
    assert len(small["records"]) == 200 and small["nextRecordsUrl"].endswith("-200")
    assert len(medium["records"]) == 1000


def test_a_page_can_be_fetched_again_after_a_lost_answer(big_org: OrgSetup) -> None:
    with big_org.api() as api:
        first = get(api, "SELECT Id FROM Contact ORDER BY Id").json()
        again = [api.get(big_org.base_url + first["nextRecordsUrl"]).json() for _ in range(2)]
    assert again[0]["records"] == again[1]["records"]


def test_invalid_locator_is_400_invalid_query_locator(api: httpx.Client) -> None:
    response = api.get("query/0r85g0000009999AAA-2000")
    assert response.status_code == 400
    assert response.json() == [
        {"message": "invalid query locator", "errorCode": "INVALID_QUERY_LOCATOR"}
    ]


def test_query_all_includes_deleted_records_and_query_does_not(api: httpx.Client) -> None:
    created = api.post("sobjects/Account", json={"Name": "Gone Inc"}).json()["id"]
    api.delete(f"sobjects/Account/{created}")
    soql = f"SELECT Id, IsDeleted FROM Account WHERE Id = '{created}'"
    assert get(api, soql).json()["totalSize"] == 0
    records = get(api, soql, path="queryAll").json()["records"]
    assert records[0]["IsDeleted"] is True


def test_malformed_query_is_an_error_array_without_fields(api: httpx.Client) -> None:
    response = get(api, "SELEKT Id FROM Contact")
    assert response.status_code == 400
    body = response.json()
    assert body[0]["errorCode"] == "MALFORMED_QUERY" and set(body[0]) == {"message", "errorCode"}


def test_unknown_column_is_invalid_field(api: httpx.Client) -> None:
    response = get(api, "SELECT Bogus FROM Contact")
    assert response.status_code == 400 and response.json()[0]["errorCode"] == "INVALID_FIELD"


def test_missing_q_is_malformed_query(api: httpx.Client) -> None:
    assert api.get("query").json()[0]["errorCode"] == "MALFORMED_QUERY"


def test_count_query_reports_total_size(big_org: OrgSetup) -> None:
    with big_org.api() as api:
        body = get(api, "SELECT COUNT() FROM Contact").json()
    assert body == {"totalSize": 2500, "done": True, "records": []}


def test_queries_are_counted_as_soql_and_api_requests(big_org: OrgSetup) -> None:
    control = big_org.server.control
    with big_org.api() as api:
        control.reset_counters(big_org.org_id)
        first = get(api, "SELECT Id FROM Contact").json()
        api.get(big_org.base_url + first["nextRecordsUrl"])
        get(api, "SELECT Id FROM Contact LIMIT 1", path="queryAll")
    counters = control.counters(big_org.org_id)
    assert counters["api_requests"] == {"query": 1, "query_more": 1, "query_all": 1}
    assert counters["soql_queries"] == 2
