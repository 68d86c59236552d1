"""Admin → Settings → Integrations → Salesforce: the Connected App's key, secret and login URL."""

from __future__ import annotations

import pytest
from django.test import Client, override_settings
from django.urls import reverse

from mailtrixy.integrations.models import AppCredentials
from tests.factories import Team

URL = "salesforce:admin_setup"


def post(client: Client, **fields: str) -> tuple[int, str]:
    data = {"consumer_key": "3MVG9key", "consumer_secret": "s3cret", "login": "production"}
    data.update(fields)
    response = client.post(reverse(URL), data)
    return response.status_code, response.content.decode()


def test_agent_gets_403(agent_client: Client) -> None:
    assert agent_client.get(reverse(URL)).status_code == 403
    assert agent_client.post(reverse(URL), {}).status_code == 403


def test_page_shows_callback_url_and_scopes_ready_to_copy(admin_client_: Client) -> None:
    page = admin_client_.get(reverse(URL)).content.decode()
    assert "http://testserver/oauth/salesforce/callback" in page
    assert "api refresh_token offline_access" in page
    assert "New Connected App" in page and "External Client App" in page


@pytest.mark.parametrize(
    ("login", "url"),
    [("production", "https://login.salesforce.com"), ("sandbox", "https://test.salesforce.com")],
)
def test_admin_saves_key_and_secret_encrypted(
    admin_client_: Client, team: Team, login: str, url: str
) -> None:
    status, _ = post(admin_client_, login=login)
    assert status == 302
    creds = AppCredentials.objects.get(workspace=team.workspace)
    assert (creds.client_id, creds.client_secret, creds.login_url) == ("3MVG9key", "s3cret", url)
    page = admin_client_.get(reverse(URL)).content.decode()
    assert "s3cret" not in page
    assert "A secret is saved (it is never shown)" in page


def test_blank_secret_keeps_the_saved_one_while_the_key_is_unchanged(
    admin_client_: Client, team: Team
) -> None:
    post(admin_client_)
    status, _ = post(admin_client_, consumer_secret="", login="sandbox")
    assert status == 302
    creds = AppCredentials.objects.get(workspace=team.workspace)
    assert (creds.client_id, creds.client_secret) == ("3MVG9key", "s3cret")
    assert creds.login_url == "https://test.salesforce.com"
    post(admin_client_, consumer_secret="n3w")
    creds.refresh_from_db()
    assert creds.client_secret == "n3w"


def test_changing_the_key_needs_the_secret_of_that_app(admin_client_: Client, team: Team) -> None:
    post(admin_client_)
    admin_client_.get(reverse(URL))  # the first save's "Saved" message is read
    status, page = post(admin_client_, consumer_secret="", consumer_key="3MVG9other")
    assert status == 200
    assert "You changed the Consumer Key: enter the Consumer Secret of the same app too." in page
    assert "Saved the Salesforce" not in page
    assert 'value="3MVG9other"' in page  # what the admin typed, not the saved key
    creds = AppCredentials.objects.get(workspace=team.workspace)
    assert (creds.client_id, creds.client_secret) == ("3MVG9key", "s3cret")


def test_a_new_key_with_its_secret_is_saved(admin_client_: Client, team: Team) -> None:
    post(admin_client_)
    status, _ = post(admin_client_, consumer_key="3MVG9other", consumer_secret="0ther")
    assert status == 302
    creds = AppCredentials.objects.get(workspace=team.workspace)
    assert (creds.client_id, creds.client_secret) == ("3MVG9other", "0ther")


def test_a_refused_form_keeps_what_was_typed_but_never_echoes_the_secret(
    admin_client_: Client, team: Team
) -> None:
    post(admin_client_)
    status, page = post(
        admin_client_,
        consumer_key="3MVG9other",
        consumer_secret="typed-s3cret",
        login="my_domain",
        my_domain="http://acme.my.salesforce.com",
    )
    assert status == 200 and "Use an https:// address" in page
    assert 'value="3MVG9other"' in page
    assert 'value="http://acme.my.salesforce.com"' in page
    assert 'value="my_domain" id="id_login_2" required checked' in page
    assert "typed-s3cret" not in page and "s3cret" not in page
    assert "Enter the secret again: it is not kept when the form is refused." in page


def test_first_save_needs_a_secret(admin_client_: Client) -> None:
    status, page = post(admin_client_, consumer_secret="")
    assert status == 200 and "Enter the Consumer Secret from Salesforce." in page


def test_key_with_spaces_is_refused_in_words(admin_client_: Client) -> None:
    status, page = post(admin_client_, consumer_key="3MVG9 key")
    assert status == 200 and "The Consumer Key has no spaces" in page


@pytest.mark.parametrize(
    ("value", "saved"),
    [
        ("https://acme.my.salesforce.com", "https://acme.my.salesforce.com"),
        (
            "https://acme--uat.sandbox.my.salesforce.com/",
            "https://acme--uat.sandbox.my.salesforce.com",
        ),
        ("http://127.0.0.1:8800", "http://127.0.0.1:8800"),
    ],
)
def test_a_my_domain_url_is_saved_without_its_trailing_slash(
    admin_client_: Client, team: Team, value: str, saved: str
) -> None:
    status, _ = post(admin_client_, login="my_domain", my_domain=value)
    assert status == 302
    assert AppCredentials.objects.get(workspace=team.workspace).login_url == saved


@pytest.mark.parametrize(
    ("value", "error"),
    [
        ("http://acme.my.salesforce.com", "Use an https:// address"),
        ("acme.my.salesforce.com", "Enter the full address of your My Domain"),
        ("https://acme.my.salesforce.com/lightning/page", "without a path"),
        ("", "Enter your My Domain URL"),
    ],
)
def test_a_wrong_my_domain_url_is_refused_in_words(
    admin_client_: Client, team: Team, value: str, error: str
) -> None:
    status, page = post(admin_client_, login="my_domain", my_domain=value)
    assert status == 200 and error in page
    assert not AppCredentials.objects.filter(workspace=team.workspace).exists()


@override_settings(SALESFORCE_EMULATOR_URL="http://127.0.0.1:8800")
def test_demo_offers_the_local_emulator(admin_client_: Client, team: Team) -> None:
    assert "Demo: local Salesforce emulator" in admin_client_.get(reverse(URL)).content.decode()
    post(admin_client_, login="emulator")
    assert AppCredentials.objects.get(workspace=team.workspace).login_url == "http://127.0.0.1:8800"


def test_emulator_choice_is_absent_outside_the_demo(admin_client_: Client) -> None:
    status, page = post(admin_client_, login="emulator")
    assert status == 200 and "Select a valid choice" in page
