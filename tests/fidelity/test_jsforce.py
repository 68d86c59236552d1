"""jsforce 3.7.0 (npm, unmodified) over http: paging, CRUD, upsert, collections, token refresh.

The node script lives in `tests/fidelity/node/`; `make test` installs its locked dependencies
(`scripts/ensure-node-deps`). Skipped only when node or jsforce are not installed.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

from salesforce_emulator.testing import OrgSetup

NODE_DIR = Path(__file__).parent / "node"


@pytest.fixture(autouse=True)
def _jsforce_installed() -> None:
    """A missing client is a failure, not a skip: `make test` installs it first."""
    if shutil.which("node") is None or not (NODE_DIR / "node_modules" / "jsforce").is_dir():
        pytest.fail("node and jsforce are needed: run `make test` (scripts/ensure-node-deps).")


def run_jsforce(org: OrgSetup) -> dict[str, Any]:
    tokens = org.tokens()
    config = {
        "instanceUrl": tokens["instance_url"],
        "loginUrl": org.base_url,
        "accessToken": tokens["access_token"],
        "refreshToken": tokens["refresh_token"],
        "clientId": org.app_key,
        "clientSecret": org.app_secret,
        "redirectUri": org.callback,
        "orgId": org.org_id,
    }
    done = subprocess.run(
        ["node", "jsforce_fidelity.js", json.dumps(config)],
        cwd=NODE_DIR, capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stdout + done.stderr
    result: dict[str, Any] = json.loads(done.stdout)
    return result


@pytest.fixture
def outcome(http_org: OrgSetup) -> dict[str, Any]:
    return run_jsforce(http_org)


def test_jsforce_pages_through_more_than_2000_records(outcome: dict[str, Any]) -> None:
    assert outcome["queryTotalSize"] == 2500
    assert outcome["queryFetched"] == outcome["queryDistinct"] == 2500


def test_jsforce_creates_updates_and_deletes(outcome: dict[str, Any]) -> None:
    assert outcome["created"]["success"] is True and outcome["created"]["id"].startswith("001")
    assert outcome["updated"]["success"] is True
    assert outcome["readName"] == "jsforce Account 2"
    assert outcome["deleted"]["success"] is True


def test_jsforce_upserts_by_external_id(outcome: dict[str, Any]) -> None:
    assert outcome["upsertFirst"]["success"] is True and outcome["upsertFirst"]["created"] is True
    assert (
        outcome["upsertSecond"]["success"] is True and outcome["upsertSecond"]["created"] is False
    )
    assert outcome["upsertSecond"]["id"] == outcome["upsertFirst"]["id"]


def test_jsforce_collections_create(outcome: dict[str, Any]) -> None:
    assert [item["success"] for item in outcome["collection"]] == [True, True]


def test_jsforce_refreshes_its_token_after_the_session_expired(outcome: dict[str, Any]) -> None:
    assert outcome["expired"] == 1  # the one session it was given
    assert outcome["refreshCount"] == 1 and outcome["newAccessTokenDiffers"] is True
    assert outcome["afterRefreshTotalSize"] == 2


def test_jsforce_work_is_counted_exactly(http_org: OrgSetup) -> None:
    control = http_org.server.control
    control.reset_counters(http_org.org_id)
    run_jsforce(http_org)
    counters = control.counters(http_org.org_id)
    assert counters["oauth"]["token_refresh"] == 1
    assert counters["api_requests"]["query"] == 2 and counters["api_requests"]["query_more"] == 1
    assert counters["api_requests"]["sobject_upsert"] == 2
    assert counters["api_requests"]["collections_create"] == 1
