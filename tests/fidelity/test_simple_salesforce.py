"""simple-salesforce 1.12 (unmodified) over https with the emulator's local CA.

simple-salesforce rebuilds every URL as https, hence TLS. It cannot refresh an OAuth token itself
(it only re-logs in with a username and password, whose login URL it builds from
`{domain}.salesforce.com`), so the refresh test shows what it can do: it raises
SalesforceExpiredSession on our 401 array, the application refreshes at /services/oauth2/token,
and a new Salesforce object carries on with the new session id.
"""

from __future__ import annotations

import requests
from simple_salesforce import Salesforce
from simple_salesforce.exceptions import SalesforceExpiredSession

from salesforce_emulator.testing import OrgSetup

DEAL = {"Name": "simple-salesforce Deal", "StageName": "Prospecting", "CloseDate": "2025-06-30"}


def client(org: OrgSetup, session_id: str) -> Salesforce:
    session = requests.Session()
    session.verify = str(org.server.ca_pem)
    # Otherwise REQUESTS_CA_BUNDLE in the environment would override `verify` (a requests quirk).
    session.trust_env = False
    return Salesforce(
        instance_url=org.base_url, session_id=session_id, version="62.0", session=session
    )


def test_query_all_pages_through_more_than_2000_records(https_org: OrgSetup) -> None:
    sf = client(https_org, https_org.tokens()["access_token"])
    result = sf.query_all("SELECT Id, LastName FROM Contact")
    assert result["totalSize"] == 2500 and len({r["Id"] for r in result["records"]}) == 2500


def test_create_update_delete(https_org: OrgSetup) -> None:
    sf = client(https_org, https_org.tokens()["access_token"])
    created = sf.Account.create({"Name": "simple-salesforce Account"})
    assert created["success"] is True
    assert sf.Account.update(created["id"], {"Name": "renamed"}) == 204
    assert sf.Account.get(created["id"])["Name"] == "renamed"
    assert sf.Account.delete(created["id"]) == 204


def test_upsert_by_external_id(https_org: OrgSetup) -> None:
    sf = client(https_org, https_org.tokens()["access_token"])
    assert sf.Opportunity.upsert("MailTrixy_Deal_Id__c/SS-1", DEAL) == 201
    assert sf.Opportunity.upsert("MailTrixy_Deal_Id__c/SS-1", {"Amount": 10}) == 200
    record = sf.Opportunity.get_by_custom_id("MailTrixy_Deal_Id__c", "SS-1")
    assert record["Amount"] == 10


def test_collections_call(https_org: OrgSetup) -> None:
    sf = client(https_org, https_org.tokens()["access_token"])
    records = [{"attributes": {"type": "Account"}, "Name": f"SS Col {i}"} for i in range(3)]
    result = sf.restful(
        "composite/sobjects", method="POST", json={"allOrNone": True, "records": records}
    )
    assert [item["success"] for item in result] == [True, True, True]


def test_expired_session_then_refresh_and_carry_on(https_org: OrgSetup) -> None:
    tokens = https_org.tokens()
    sf = client(https_org, tokens["access_token"])
    https_org.server.control.expire_sessions(https_org.org_id)
    try:
        sf.query("SELECT Id FROM Account LIMIT 1")
    except SalesforceExpiredSession as expired:
        assert expired.status == 401
    else:
        raise AssertionError("the expired session was accepted")
    http = requests.Session()
    http.verify, http.trust_env = str(https_org.server.ca_pem), False
    refreshed = http.post(
        f"{https_org.base_url}/services/oauth2/token",
        data={
            "grant_type": "refresh_token",
            "refresh_token": tokens["refresh_token"],
            "client_id": https_org.app_key,
        },
        timeout=30,
    ).json()
    assert "refresh_token" not in refreshed
    assert (
        client(https_org, refreshed["access_token"]).query("SELECT Id FROM Account LIMIT 1")["done"]
        is True
    )


def test_api_usage_header_is_parsed(https_org: OrgSetup) -> None:
    sf = client(https_org, https_org.tokens()["access_token"])
    sf.query("SELECT Id FROM Account LIMIT 1")
    usage = sf.api_usage["api-usage"]
    assert (usage.used, usage.total) == (1, 15000)  # the org's first API request
