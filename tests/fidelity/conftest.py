"""Fidelity tests: real, unmodified third-party Salesforce clients against the emulator."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from salesforce_emulator.testing import EmulatorServer, OrgSetup, setup_org

RECORDS = 2500  # more than one 2,000-record page


@pytest.fixture(scope="module")
def http_server() -> Iterator[EmulatorServer]:
    with EmulatorServer() as server:
        yield server


@pytest.fixture(scope="module")
def https_server() -> Iterator[EmulatorServer]:
    with EmulatorServer(tls=True) as server:
        yield server


@pytest.fixture
def http_org(http_server: EmulatorServer) -> OrgSetup:
    return setup_org(http_server, contacts=RECORDS)


@pytest.fixture
def https_org(https_server: EmulatorServer) -> OrgSetup:
    return setup_org(https_server, contacts=RECORDS)
