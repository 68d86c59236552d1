"""The pages a person uses: login, home, the record page with edit and delete, Setup."""

from __future__ import annotations

import re

import httpx
import pytest

from salesforce_emulator.testing import OrgSetup


@pytest.fixture
def browser(org: OrgSetup) -> httpx.Client:
    client = httpx.Client(base_url=org.base_url)
    response = client.post(
        "/login", data={"username": org.username, "password": org.password, "next": "/home"}
    )
    assert response.status_code == 303
    return client


def csrf(page: httpx.Response) -> str:
    found = re.search(r'name="csrf" value="([^"]+)"', page.text)
    assert found is not None
    return found[1]


def test_record_page_needs_login(org: OrgSetup, api: httpx.Client) -> None:
    record_id = api.post("sobjects/Account", json={"Name": "Page Co"}).json()["id"]
    response = httpx.get(f"{org.base_url}/lightning/r/Account/{record_id}/view")
    assert response.status_code == 303 and response.headers["location"].startswith("/login?next=")


def test_record_page_shows_the_record(browser: httpx.Client, api: httpx.Client) -> None:
    record_id = api.post(
        "sobjects/Contact", json={"LastName": "Lovelace", "Email": "ada@page.example"}
    ).json()["id"]
    page = browser.get(f"/lightning/r/Contact/{record_id}/view")
    assert page.status_code == 200
    assert "Lovelace" in page.text and "ada@page.example" in page.text


def test_editing_on_the_record_page_writes_only_changes(
    browser: httpx.Client, api: httpx.Client
) -> None:
    record_id = api.post(
        "sobjects/Contact", json={"LastName": "Hopper", "Title": "Admiral"}
    ).json()["id"]
    before = api.get(f"sobjects/Contact/{record_id}").json()
    page = browser.get(f"/lightning/r/Contact/{record_id}/view")
    form = {
        "csrf": csrf(page),
        "LastName": "Hopper",
        "Title": "Rear Admiral",
        "Email": "",
        "FirstName": "",
    }
    saved = browser.post(f"/lightning/r/Contact/{record_id}/edit", data=form)
    assert saved.status_code == 303 and saved.headers["location"].endswith("/view?saved=1")
    after = api.get(f"sobjects/Contact/{record_id}").json()
    assert after["Title"] == "Rear Admiral" and after["LastName"] == "Hopper"
    assert after["SystemModstamp"] > before["SystemModstamp"]


def test_edit_errors_are_shown_on_the_page(browser: httpx.Client, api: httpx.Client) -> None:
    record_id = api.post("sobjects/Contact", json={"LastName": "Turing"}).json()["id"]
    page = browser.get(f"/lightning/r/Contact/{record_id}/view")
    response = browser.post(
        f"/lightning/r/Contact/{record_id}/edit", data={"csrf": csrf(page), "LastName": ""}
    )
    assert response.status_code == 400 and "Required fields are missing" in response.text


def test_delete_on_the_record_page_sends_the_record_to_the_recycle_bin(
    browser: httpx.Client, api: httpx.Client
) -> None:
    record_id = api.post("sobjects/Account", json={"Name": "Doomed"}).json()["id"]
    page = browser.get(f"/lightning/r/Account/{record_id}/view")
    assert (
        browser.post(
            f"/lightning/r/Account/{record_id}/delete", data={"csrf": csrf(page)}
        ).status_code
        == 303
    )
    soql = f"SELECT IsDeleted FROM Account WHERE Id = '{record_id}'"
    assert api.get("queryAll", params={"q": soql}).json()["records"][0]["IsDeleted"] is True
    assert browser.get(f"/lightning/r/Account/{record_id}/view").status_code == 404


def test_forms_without_csrf_are_refused(browser: httpx.Client, api: httpx.Client) -> None:
    record_id = api.post("sobjects/Account", json={"Name": "Safe"}).json()["id"]
    browser.post(f"/lightning/r/Account/{record_id}/delete", data={"csrf": "forged"})
    assert api.get(f"sobjects/Account/{record_id}").status_code == 200


def test_home_lists_records(browser: httpx.Client, api: httpx.Client) -> None:
    api.post("sobjects/Account", json={"Name": "Listed Co"})
    assert "Listed Co" in browser.get("/home").text


def test_setup_page_creates_a_connected_app(browser: httpx.Client, org: OrgSetup) -> None:
    page = browser.get("/setup/connected-apps")
    form = {
        "csrf": csrf(page), "name": "From Setup", "consumer_key": "setup-key",
        "consumer_secret": "setup-secret", "callback_urls": "http://localhost:9999/cb",
    }  # fmt: skip
    assert browser.post("/setup/connected-apps", data=form).status_code == 303
    assert "setup-key" in browser.get("/setup/connected-apps").text
    tokens = org.server.control.issue_tokens(org.org_id, "setup-key", org.username)
    assert tokens["access_token"]


def test_login_only_redirects_to_local_paths(org: OrgSetup) -> None:
    form = {"username": org.username, "password": org.password, "next": "https://evil.example/"}
    response = httpx.post(f"{org.base_url}/login", data=form)
    assert response.headers["location"] == "/home"


def browser_form(page: str) -> dict[str, str]:
    """What a browser submits for the edit form: every input, select and textarea as shown."""
    edit = page[page.index("/edit") :]
    form: dict[str, str] = {}
    for tag in re.findall(r"<input [^>]*>", edit):
        name = re.search(r'name="([^"]+)"', tag)
        value = re.search(r'value="([^"]*)"', tag)
        if name and ('type="checkbox"' not in tag or " checked" in tag):
            form[name[1]] = value[1] if value else "on"
    for name, options in re.findall(r'<select [^>]*name="([^"]+)">(.*?)</select>', edit):
        chosen = re.search(r'<option value="([^"]*)" selected>', options)
        form[name] = chosen[1] if chosen else ""
    for name, text in re.findall(r'<textarea [^>]*name="([^"]+)">(.*?)</textarea>', edit):
        form[name] = text
    return form


def test_submitting_the_whole_form_changes_only_the_edited_field(
    browser: httpx.Client, api: httpx.Client
) -> None:
    deal = {
        "Name": "Whole form",
        "StageName": "Prospecting",
        "CloseDate": "2025-03-01",
        "Amount": 1500,
    }
    record_id = api.post("sobjects/Opportunity", json=deal).json()["id"]
    before = api.get(f"sobjects/Opportunity/{record_id}").json()
    page = browser.get(f"/lightning/r/Opportunity/{record_id}/view").text
    form = {**browser_form(page), "StageName": "Closed Won"}
    assert browser.post(f"/lightning/r/Opportunity/{record_id}/edit", data=form).status_code == 303
    after = api.get(f"sobjects/Opportunity/{record_id}").json()
    assert after["StageName"] == "Closed Won" and after["IsWon"] is True
    derived = {"StageName", "IsWon", "IsClosed", "Probability", "ForecastCategoryName",
               "LastModifiedDate", "SystemModstamp", "ExpectedRevenue"}  # fmt: skip
    unchanged = {k for k in before if k not in derived}
    assert {k: after[k] for k in unchanged} == {k: before[k] for k in unchanged}
