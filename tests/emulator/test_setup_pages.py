"""Setup over HTTP: Connected Apps says what it saved; OAuth Usage revokes a user's tokens."""

from __future__ import annotations

import html
import re

import httpx
import pytest

from salesforce_emulator.testing import OrgSetup, setup_org

# Salesforce's answers to a revoked token: REST (reference §1.8), the refresh grant (§1.5).
SESSION_EXPIRED = [{"message": "Session expired or invalid", "errorCode": "INVALID_SESSION_ID"}]
REFRESH_REFUSED = {"error": "invalid_grant", "error_description": "expired access/refresh token"}


@pytest.fixture
def setup(org: OrgSetup) -> httpx.Client:
    """The org's user, logged in to the emulator's pages."""
    client = httpx.Client(base_url=org.base_url)
    form = {"username": org.username, "password": org.password, "next": "/home"}
    assert client.post("/login", data=form).status_code == 303
    return client


def csrf(page: httpx.Response) -> str:
    found = re.search(r'name="csrf" value="([^"]+)"', page.text)
    assert found is not None
    return found[1]


def refresh(org: OrgSetup, refresh_token: str) -> httpx.Response:
    form = {"grant_type": "refresh_token", "refresh_token": refresh_token,
            "client_id": org.app_key, "client_secret": org.app_secret}  # fmt: skip
    return httpx.post(f"{org.base_url}/services/oauth2/token", data=form)


def limits(org: OrgSetup, access_token: str) -> httpx.Response:
    headers = {"Authorization": f"Bearer {access_token}"}
    return httpx.get(f"{org.base_url}/services/data/v62.0/limits", headers=headers)


def app_id(page: httpx.Response, key: str) -> str:
    found = re.search(rf'<tr id="app-(\d+)">(?:(?!</tr>).)*{re.escape(key)}', page.text)
    assert found is not None, page.text
    return found[1]


def test_creating_an_app_says_it_was_saved(setup: httpx.Client) -> None:
    form = {
        "csrf": csrf(setup.get("/setup/connected-apps")), "name": "Saved App",
        "consumer_key": "saved-key", "consumer_secret": "", "callback_urls": "http://x.test/cb",
    }  # fmt: skip
    created = setup.post("/setup/connected-apps", data=form)
    assert created.status_code == 303
    page = setup.get(created.headers["location"])
    assert "Saved the Connected App “Saved App”." in page.text
    assert 'role="status"' in page.text
    assert "Saved the" not in setup.get("/setup/connected-apps").text  # said once, not forever


def test_editing_an_app_keeps_its_key_and_an_empty_secret_keeps_the_secret(
    setup: httpx.Client, org: OrgSetup
) -> None:
    number = app_id(setup.get("/setup/connected-apps"), org.app_key)
    edit = setup.get(f"/setup/connected-apps/{number}/edit")
    assert edit.status_code == 200 and org.app_key in edit.text
    form = {"csrf": csrf(edit), "name": "Renamed", "consumer_secret": "",
            "callback_urls": f"{org.callback}\nhttp://second.test/cb",
            "rotate_refresh_tokens": "on"}  # fmt: skip
    saved = setup.post(f"/setup/connected-apps/{number}/edit", data=form)
    assert saved.status_code == 303
    assert "Saved the Connected App “Renamed”." in setup.get(saved.headers["location"]).text
    (app,) = org.server.control._call("GET", f"/_emulator/orgs/{org.org_id}/apps")
    assert (app["name"], app["consumer_key"]) == ("Renamed", org.app_key)
    assert app["callback_urls"] == [org.callback, "http://second.test/cb"]
    assert app["rotate_refresh_tokens"] is True
    assert refresh(org, org.tokens()["refresh_token"]).status_code == 200  # the secret is kept


def test_a_refused_save_keeps_what_was_typed(setup: httpx.Client) -> None:
    form = {"csrf": csrf(setup.get("/setup/connected-apps")), "name": "Typed Name",
            "consumer_key": "typed-key", "callback_urls": ""}  # fmt: skip
    refused = setup.post("/setup/connected-apps", data=form)
    assert refused.status_code == 400 and 'role="alert"' in refused.text
    assert 'value="Typed Name"' in refused.text and 'value="typed-key"' in refused.text


def test_another_orgs_app_cannot_be_edited(setup: httpx.Client, org: OrgSetup) -> None:
    other = setup_org(org.server)
    client = httpx.Client(base_url=other.base_url)
    client.post("/login", data={"username": other.username, "password": other.password})
    theirs = app_id(client.get("/setup/connected-apps"), other.app_key)
    assert setup.get(f"/setup/connected-apps/{theirs}/edit").status_code == 404


def test_oauth_usage_lists_apps_with_their_user_count(setup: httpx.Client, org: OrgSetup) -> None:
    org.tokens()
    org.tokens()
    org.server.control.issue_tokens(org.org_id, org.app_key)  # the org's admin, a second user
    page = setup.get("/setup/oauth-usage")
    row = re.search(r"<tr data-app=.*?</tr>", page.text)
    assert row is not None and org.app_key in row[0]  # the app's name defaults to its key
    cells = re.findall(r"<td>(.*?)</td>", row[0])
    assert re.sub(r"<[^>]+>", "", cells[2]) == "2"  # users
    assert cells[3] == "6"  # each token response: an access and a refresh token
    users = setup.get(re.search(r'href="(/setup/oauth-usage/\d+)"', page.text)[1])  # type: ignore[index]
    assert org.username in users.text and users.text.count("<tr data-user=") == 2


def test_revoking_a_user_ends_their_access_and_refresh_tokens(
    setup: httpx.Client, org: OrgSetup
) -> None:
    mine = org.tokens()
    admins = org.server.control.issue_tokens(org.org_id, org.app_key)
    number = app_id(setup.get("/setup/connected-apps"), org.app_key)
    users = setup.get(f"/setup/oauth-usage/{number}")
    form = {"csrf": csrf(users), "user_id": org.user_id}
    revoked = setup.post(f"/setup/oauth-usage/{number}/revoke", data=form)
    assert revoked.status_code == 303
    after = html.unescape(setup.get(revoked.headers["location"]).text)
    assert f"Revoked Test User {org.username[4:14]}'s access to {org.app_key}" in after
    assert f'data-user="{org.username}"' not in after  # no longer listed

    expired = limits(org, mine["access_token"])
    assert (expired.status_code, expired.json()) == (401, SESSION_EXPIRED)
    refused = refresh(org, mine["refresh_token"])
    assert (refused.status_code, refused.json()) == (400, REFRESH_REFUSED)
    assert limits(org, admins["access_token"]).status_code == 200  # other users keep theirs
    assert org.server.control.is_revoked(org.org_id, mine["refresh_token"])


def test_revoke_all_ends_every_users_tokens_and_the_app_leaves_the_list(
    setup: httpx.Client, org: OrgSetup
) -> None:
    tokens = [org.tokens(), org.server.control.issue_tokens(org.org_id, org.app_key)]
    number = app_id(setup.get("/setup/connected-apps"), org.app_key)
    form = {"csrf": csrf(setup.get(f"/setup/oauth-usage/{number}")), "user_id": "all"}
    after = setup.post(f"/setup/oauth-usage/{number}/revoke", data=form, follow_redirects=True)
    assert "Revoked every user's access" in html.unescape(after.text)
    assert all(limits(org, t["access_token"]).status_code == 401 for t in tokens)
    assert all(refresh(org, t["refresh_token"]).status_code == 400 for t in tokens)
    assert "No connected app holds a working token" in setup.get("/setup/oauth-usage").text


def test_revoke_without_the_forms_csrf_changes_nothing(setup: httpx.Client, org: OrgSetup) -> None:
    mine = org.tokens()
    number = app_id(setup.get("/setup/connected-apps"), org.app_key)
    form = {"csrf": "forged", "user_id": org.user_id}
    assert setup.post(f"/setup/oauth-usage/{number}/revoke", data=form).status_code == 400
    assert limits(org, mine["access_token"]).status_code == 200


def test_setup_pages_need_a_login(org: OrgSetup) -> None:
    for path in ("/setup/oauth-usage", "/setup/oauth-usage/1", "/setup/connected-apps/1/edit"):
        response = httpx.get(f"{org.base_url}{path}")
        assert response.status_code == 303 and response.headers["location"].startswith("/login")


def test_a_revoke_that_ends_nothing_claims_nothing(setup: httpx.Client, org: OrgSetup) -> None:
    org.tokens()
    number = app_id(setup.get("/setup/connected-apps"), org.app_key)
    form = {"csrf": csrf(setup.get(f"/setup/oauth-usage/{number}")), "user_id": "005000000000009"}
    after = setup.post(f"/setup/oauth-usage/{number}/revoke", data=form, follow_redirects=True)
    assert "Revoked" not in after.text and f'data-user="{org.username}"' in after.text
