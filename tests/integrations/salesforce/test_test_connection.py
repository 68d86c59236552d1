"""Test connection on the admin page: one token request proves the saved key and secret."""

from __future__ import annotations

import logging

import pytest
from django.test import Client
from django.urls import reverse

from mailtrixy.integrations.models import AppCredentials
from mailtrixy.integrations.salesforce import http
from tests.factories import Team
from tests.integrations.salesforce.conftest import SfOrg, save_app

URL = "salesforce:test_connection"


def press_test_connection(client: Client) -> str:
    response = client.post(reverse(URL), follow=True)
    assert response.redirect_chain[-1][0] == reverse("salesforce:admin_setup")
    return response.content.decode()


def test_the_admin_page_offers_test_connection_once_saved(
    admin_client_: Client, team: Team, sf_org: SfOrg
) -> None:
    page = admin_client_.get(reverse("salesforce:admin_setup")).content.decode()
    assert "Test connection" not in page
    save_app(team, sf_org)
    page = admin_client_.get(reverse("salesforce:admin_setup")).content.decode()
    assert reverse(URL) in page and ">Test connection</button>" in page


def test_a_right_key_and_secret_are_said_to_work_without_anyone_logging_in(
    admin_client_: Client, team: Team, sf_org: SfOrg
) -> None:
    save_app(team, sf_org)
    page = press_test_connection(admin_client_)
    assert f"Salesforce ({sf_org.url}) accepted the Consumer Key and Secret." in page
    assert "Members can now connect in Settings → Integrations." in page
    assert sf_org.counters()["oauth"] == {}  # no token was issued, no user logged in


def test_an_unknown_key_is_named_with_what_to_do(
    admin_client_: Client, team: Team, sf_org: SfOrg
) -> None:
    creds = save_app(team, sf_org)
    creds.client_id = "3MVG9-not-a-key"
    creds.save()
    page = press_test_connection(admin_client_)
    assert "does not know this Consumer Key. Copy it again" in page
    assert "accepted" not in page


def test_a_wrong_secret_is_named_with_what_to_do(
    admin_client_: Client, team: Team, sf_org: SfOrg
) -> None:
    creds = save_app(team, sf_org)
    creds.client_secret = "not-the-secret"
    creds.save()
    page = press_test_connection(admin_client_)
    assert "knows the Consumer Key but refused the Consumer Secret." in page
    assert "Copy the secret of the same app again" in page
    assert "not-the-secret" not in page


def test_an_unreachable_salesforce_says_what_to_check(admin_client_: Client, team: Team) -> None:
    AppCredentials.objects.create(
        workspace=team.workspace,
        provider="salesforce",
        client_id="3MVG9key",
        client_secret="s3cret",
        login_url="http://127.0.0.1:9",  # the discard port: nothing listens
    )
    page = press_test_connection(admin_client_)
    assert "Salesforce could not be reached at http://127.0.0.1:9" in page
    assert "Check “Users log in at”" in page


def test_the_check_goes_through_the_one_http_client_and_never_shows_or_logs_the_secret(
    admin_client_: Client,
    team: Team,
    sf_org: SfOrg,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    save_app(team, sf_org)
    sent: list[str] = []
    real_send = http.send

    def recording_send(method: str, url: str, **kwargs: object) -> object:
        sent.append(url)
        return real_send(method, url, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(http, "send", recording_send)
    with caplog.at_level(logging.DEBUG):
        page = press_test_connection(admin_client_)
    assert sent == [f"{sf_org.url}/services/oauth2/token"]
    assert sf_org.secret not in page
    assert sf_org.secret not in caplog.text
    assert "invalid_grant" in caplog.text  # the operator still sees Salesforce's answer


def test_an_agent_cannot_test_the_connection(agent_client: Client, team: Team) -> None:
    assert agent_client.post(reverse(URL)).status_code == 403
