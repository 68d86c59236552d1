"""Refresh, rotation, revoke, expiry, identity and userinfo."""

from __future__ import annotations

import hashlib

import httpx

from salesforce_emulator.testing import EmulatorServer, OrgSetup
from salesforce_emulator.testing import setup_org as make_org

SESSION_EXPIRED = [{"message": "Session expired or invalid", "errorCode": "INVALID_SESSION_ID"}]


def refresh(org: OrgSetup, refresh_token: str, **extra: str) -> httpx.Response:
    form = {
        "grant_type": "refresh_token",
        "refresh_token": refresh_token,
        "client_id": org.app_key,
        **extra,
    }
    return httpx.post(f"{org.base_url}/services/oauth2/token", data=form)


def limits(org: OrgSetup, access_token: str, scheme: str = "Bearer") -> httpx.Response:
    return httpx.get(
        f"{org.base_url}/services/data/v62.0/limits",
        headers={"Authorization": f"{scheme} {access_token}"},
    )


def test_refresh_without_rotation_returns_no_refresh_token(org: OrgSetup) -> None:
    tokens = org.tokens()
    response = refresh(org, tokens["refresh_token"], client_secret=org.app_secret)
    assert response.status_code == 200
    body = response.json()
    assert list(body) == [
        "access_token",
        "signature",
        "scope",
        "instance_url",
        "id",
        "token_type",
        "issued_at",
    ]
    assert limits(org, body["access_token"]).status_code == 200


def test_refresh_with_rotation_returns_a_new_refresh_token_and_retires_the_old(
    emulator: EmulatorServer,
) -> None:
    org = make_org(emulator, rotate=True)
    old = org.tokens()["refresh_token"]
    body = refresh(org, old).json()
    assert body["refresh_token"] != old
    assert refresh(org, old).json() == {
        "error": "invalid_grant",
        "error_description": "expired access/refresh token",
    }
    assert refresh(org, body["refresh_token"]).status_code == 200


def test_refresh_with_a_wrong_secret_is_invalid_client_even_for_a_dead_token(
    org: OrgSetup,
) -> None:
    response = refresh(org, "no-such-refresh-token", client_secret="wrong")
    assert response.json() == {
        "error": "invalid_client",
        "error_description": "invalid client credentials",
    }


def test_refresh_with_unknown_client_id_is_invalid_client_id(org: OrgSetup) -> None:
    form = {
        "grant_type": "refresh_token",
        "refresh_token": org.tokens()["refresh_token"],
        "client_id": "nope",
    }
    response = httpx.post(f"{org.base_url}/services/oauth2/token", data=form)
    assert response.json() == {
        "error": "invalid_client_id",
        "error_description": "client identifier invalid",
    }


def test_no_refresh_token_without_the_refresh_token_scope(org: OrgSetup) -> None:
    assert "refresh_token" not in org.tokens(scope="api id")


def test_bearer_and_oauth_schemes_are_both_accepted(org: OrgSetup) -> None:
    token = org.tokens()["access_token"]
    assert limits(org, token, "Bearer").status_code == 200
    assert limits(org, token, "OAuth").status_code == 200


def test_missing_or_bad_token_is_401_invalid_session_id(org: OrgSetup) -> None:
    response = limits(org, "00Dxx0000000000!nonsense")
    assert response.status_code == 401 and response.json() == SESSION_EXPIRED
    assert httpx.get(f"{org.base_url}/services/data/v62.0/limits").status_code == 401


def test_expire_sessions_makes_access_tokens_401_and_refresh_recovers(org: OrgSetup) -> None:
    tokens = org.tokens()
    other = make_org(org.server)
    elsewhere = other.tokens()["access_token"]
    assert org.server.control.expire_sessions(org.org_id) == 1  # this org's one session
    expired = limits(org, tokens["access_token"])
    assert expired.status_code == 401 and expired.json() == SESSION_EXPIRED
    assert limits(other, elsewhere).status_code == 200  # another org's session lives on
    fresh = refresh(org, tokens["refresh_token"]).json()["access_token"]
    assert limits(org, fresh).status_code == 200


def test_access_tokens_expire_after_the_configured_lifetime() -> None:
    import time

    with EmulatorServer(token_lifetime=0.3) as server:
        org = make_org(server)
        token = org.tokens()["access_token"]
        assert limits(org, token).status_code == 200
        time.sleep(0.4)
        assert limits(org, token).status_code == 401


def test_revoke_access_token(org: OrgSetup) -> None:
    token = org.tokens()["access_token"]
    response = httpx.post(f"{org.base_url}/services/oauth2/revoke", data={"token": token})
    assert response.status_code == 200
    assert limits(org, token).status_code == 401
    assert org.server.control.is_revoked(org.org_id, token)


def test_revoking_a_refresh_token_revokes_its_access_tokens(org: OrgSetup) -> None:
    tokens = org.tokens()
    child = refresh(org, tokens["refresh_token"]).json()["access_token"]
    response = httpx.post(
        f"{org.base_url}/services/oauth2/revoke", params={"token": tokens["refresh_token"]}
    )
    assert response.status_code == 200
    assert limits(org, child).status_code == 401
    assert limits(org, tokens["access_token"]).status_code == 401
    assert refresh(org, tokens["refresh_token"]).json()["error"] == "invalid_grant"
    revoked = {item["token_sha256"] for item in org.server.control.revoked_tokens(org.org_id)}
    assert hashlib.sha256(tokens["refresh_token"].encode()).hexdigest() in revoked


def test_revoking_an_unknown_token_is_400_invalid_token(org: OrgSetup) -> None:
    response = httpx.post(f"{org.base_url}/services/oauth2/revoke", data={"token": "nope"})
    assert response.status_code == 400 and response.json()["error"] == "invalid_token"


def test_control_revoke_refresh_tokens(org: OrgSetup) -> None:
    tokens = org.tokens()
    other = make_org(org.server)
    elsewhere = other.tokens()["refresh_token"]
    assert org.server.control.revoke_refresh_tokens(org.org_id) == 1
    assert refresh(org, tokens["refresh_token"]).json()["error"] == "invalid_grant"
    assert refresh(other, elsewhere).status_code == 200


def test_identity_url_answers_with_bearer_or_oauth_token_param(org: OrgSetup) -> None:
    tokens = org.tokens()
    by_header = httpx.get(
        tokens["id"], headers={"Authorization": f"Bearer {tokens['access_token']}"}
    )
    by_param = httpx.get(tokens["id"], params={"oauth_token": tokens["access_token"]})
    assert by_header.status_code == by_param.status_code == 200
    body = by_header.json()
    assert body["user_id"] == org.user_id and body["organization_id"] == org.org_id
    assert body["username"] == org.username
    assert body["urls"]["rest"] == f"{org.base_url}/services/data/v{{version}}/"


def test_identity_url_fills_in_the_version(org: OrgSetup) -> None:
    tokens = org.tokens()
    body = httpx.get(
        tokens["id"], params={"oauth_token": tokens["access_token"], "version": "62.0"}
    ).json()
    assert body["urls"]["query"] == f"{org.base_url}/services/data/v62.0/query/"


def test_identity_with_a_bad_token_is_403(org: OrgSetup) -> None:
    response = httpx.get(org.tokens()["id"], params={"oauth_token": "bad"})
    assert response.status_code == 403 and response.text == "Bad_OAuth_Token"


def test_userinfo(org: OrgSetup) -> None:
    token = org.tokens()["access_token"]
    body = httpx.get(
        f"{org.base_url}/services/oauth2/userinfo", headers={"Authorization": f"Bearer {token}"}
    ).json()
    assert body["user_id"] == org.user_id and body["organization_id"] == org.org_id
    assert body["preferred_username"] == org.username and body["email"] == org.username
