from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.test import Client

from salesforce_emulator.testing import EmulatorServer
from tests.factories import Team, make_team


def pytest_configure(config: pytest.Config) -> None:
    from django.conf import settings

    # Real password hashing costs ~0.3 s a login; the tests need many logins, not strong hashes.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def team(db: None) -> Team:
    return make_team("Team A")


@pytest.fixture
def other_team(db: None) -> Team:
    return make_team("Team B")


@pytest.fixture
def agent_client(team: Team) -> Client:
    client = Client()
    client.force_login(team.agent.user)
    return client


@pytest.fixture
def admin_client_(team: Team) -> Client:
    client = Client()
    client.force_login(team.admin.user)
    return client


@pytest.fixture(scope="session")
def emulator() -> Iterator[EmulatorServer]:
    """One local Salesforce emulator for the test session; each test makes its own org."""
    with EmulatorServer() as server:
        yield server
