from __future__ import annotations

import time
from urllib.parse import parse_qs, urlsplit

import pytest
from django.db import connection as db_connection
from django.test import Client
from django.urls import reverse

from mailtrixy.integrations.models import AppCredentials, Connection, SyncRun
from mailtrixy.integrations.salesforce import oauth
from tests.factories import Team
from tests.integrations.salesforce.authorize import authorize
from tests.integrations.salesforce.conftest import SfOrg, save_app


def start_connect(client: Client) -> str:
    response = client.post(reverse("salesforce:connect"))
    assert response.status_code == 302
    return str(response["Location"])


def callback_path(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.path}?{parts.query}"


def test_connect_sends_browser_to_authorize_with_state_and_pkce(
    agent_client: Client, team: Team, sf_org: SfOrg
) -> None:
    save_app(team, sf_org)
    url = start_connect(agent_client)
    parts = urlsplit(url)
    query = {k: v[0] for k, v in parse_qs(parts.query).items()}
    assert url.startswith(f"{sf_org.url}/services/oauth2/authorize?")
    assert query["client_id"] == sf_org.key
    assert query["redirect_uri"] == "http://testserver/oauth/salesforce/callback"
    assert query["scope"] == "api refresh_token offline_access"
    assert query["code_challenge_method"] == "S256" and len(query["code_challenge"]) == 43
    assert len(query["state"]) >= 40


def test_member_connects_and_first_sync_is_queued(
    agent_client: Client, team: Team, sf_org: SfOrg, django_capture_on_commit_callbacks: object
) -> None:
    save_app(team, sf_org)
    back = authorize(start_connect(agent_client), sf_org.username, sf_org.password)
    with django_capture_on_commit_callbacks(execute=True):  # type: ignore[operator]
        response = agent_client.get(callback_path(back), follow=True)
    assert b"Connected to Salesforce as" in response.content
    assert b"The first sync has started." in response.content
    connection = Connection.objects.get(workspace=team.workspace)
    assert connection.external_username == sf_org.username
    assert connection.external_org_id == sf_org.org_id
    assert connection.instance_url == sf_org.url
    assert connection.refresh_token
    assert SyncRun.objects.filter(workspace=team.workspace, reason="connected").exists()
    page = agent_client.get(reverse("integrations:member_settings")).content.decode()
    assert f"Connected as <strong>{sf_org.username}</strong>" in page
    assert sf_org.org_id in page and "Sync Now" in page


def test_reconnecting_says_a_sync_started_not_the_first(
    agent_client: Client, team: Team, sf_org: SfOrg, django_capture_on_commit_callbacks: object
) -> None:
    save_app(team, sf_org)
    for _ in range(9):  # nine syncs ran before, under an earlier connection
        SyncRun.objects.create(workspace=team.workspace, provider="salesforce", reason="manual",
                               status="succeeded")  # fmt: skip
    back = authorize(start_connect(agent_client), sf_org.username, sf_org.password)
    with django_capture_on_commit_callbacks(execute=True):  # type: ignore[operator]
        response = agent_client.get(callback_path(back), follow=True)
    assert f"Connected to Salesforce as {sf_org.username}. A sync has started.".encode() in (
        response.content
    )
    assert b"first sync" not in response.content


def test_state_is_single_use(agent_client: Client, team: Team, sf_org: SfOrg) -> None:
    save_app(team, sf_org)
    back = authorize(start_connect(agent_client), sf_org.username, sf_org.password)
    assert agent_client.get(callback_path(back)).status_code == 302
    Connection.objects.all().delete()
    replay = agent_client.get(callback_path(back))
    assert replay.status_code == 400
    assert b"already used" in replay.content
    assert not Connection.objects.exists()


def test_state_from_another_members_session_is_refused(
    agent_client: Client, admin_client_: Client, team: Team, sf_org: SfOrg
) -> None:
    save_app(team, sf_org)
    back = authorize(start_connect(agent_client), sf_org.username, sf_org.password)
    response = admin_client_.get(callback_path(back))
    assert response.status_code == 400
    assert not Connection.objects.exists()


def test_expired_state_is_refused(
    agent_client: Client, team: Team, sf_org: SfOrg, monkeypatch: pytest.MonkeyPatch
) -> None:
    save_app(team, sf_org)
    back = authorize(start_connect(agent_client), sf_org.username, sf_org.password)
    later = time.time() + oauth.STATE_LIFETIME_SECONDS + 1
    monkeypatch.setattr(oauth.time, "time", lambda: later)
    response = agent_client.get(callback_path(back))
    assert response.status_code == 400
    assert b"expired" in response.content


def test_deny_shows_what_happened_and_what_to_do(
    agent_client: Client, team: Team, sf_org: SfOrg
) -> None:
    save_app(team, sf_org)
    back = authorize(start_connect(agent_client), sf_org.username, sf_org.password, allow=False)
    assert "error=access_denied" in back
    response = agent_client.get(callback_path(back))
    assert response.status_code == 400
    assert b"You chose not to allow MailTrixy" in response.content
    assert b"Click Connect again" in response.content
    assert not Connection.objects.exists()


@pytest.mark.parametrize(
    ("error", "words"),
    [
        ("invalid_client_id", b"does not know the Consumer Key"),
        ("redirect_uri_mismatch", b"Callback URL"),
        ("server_error", b"could not complete the connection: server_error"),
    ],
)
def test_every_oauth_error_gets_a_page_in_words(
    agent_client: Client, team: Team, sf_org: SfOrg, error: str, words: bytes
) -> None:
    save_app(team, sf_org)
    state = parse_qs(urlsplit(start_connect(agent_client)).query)["state"][0]
    response = agent_client.get(reverse("salesforce:callback"), {"error": error, "state": state})
    assert response.status_code == 400
    assert words in response.content


def test_wrong_consumer_secret_is_explained(
    agent_client: Client, team: Team, sf_org: SfOrg
) -> None:
    creds = save_app(team, sf_org)
    creds.client_secret = "not-the-secret"
    creds.save()
    back = authorize(start_connect(agent_client), sf_org.username, sf_org.password)
    response = agent_client.get(callback_path(back))
    assert response.status_code == 400
    page = response.content.decode()
    assert "Salesforce refused the Consumer Key and Secret saved in MailTrixy." in page
    assert "Ask a workspace admin to check them" in page


def test_connect_without_app_settings_says_to_ask_an_admin(agent_client: Client) -> None:
    response = agent_client.post(reverse("salesforce:connect"), follow=True)
    assert b"Ask a workspace admin" in response.content
    assert b'href="/admin/settings/integrations/salesforce/"' not in response.content


ADMIN_LINK = (
    '<a href="/admin/settings/integrations/salesforce/">'
    "Admin → Settings → Integrations → Salesforce</a>."
)


def test_an_admin_is_sent_to_the_settings_page_not_to_a_workspace_admin(
    admin_client_: Client,
) -> None:
    response = admin_client_.post(reverse("salesforce:connect"), follow=True)
    page = response.content.decode()
    assert "Salesforce is not set up for this workspace yet." in page
    assert f"Consumer Key and Secret in {ADMIN_LINK}" in page  # a link, not escaped text
    assert "Ask a workspace admin" not in page
    settings_page = admin_client_.get(reverse("integrations:member_settings")).content.decode()
    assert "Ask a workspace admin" not in settings_page
    assert 'href="/admin/settings/integrations/salesforce/"' in settings_page


def callback_error_page(client: Client, error: str) -> str:
    state = parse_qs(urlsplit(start_connect(client)).query)["state"][0]
    response = client.get(reverse("salesforce:callback"), {"error": error, "state": state})
    assert response.status_code == 400
    return response.content.decode()


@pytest.mark.parametrize(
    ("error", "words"),
    [
        ("invalid_client_id", f"Consumer Key saved in MailTrixy. Check it in {ADMIN_LINK}"),
        ("server_error", f"If it keeps failing, check the settings in {ADMIN_LINK}"),
    ],
)
def test_a_connect_error_met_by_an_admin_links_the_settings(
    admin_client_: Client, team: Team, sf_org: SfOrg, error: str, words: str
) -> None:
    save_app(team, sf_org)
    page = callback_error_page(admin_client_, error)
    assert words in page
    assert "ask a workspace admin" not in page.lower()


@pytest.mark.parametrize(
    ("error", "words"),
    [
        ("invalid_client_id", "Ask a workspace admin to check it in Admin → Settings"),
        ("server_error", "ask a workspace admin to check the Salesforce settings."),
    ],
)
def test_a_connect_error_met_by_an_agent_says_ask_a_workspace_admin(
    agent_client: Client, team: Team, sf_org: SfOrg, error: str, words: str
) -> None:
    save_app(team, sf_org)
    page = callback_error_page(agent_client, error)
    assert words in page
    assert 'href="/admin/settings/integrations/salesforce/"' not in page


def test_a_wrong_secret_met_by_an_admin_at_connect_links_the_settings(
    admin_client_: Client, team: Team, sf_org: SfOrg
) -> None:
    creds = save_app(team, sf_org)
    creds.client_secret = "not-the-secret"
    creds.save()
    back = authorize(start_connect(admin_client_), sf_org.username, sf_org.password)
    page = admin_client_.get(callback_path(back)).content.decode()
    words = f"refused the Consumer Key and Secret saved in MailTrixy. Check them in {ADMIN_LINK}"
    assert words in page


def test_disconnect_revokes_the_token_at_salesforce(
    agent_client: Client, admin_client_: Client, team: Team, sf_org: SfOrg
) -> None:
    save_app(team, sf_org)
    back = authorize(start_connect(agent_client), sf_org.username, sf_org.password)
    agent_client.get(callback_path(back))
    refresh_token = Connection.objects.get(workspace=team.workspace).refresh_token
    response = admin_client_.post(reverse("salesforce:disconnect"), follow=True)
    assert b"revoked" in response.content
    assert not Connection.objects.filter(workspace=team.workspace).exists()
    assert sf_org.control.is_revoked(sf_org.org_id, refresh_token)


def test_tokens_and_secret_are_encrypted_at_rest(connected: Connection, team: Team) -> None:
    creds = AppCredentials.objects.get(workspace=team.workspace)
    with db_connection.cursor() as cursor:
        cursor.execute(
            "SELECT access_token, refresh_token FROM integrations_connection WHERE id = %s",
            [connected.pk],
        )
        raw_access, raw_refresh = cursor.fetchone()
        cursor.execute(
            "SELECT client_secret FROM integrations_appcredentials WHERE id = %s", [creds.pk]
        )
        (raw_secret,) = cursor.fetchone()
    assert connected.access_token not in raw_access and raw_access.startswith("gAAAA")
    assert connected.refresh_token not in raw_refresh
    assert creds.client_secret not in raw_secret
    assert creds.client_secret not in repr(creds)
    assert connected.access_token not in repr(connected)


def test_a_wrong_pkce_verifier_fails_the_exchange(
    agent_client: Client, team: Team, sf_org: SfOrg
) -> None:
    save_app(team, sf_org)
    back = authorize(start_connect(agent_client), sf_org.username, sf_org.password)
    session = agent_client.session
    states = session[oauth.SESSION_KEY]
    for entry in states.values():
        entry["verifier"] = "x" * 64  # not the one whose challenge Salesforce saw
    session[oauth.SESSION_KEY] = states
    session.save()
    response = agent_client.get(callback_path(back))
    assert response.status_code == 400
    assert b"Salesforce was not connected" in response.content
    assert not Connection.objects.exists()


def test_a_member_of_another_workspace_cannot_see_or_use_the_connection(
    connected: Connection, other_team: Team
) -> None:
    outsider = Client()
    outsider.force_login(other_team.agent.user)
    page = outsider.get(reverse("integrations:member_settings")).content.decode()
    assert connected.external_username not in page and "Connected as" not in page
    outsider.post(reverse("salesforce:sync_now"))
    outsider.post(reverse("salesforce:disconnect"))
    assert Connection.objects.filter(pk=connected.pk).exists()
    assert not SyncRun.objects.filter(workspace=connected.workspace).exists()
