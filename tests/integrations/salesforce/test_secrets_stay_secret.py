"""No log line and no page ever shows the consumer secret or a token."""

from __future__ import annotations

import logging

import pytest
from django.test import Client
from django.urls import reverse

from mailtrixy.integrations.models import Connection
from tests.factories import Team
from tests.integrations.salesforce.authorize import authorize
from tests.integrations.salesforce.conftest import SfOrg, save_app
from tests.integrations.salesforce.sync_helpers import create_contact, sync


def test_secret_and_tokens_never_reach_logs_or_pages(
    agent_client: Client,
    admin_client_: Client,
    team: Team,
    sf_org: SfOrg,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG)
    save_app(team, sf_org)
    start = agent_client.post(reverse("salesforce:connect"))["Location"]
    back = authorize(start, sf_org.username, sf_org.password)
    path = back.split("testserver", 1)[1]
    agent_client.get(path)
    connection = Connection.objects.get(workspace=team.workspace)
    create_contact(sf_org, LastName="Lee", Email="ann@globex.example")
    sf_org.control.expire_sessions(sf_org.org_id)
    sync(connection)  # refreshes the token on the way
    assert sf_org.counters()["oauth"].get("token_refresh") == 1
    connection.refresh_from_db()
    responses = [
        agent_client.get(reverse("integrations:member_settings")),
        admin_client_.get(reverse("integrations:admin_settings")),
        admin_client_.get(reverse("salesforce:admin_setup")),
        admin_client_.get(reverse("salesforce:sync_report")),
    ]
    assert [r.status_code for r in responses] == [200] * 4  # pages, not redirects or errors
    pages = [r.content.decode() for r in responses]
    secrets = [sf_org.secret, connection.access_token, connection.refresh_token]
    logged = "\n".join(r.getMessage() for r in caplog.records)
    assert caplog.records, "the flow logs something, so the check means something"
    for secret in secrets:
        assert secret not in logged
        for page in pages:
            assert secret not in page
