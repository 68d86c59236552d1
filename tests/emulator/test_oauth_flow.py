"""The web-server flow through the authorize page: login, Allow/Deny, code, PKCE, token grants."""

from __future__ import annotations

import base64
import hashlib
import re
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest

from salesforce_emulator.testing import OrgSetup
from salesforce_emulator.testing import setup_org as make_org

VERIFIER = "a-sufficiently-long-pkce-code-verifier-0123456789-abcdefghij"


def challenge(verifier: str) -> str:
    return (
        base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
    )


def authorize_params(org: OrgSetup, **extra: str) -> dict[str, str]:
    return {
        "response_type": "code",
        "client_id": org.app_key,
        "redirect_uri": org.callback,
        "state": "xyz-state",
        **extra,
    }


def login_and_decide(org: OrgSetup, action: str = "allow", **extra: str) -> httpx.Response:
    """Log in on the authorize page and press Allow or Deny; the redirect to the callback."""
    with httpx.Client(base_url=org.base_url) as browser:
        page = browser.get("/services/oauth2/authorize", params=authorize_params(org, **extra))
        assert page.status_code == 200 and 'name="password"' in page.text
        form = {
            **authorize_params(org, **extra),
            "action": "login",
            "username": org.username,
            "password": org.password,
        }
        after_login = browser.post("/services/oauth2/authorize", data=form, follow_redirects=True)
        assert "Allow Access?" in after_login.text
        csrf = re.search(r'name="csrf" value="([^"]+)"', after_login.text)
        assert csrf is not None
        decision = {**authorize_params(org, **extra), "action": action, "csrf": csrf[1]}
        return browser.post("/services/oauth2/authorize", data=decision)


def code_from(response: httpx.Response) -> str:
    assert response.status_code == 302
    query = parse_qs(urlsplit(response.headers["location"]).query)
    assert query["state"] == ["xyz-state"]
    return query["code"][0]


def exchange(org: OrgSetup, code: str, **extra: str) -> httpx.Response:
    form = {
        "grant_type": "authorization_code",
        "code": code,
        "client_id": org.app_key,
        "client_secret": org.app_secret,
        "redirect_uri": org.callback,
        **extra,
    }
    return httpx.post(f"{org.base_url}/services/oauth2/token", data=form)


def test_allow_redirects_to_the_callback_with_code_and_state(org: OrgSetup) -> None:
    response = login_and_decide(org)
    assert response.headers["location"].startswith(org.callback + "?code=")
    assert code_from(response)


def test_deny_redirects_with_access_denied_and_state(org: OrgSetup) -> None:
    response = login_and_decide(org, action="deny")
    assert response.status_code == 302
    assert response.headers["location"] == (
        f"{org.callback}?error=access_denied&error_description=end-user+denied+authorization&state=xyz-state"
    )


def test_unknown_client_id_is_shown_on_the_page_not_redirected(org: OrgSetup) -> None:
    params = {**authorize_params(org), "client_id": "nope"}
    response = httpx.get(f"{org.base_url}/services/oauth2/authorize", params=params)
    assert response.status_code == 400
    assert "invalid_client_id" in response.text and "location" not in response.headers


def test_redirect_uri_must_match_exactly(org: OrgSetup) -> None:
    params = {**authorize_params(org), "redirect_uri": org.callback + "/"}
    response = httpx.get(f"{org.base_url}/services/oauth2/authorize", params=params)
    assert response.status_code == 400
    assert "redirect_uri_mismatch" in response.text and "location" not in response.headers


def test_wrong_password_shows_the_login_form_again(org: OrgSetup) -> None:
    form = {
        **authorize_params(org),
        "action": "login",
        "username": org.username,
        "password": "wrong",
    }
    response = httpx.post(f"{org.base_url}/services/oauth2/authorize", data=form)
    assert response.status_code == 401
    assert "Please check your username and password" in response.text


def test_code_exchange_returns_salesforce_token_response(org: OrgSetup) -> None:
    response = exchange(org, code_from(login_and_decide(org)))
    assert response.status_code == 200
    body = response.json()
    assert list(body) == [
        "access_token", "refresh_token", "signature", "scope",
        "instance_url", "id", "token_type", "issued_at",
    ]  # fmt: skip
    assert "expires_in" not in body
    assert body["access_token"].startswith(org.org_id[:15] + "!")
    assert re.fullmatch(r"\d{13}", body["issued_at"])
    assert body["token_type"] == "Bearer"
    assert body["instance_url"] == org.base_url
    assert body["id"] == f"{org.base_url}/id/{org.org_id}/{org.user_id}"


def test_signature_is_hmac_sha256_of_id_and_issued_at(org: OrgSetup) -> None:
    import hmac

    body = exchange(org, code_from(login_and_decide(org))).json()
    mac = hmac.new(
        org.app_secret.encode(), (body["id"] + body["issued_at"]).encode(), hashlib.sha256
    )
    assert body["signature"] == base64.b64encode(mac.digest()).decode()


def test_codes_are_single_use(org: OrgSetup) -> None:
    code = code_from(login_and_decide(org))
    assert exchange(org, code).status_code == 200
    again = exchange(org, code)
    assert again.status_code == 400
    assert again.json() == {
        "error": "invalid_grant",
        "error_description": "expired authorization code",
    }


def test_pkce_verifier_is_checked(org: OrgSetup) -> None:
    code = code_from(login_and_decide(org, code_challenge=challenge(VERIFIER)))
    assert exchange(org, code, code_verifier=VERIFIER).status_code == 200


def test_pkce_wrong_verifier_is_invalid_request(org: OrgSetup) -> None:
    code = code_from(login_and_decide(org, code_challenge=challenge(VERIFIER)))
    response = exchange(org, code, code_verifier=VERIFIER + "x")
    assert response.status_code == 400 and response.json()["error"] == "invalid_request"


def test_pkce_challenge_without_verifier_is_invalid_grant(org: OrgSetup) -> None:
    code = code_from(login_and_decide(org, code_challenge=challenge(VERIFIER)))
    response = exchange(org, code)
    assert response.status_code == 400 and response.json()["error"] == "invalid_grant"


def test_client_credentials_may_come_by_http_basic(org: OrgSetup) -> None:
    code = code_from(login_and_decide(org))
    form = {"grant_type": "authorization_code", "code": code, "redirect_uri": org.callback}
    response = httpx.post(
        f"{org.base_url}/services/oauth2/token", data=form, auth=(org.app_key, org.app_secret)
    )
    assert response.status_code == 200


def test_wrong_client_secret_is_invalid_client(org: OrgSetup) -> None:
    response = exchange(org, code_from(login_and_decide(org)), client_secret="wrong")
    assert response.json() == {
        "error": "invalid_client",
        "error_description": "invalid client credentials",
    }


def test_client_is_checked_before_the_code_unknown_key_first(org: OrgSetup) -> None:
    response = exchange(org, "no-such-code", client_id="nope", client_secret="wrong")
    assert response.status_code == 400
    assert response.json()["error"] == "invalid_client_id"


def test_client_is_checked_before_the_code_wrong_secret_next(org: OrgSetup) -> None:
    response = exchange(org, "no-such-code", client_secret="wrong")
    assert response.status_code == 400
    assert response.json() == {
        "error": "invalid_client",
        "error_description": "invalid client credentials",
    }


def test_a_right_key_and_secret_with_a_bad_code_is_invalid_grant(org: OrgSetup) -> None:
    response = exchange(org, "no-such-code")
    assert response.status_code == 400
    assert response.json() == {
        "error": "invalid_grant",
        "error_description": "expired authorization code",
    }


def test_a_wrong_secret_does_not_use_up_the_code(org: OrgSetup) -> None:
    code = code_from(login_and_decide(org))
    assert exchange(org, code, client_secret="wrong").json()["error"] == "invalid_client"
    assert exchange(org, code).status_code == 200


def test_token_redirect_uri_must_match_the_authorize_one(org: OrgSetup) -> None:
    response = exchange(org, code_from(login_and_decide(org)), redirect_uri="http://elsewhere/cb")
    assert response.json()["error"] == "redirect_uri_mismatch"


def test_second_authorize_skips_approval_once_approved(org: OrgSetup) -> None:
    with httpx.Client(base_url=org.base_url) as browser:
        form = {
            **authorize_params(org),
            "action": "login",
            "username": org.username,
            "password": org.password,
        }
        page = browser.post("/services/oauth2/authorize", data=form, follow_redirects=True)
        csrf = re.search(r'name="csrf" value="([^"]+)"', page.text)
        assert csrf is not None
        browser.post(
            "/services/oauth2/authorize",
            data={**authorize_params(org), "action": "allow", "csrf": csrf[1]},
        )
        again = browser.get("/services/oauth2/authorize", params=authorize_params(org))
        assert again.status_code == 302 and "code=" in again.headers["location"]


@pytest.mark.parametrize("grant_type", ["password", ""])
def test_unsupported_grant_type(org: OrgSetup, grant_type: str) -> None:
    response = httpx.post(f"{org.base_url}/services/oauth2/token", data={"grant_type": grant_type})
    assert response.status_code == 400
    assert response.json() == {
        "error": "unsupported_grant_type",
        "error_description": "grant type not supported",
    }


def test_authorization_code_grant_is_counted(org: OrgSetup) -> None:
    org.server.control.reset_counters(org.org_id)
    exchange(org, code_from(login_and_decide(org)))
    assert org.server.control.counters(org.org_id)["oauth"]["token_authorization_code"] == 1


def test_refresh_token_rotation_follows_each_orgs_own_app(emulator: object) -> None:
    """One consumer key in two orgs, rotating in one only: each refresh obeys its own org."""
    from salesforce_emulator.testing import EmulatorServer

    assert isinstance(emulator, EmulatorServer)
    rotating, plain = make_org(emulator, rotate=True), make_org(emulator)
    assert rotating.org_id != plain.org_id
    emulator.control.create_app(
        plain.org_id, rotating.app_key, rotating.app_secret, plain.callback
    )  # the same key, rotation off
    for org, rotates in [(rotating, True), (plain, False)]:
        tokens = emulator.control.issue_tokens(org.org_id, rotating.app_key, org.username)
        form = {
            "grant_type": "refresh_token",
            "refresh_token": tokens["refresh_token"],
            "client_id": rotating.app_key,
        }
        body = httpx.post(f"{org.base_url}/services/oauth2/token", data=form).json()
        assert ("refresh_token" in body) is rotates, (org.org_id, body)
