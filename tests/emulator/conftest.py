"""Fixtures for the emulator's wire tests: one server for the session, a fresh org per test."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import httpx
import pytest

from salesforce_emulator.testing import EmulatorServer


@dataclass
class OrgSetup:
    """A fresh org with a Connected App and a user who can log in."""

    server: EmulatorServer
    org_id: str
    admin_user_id: str
    app_key: str
    app_secret: str
    callback: str
    username: str
    password: str
    user_id: str

    @property
    def base_url(self) -> str:
        return self.server.base_url

    def tokens(self, **kwargs: Any) -> dict[str, Any]:
        return self.server.control.issue_tokens(self.org_id, self.app_key, self.username, **kwargs)

    def api(self, version: str = "62.0") -> httpx.Client:
        """An httpx client on `/services/data/v{version}/` with a fresh access token."""
        token = self.tokens()["access_token"]
        return httpx.Client(
            base_url=f"{self.base_url}/services/data/v{version}/",
            headers={"Authorization": f"Bearer {token}"},
            timeout=30,
        )


@pytest.fixture(scope="session")
def emulator() -> Iterator[EmulatorServer]:
    with EmulatorServer() as server:
        yield server


def make_org(server: EmulatorServer, *, rotate: bool = False, **options: Any) -> OrgSetup:
    n = uuid.uuid4().hex[:10]  # unique across the session: usernames are global
    org = server.control.create_org(name=options.pop("name", f"Test Org {n}"), **options)
    callback = "http://localhost:8000/oauth/salesforce/callback"
    key, secret = f"test-key-{n}", f"test-secret-{n}"
    server.control.create_app(org["org_id"], key, secret, callback, rotate=rotate)
    username, password = f"user{n}@emulator.example", f"pw-{n}"
    user = server.control.create_user(
        org["org_id"], username, password, first_name="Test", last_name=f"User {n}"
    )
    return OrgSetup(
        server,
        org["org_id"],
        org["admin_user_id"],
        key,
        secret,
        callback,
        username,
        password,
        user["user_id"],
    )


@pytest.fixture
def org(emulator: EmulatorServer) -> OrgSetup:
    return make_org(emulator)


@pytest.fixture
def api(org: OrgSetup) -> Iterator[httpx.Client]:
    with org.api() as client:
        yield client
