"""Bulk API 2.0 query jobs: create, poll, CSV results by Sforce-Locator, abort, delete (§6.1)."""

from __future__ import annotations

import csv
import io

import httpx
import pytest

from salesforce_emulator.rest import bulk_query
from salesforce_emulator.testing import EmulatorServer, OrgSetup
from salesforce_emulator.testing import setup_org as make_org

SOQL = (
    "SELECT Id, LastName, Email, Account.Name, IsDeleted, SystemModstamp FROM Contact ORDER BY Id"
)


@pytest.fixture(scope="module")
def big_org(emulator: EmulatorServer) -> OrgSetup:
    return make_org(emulator, contacts=2500)


def create(api: httpx.Client, soql: str = SOQL, operation: str = "query") -> httpx.Response:
    body = {"operation": operation, "query": soql, "contentType": "CSV", "lineEnding": "LF"}
    return api.post("jobs/query", json=body)


def read_all(api: httpx.Client, job_id: str, max_records: int) -> tuple[list[dict[str, str]], int]:
    rows: list[dict[str, str]] = []
    locator, pages = "", 0
    while True:
        params = {"maxRecords": str(max_records), **({"locator": locator} if locator else {})}
        answer = api.get(f"jobs/query/{job_id}/results", params=params)
        assert answer.status_code == 200 and answer.headers["content-type"].startswith("text/csv")
        page = list(csv.DictReader(io.StringIO(answer.text)))
        assert int(answer.headers["Sforce-NumberOfRecords"]) == len(page)
        rows.extend(page)
        pages += 1
        locator = answer.headers["Sforce-Locator"]
        if locator == "null":
            return rows, pages


def test_a_job_is_created_completes_and_serves_every_row_as_csv(big_org: OrgSetup) -> None:
    with big_org.api() as api:
        job = create(api).json()
        assert job["state"] == "UploadComplete" and job["id"].startswith("750")
        assert job["object"] == "Contact" and job["apiVersion"] == 62.0
        status = api.get(f"jobs/query/{job['id']}").json()
        assert status["state"] == "JobComplete" and status["numberRecordsProcessed"] == 2500
        rows, pages = read_all(api, job["id"], max_records=1000)
        rest = api.get("query", params={"q": SOQL}).json()["records"]
    assert pages == 3 and len(rows) == 2500
    assert list(rows[0]) == [
        "Id",
        "LastName",
        "Email",
        "Account.Name",
        "IsDeleted",
        "SystemModstamp",
    ]
    assert len({r["Id"] for r in rows}) == 2500
    first = rest[0]
    assert rows[0]["Id"] == first["Id"] and rows[0]["LastName"] == first["LastName"]
    assert rows[0]["Account.Name"] == ((first["Account"] or {}).get("Name") or "")
    assert rows[0]["IsDeleted"] == "false"
    assert rows[0]["SystemModstamp"] == first["SystemModstamp"].replace("+0000", "Z")


def test_nulls_are_empty_fields(big_org: OrgSetup) -> None:
    with big_org.api() as api:
        soql = "SELECT Id, Phone, Account.Name FROM Contact WHERE AccountId = null LIMIT 5"
        expected = api.get("query", params={"q": soql}).json()["records"]
        job = create(api, soql).json()
        rows, _ = read_all(api, job["id"], max_records=50_000)
    assert [r["Id"] for r in rows] == [r["Id"] for r in expected]
    assert all(r["Account.Name"] == "" for r in rows)


def test_each_call_counts_once_by_kind(big_org: OrgSetup) -> None:
    big_org.server.control.reset_counters(big_org.org_id)
    with big_org.api() as api:
        job = create(api).json()
        api.get(f"jobs/query/{job['id']}")
        read_all(api, job["id"], max_records=2000)
        assert api.delete(f"jobs/query/{job['id']}").status_code == 204
        assert api.get(f"jobs/query/{job['id']}").status_code == 404
    counters = big_org.server.control.counters(big_org.org_id)["api_requests"]
    assert counters["bulk_query_create"] == 1 and counters["bulk_query_results"] == 2
    assert counters["bulk_query_info"] == 2 and counters["bulk_query_delete"] == 1


def test_the_last_page_can_be_read_again_but_not_a_locator_from_elsewhere(
    big_org: OrgSetup,
) -> None:
    with big_org.api() as api:
        job_id = create(api).json()["id"]
        url = f"jobs/query/{job_id}/results"
        first = api.get(url, params={"maxRecords": "1000"})
        again = api.get(url, params={"maxRecords": "1000"})
        assert again.text == first.text
        assert again.headers["Sforce-Locator"] == first.headers["Sforce-Locator"]
        wrong = api.get(url, params={"locator": "MTAzz", "maxRecords": "1000"})
    assert wrong.status_code == 400


def test_query_all_includes_deleted_rows(emulator: EmulatorServer) -> None:
    # An org of its own: the module's big org must keep all its 2,500 contacts for the others.
    org = make_org(emulator, contacts=5)
    with org.api() as api:
        victim = api.get("query", params={"q": "SELECT Id FROM Contact LIMIT 1"}).json()
        victim_id = victim["records"][0]["Id"]
        assert api.delete(f"sobjects/Contact/{victim_id}").status_code == 204
        soql = f"SELECT Id, IsDeleted FROM Contact WHERE Id = '{victim_id}'"
        live, _ = read_all(api, create(api, soql).json()["id"], 100)
        every, _ = read_all(api, create(api, soql, "queryAll").json()["id"], 100)
    assert live == [] and every == [{"Id": victim_id, "IsDeleted": "true"}]


@pytest.mark.parametrize(
    "soql",
    [
        "SELECT COUNT() FROM Contact",
        "SELECT Id, (SELECT Id FROM Contacts) FROM Account",
        "SELECT Id FROM Contact LIMIT 10 OFFSET 5",
    ],
)
def test_unsupported_queries_are_refused(big_org: OrgSetup, soql: str) -> None:
    with big_org.api() as api:
        answer = create(api, soql)
    assert answer.status_code == 400 and answer.json()[0]["errorCode"] == "INVALIDJOB"


def test_a_malformed_query_is_refused(big_org: OrgSetup) -> None:
    with big_org.api() as api:
        answer = create(api, "SELECT FROM")
    assert answer.status_code == 400 and answer.json()[0]["errorCode"] == "MALFORMED_QUERY"


def test_a_job_in_progress_has_no_results_yet_and_can_be_aborted(
    big_org: OrgSetup, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(bulk_query, "PROCESSING_SECONDS", 60.0)
    with big_org.api() as api:
        job_id = create(api).json()["id"]
        assert api.get(f"jobs/query/{job_id}").json()["state"] == "InProgress"
        early = api.get(f"jobs/query/{job_id}/results")
        aborted = api.patch(f"jobs/query/{job_id}", json={"state": "Aborted"})
    assert early.status_code == 400
    assert aborted.status_code == 200 and aborted.json()["state"] == "Aborted"


def test_results_need_the_creating_api_version(big_org: OrgSetup) -> None:
    with big_org.api() as api, big_org.api("61.0") as older:
        job_id = create(api).json()["id"]
        answer = older.get(f"jobs/query/{job_id}/results")
    assert answer.status_code == 409
