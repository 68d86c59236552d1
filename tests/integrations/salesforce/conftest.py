"""A workspace connected to its own org in the Salesforce emulator (over HTTP, like a real org)."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import httpx
import pytest
from django.core.cache import cache
from django.test import override_settings

from mailtrixy.integrations.models import AppCredentials, Connection
from mailtrixy.integrations.salesforce import connection as connections
from mailtrixy.integrations.salesforce import oauth
from mailtrixy.integrations.salesforce.card.cache import card_cache
from salesforce_emulator.testing import ControlClient, EmulatorServer
from tests.factories import Team
from tests.integrations.salesforce.card_support import FakeClock

BASE_URL = "http://testserver"
CALLBACK = f"{BASE_URL}/oauth/salesforce/callback"


@dataclass
class SfOrg:
    """One emulator org with a Connected App and a user who can log in."""

    server: EmulatorServer
    org_id: str
    key: str
    secret: str
    username: str
    password: str

    @property
    def control(self) -> ControlClient:
        return self.server.control

    @property
    def url(self) -> str:
        return self.server.base_url

    def counters(self) -> dict[str, Any]:
        return self.control.counters(self.org_id)

    def api_calls(self) -> int:
        return int(self.counters()["api_requests_total"])

    def admin_token(self) -> str:
        return str(self.control.issue_tokens(self.org_id, self.key)["access_token"])

    def rest(self, method: str, path: str, **kwargs: Any) -> httpx.Response:
        """Act in the org as its admin would (outside MailTrixy), e.g. to edit a record."""
        headers = {"Authorization": f"Bearer {self.admin_token()}"}
        url = f"{self.url}/services/data/v62.0/{path.lstrip('/')}"
        response = httpx.request(method, url, headers=headers, timeout=30, **kwargs)
        self.control.reset_counters(self.org_id)  # what the test does is not MailTrixy's cost
        return response

    def query(self, soql: str) -> list[dict[str, Any]]:
        """Every row (deleted ones too), following nextRecordsUrl to the end."""
        page = self.rest("GET", "queryAll", params={"q": soql}).json()
        rows = list(page["records"])
        while not page["done"]:
            headers = {"Authorization": f"Bearer {self.admin_token()}"}
            page = httpx.get(f"{self.url}{page['nextRecordsUrl']}", headers=headers).json()
            rows.extend(page["records"])
        self.control.reset_counters(self.org_id)
        return rows


@pytest.fixture
def sf_org(emulator: EmulatorServer) -> SfOrg:
    return make_org(emulator)


def make_org(emulator: EmulatorServer, **options: Any) -> SfOrg:
    org = emulator.control.create_org(name=f"Org {uuid.uuid4().hex[:6]}", **options)
    key, secret = f"key-{uuid.uuid4().hex}", uuid.uuid4().hex
    emulator.control.create_app(org["org_id"], key, secret, CALLBACK)
    username = f"ann-{uuid.uuid4().hex[:6]}@acme.example"
    emulator.control.create_user(org["org_id"], username, "pw-ann", first_name="Ann")
    return SfOrg(emulator, org["org_id"], key, secret, username, "pw-ann")


@pytest.fixture(autouse=True)
def _fresh_cache(db: None) -> Iterator[None]:
    """The database cache outlives transactions and ids are reused: start every test empty."""
    cache.clear()
    yield


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> FakeClock:
    """The card cache's clock, moved by hand (five minutes pass without waiting)."""
    fake = FakeClock()
    monkeypatch.setattr(card_cache, "clock", fake)
    return fake


@pytest.fixture(autouse=True)
def _base_url() -> Iterator[None]:
    with override_settings(MAILTRIXY_BASE_URL=BASE_URL, BASE_URL=BASE_URL):
        yield


def save_app(team: Team, sf: SfOrg) -> AppCredentials:
    return AppCredentials.objects.create(
        workspace=team.workspace,
        provider="salesforce",
        client_id=sf.key,
        client_secret=sf.secret,
        login_url=sf.url,
    )


def connect(team: Team, sf: SfOrg) -> Connection:
    """What Connect → Allow → callback leaves behind, without the browser."""
    save_app(team, sf)
    body = sf.control.issue_tokens(sf.org_id, sf.key, sf.username)
    tokens = oauth.TokenSet(
        access_token=body["access_token"],
        refresh_token=body["refresh_token"],
        instance_url=body["instance_url"],
        identity_url=body["id"],
        issued_at=body["issued_at"],
        scope=body["scope"],
    )
    connection = connections.save_connection(
        team.workspace, team.agent, tokens, oauth.fetch_identity(tokens)
    )
    sf.control.reset_counters(sf.org_id)
    return connection


@pytest.fixture
def connected(team: Team, sf_org: SfOrg) -> Connection:
    return connect(team, sf_org)
