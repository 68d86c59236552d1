"""Fixtures for the emulator's wire tests: one server for the session, a fresh org per test.

Helpers live in `salesforce_emulator.testing` (OrgSetup, setup_org) so test modules import them
from one place.
"""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from salesforce_emulator.testing import EmulatorServer, OrgSetup, setup_org


@pytest.fixture(scope="session")
def emulator() -> Iterator[EmulatorServer]:
    with EmulatorServer() as server:
        yield server


@pytest.fixture
def org(emulator: EmulatorServer) -> OrgSetup:
    return setup_org(emulator)


@pytest.fixture
def api(org: OrgSetup) -> Iterator[httpx.Client]:
    with org.api() as client:
        yield client
