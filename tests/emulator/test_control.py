"""The control API: orgs, users, apps, tokens, counters; and the org options it passes on."""

from __future__ import annotations

from collections.abc import Callable

import httpx
import pytest

from salesforce_emulator.testing import EmulatorServer, OrgSetup, setup_org


def test_create_org_reports_ids_and_urls(emulator: EmulatorServer) -> None:
    org = emulator.control.create_org(name="Control Co", currency="EUR")
    assert org["org_id"].startswith("00D") and len(org["org_id"]) == 18
    assert org["org_id_15"] == org["org_id"][:15]
    assert org["currency"] == "EUR" and org["instance_url"] == emulator.base_url
    assert any(o["org_id"] == org["org_id"] for o in emulator.control.orgs())


def test_orgs_with_the_same_name_get_distinct_ids(emulator: EmulatorServer) -> None:
    first = emulator.control.create_org(name="Same Name")
    second = emulator.control.create_org(name="Same Name")
    assert first["org_id"] != second["org_id"]


def test_org_without_external_id_field(emulator: EmulatorServer) -> None:
    org = setup_org(emulator, external_id_field=False)
    with org.api() as api:
        fields = {f["name"] for f in api.get("sobjects/Opportunity/describe").json()["fields"]}
    assert "MailTrixy_Deal_Id__c" not in fields


def test_multi_currency_org_has_currency_iso_code(emulator: EmulatorServer) -> None:
    org = setup_org(emulator, multi_currency=True)
    with org.api() as api:
        fields = {f["name"] for f in api.get("sobjects/Opportunity/describe").json()["fields"]}
    assert "CurrencyIsoCode" in fields


def refused(call: Callable[[], object]) -> tuple[int, str]:
    """The status and the error of a control call the emulator refuses."""
    with pytest.raises(httpx.HTTPStatusError) as caught:
        call()
    return caught.value.response.status_code, caught.value.response.json()["error"]


def test_usernames_are_unique_across_orgs(org: OrgSetup) -> None:
    other = org.server.control.create_org(name="Other")
    assert refused(lambda: org.server.control.create_user(other["org_id"], org.username, "pw")) == (
        400,
        f"username {org.username} is already taken",
    )


def test_issue_tokens_for_an_unknown_app_is_refused(org: OrgSetup) -> None:
    assert refused(
        lambda: org.server.control.issue_tokens(org.org_id, "no-such-key", org.username)
    ) == (400, "no connected app with that consumer key")


def test_counters_reset(org: OrgSetup, api: httpx.Client) -> None:
    api.get("limits")
    assert org.server.control.counters(org.org_id)["api_requests"]["limits"] == 1
    org.server.control.reset_counters(org.org_id)
    counters = org.server.control.counters(org.org_id)
    assert counters["api_requests"] == {} and counters["soql_queries"] == 0


def test_unknown_org_is_404(emulator: EmulatorServer) -> None:
    response = httpx.get(f"{emulator.base_url}/_emulator/orgs/00D000000000000AAA/counters")
    assert response.status_code == 404


def test_admin_password_lets_the_admin_log_in(emulator: EmulatorServer) -> None:
    org = emulator.control.create_org(
        name="Admin Login", admin_username="boss@admin-login.example", admin_password="s3cret"
    )
    assert org["admin_username"] == "boss@admin-login.example"
    emulator.control.create_app(org["org_id"], "admin-key", "admin-secret", "http://localhost/cb")
    tokens = emulator.control.issue_tokens(org["org_id"], "admin-key", "boss@admin-login.example")
    assert tokens["id"].endswith(org["admin_user_id"])
