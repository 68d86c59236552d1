"""One JSON line per event, with the workspace, connection and run ids, and never a secret."""

from __future__ import annotations

import io
import json
import logging
from collections.abc import Iterator

import pytest

from mailtrixy.inbox.providers import card_subject
from mailtrixy.integrations.models import AppCredentials, Connection, SyncRun
from mailtrixy.integrations.salesforce.card import card_for
from mailtrixy.integrations.salesforce.sync import runs
from mailtrixy.integrations.salesforce.sync.execute import execute
from mailtrixy.observability.context import log_context
from mailtrixy.observability.logs import ContextFilter, JsonFormatter, RedactingFilter
from mailtrixy.observability.redact import MASK, redact
from salesforce_emulator.testing import EmulatorServer
from tests.factories import make_contact, make_team
from tests.integrations.salesforce.conftest import connect, make_org


@pytest.fixture
def log_lines() -> Iterator[io.StringIO]:
    """Everything logged (DEBUG and up), through the production handler's filters and format."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.addFilter(ContextFilter())
    handler.addFilter(RedactingFilter())
    handler.setFormatter(JsonFormatter())
    root = logging.getLogger()
    level = root.level
    root.addHandler(handler)
    root.setLevel(logging.DEBUG)
    try:
        yield stream
    finally:
        root.removeHandler(handler)
        root.setLevel(level)


def lines(stream: io.StringIO) -> list[dict[str, object]]:
    return [json.loads(line) for line in stream.getvalue().splitlines() if line]


def test_a_log_line_is_json_with_the_context_ids(log_lines: io.StringIO) -> None:
    log = logging.getLogger("mailtrixy.test")
    with log_context(workspace_id=7, connection_id=3), log_context(run_id=42):
        log.info("Pulled %d contacts.", 5, extra={"page": 2})
    log.info("Outside.")
    inside, outside = lines(log_lines)[-2:]
    assert inside["message"] == "Pulled 5 contacts." and inside["level"] == "INFO"
    assert (inside["workspace_id"], inside["connection_id"], inside["run_id"]) == (7, 3, 42)
    assert inside["page"] == 2
    assert "workspace_id" not in outside


@pytest.mark.parametrize(
    "text",
    [
        "Authorization: Bearer 00D5g000004Xyz1!AR8AQJXg.secretpart",
        "POST /services/oauth2/token grant_type=refresh_token&refresh_token=5Aep861abc.def",
        '{"access_token": "00D5g000004Xyz1!AR8AQabc", "client_secret": "9f8e7d6c5b"}',
        "token 00D5g000004Xyz1!AR8AQJXg.secretpart expired",
        "stored gAAAAABmZ3hpc2lzYWZlcm5ldHRva2VuZXhhbXBsZQ==",
        "DATABASE_URL=postgresql://mailtrixy:hunter2@db:5432/mailtrixy",
        "callback?code=aPrxYXNzd29yZA&state=abc",
        "refresh token 5Aep861TjP6rQ2wZk9vX0yB3cD4eF5gH6iJ7kL8mN9oP0qR1sT2uV3wX4yZ5",
    ],
)
def test_secret_looking_text_is_masked(text: str) -> None:
    masked = redact(text)
    assert MASK in masked
    for secret in ("secretpart", "5Aep861abc", "AR8AQabc", "9f8e7d6c5b", "hunter2", "aPrxYXNz"):
        assert secret not in masked
    assert "gAAAAABmZ3hp" not in masked and "TjP6rQ2wZk9vX0yB3" not in masked


def test_ordinary_text_is_left_alone() -> None:
    for text in (
        "Sync run 12 failed: UNABLE_TO_LOCK_ROW (error_code=UNABLE_TO_LOCK_ROW)",
        "GET /services/data/v62.0/sobjects/Opportunity/describe",
        "Contact 003XX000004TmiQYAS linked to contact 17",
    ):
        assert redact(text) == text


def test_tokens_never_reach_the_logs(
    emulator: EmulatorServer, log_lines: io.StringIO, db: None
) -> None:
    """Connect, sync, refresh an expired session, show a card, fail a run: no secret logged,
    even when code logs one by mistake."""
    team = make_team("Logged team")
    sf = make_org(emulator)
    connection = connect(team, sf)
    sf.control.expire_sessions(sf.org_id)  # the run must refresh: a new token in play
    run = runs.request_run(team.workspace.pk, "manual")
    execute(run.pk, "test-worker", start_next=lambda _: None)
    card_for(card_subject(make_contact(team.workspace, "nobody@example.com")))
    connection = Connection.objects.get(pk=connection.pk)
    app = AppCredentials.objects.get(workspace=team.workspace)
    secrets = [connection.access_token, connection.refresh_token, app.client_secret]
    leaky = logging.getLogger("mailtrixy.careless")
    leaky.warning("Refreshed; new token %s", connection.access_token)
    leaky.info("Sending headers %s", {"Authorization": f"Bearer {connection.access_token}"})
    leaky.error("Refresh with %s / %s", connection.refresh_token, app.client_secret)
    try:
        raise RuntimeError(f"Salesforce refused {connection.refresh_token}")
    except RuntimeError:
        leaky.exception("Unexpected failure")

    written = log_lines.getvalue()
    assert SyncRun.objects.get(pk=run.pk).status == "succeeded"
    assert sf.counters()["oauth"] == {"token_refresh": 1}  # a refreshed token was in play
    logged = lines(log_lines)
    assert any(str(line["logger"]).startswith("mailtrixy.integrations.") for line in logged)
    for secret in secrets:
        assert secret and secret not in written
    # Each careless line is kept, with the secret masked where it stood.
    careless = [line for line in logged if line["logger"] == "mailtrixy.careless"]
    assert [MASK in str(line["message"]) for line in careless] == [True, True, True, False]
    assert careless[-1]["message"] == "Unexpected failure"
    assert f"RuntimeError: Salesforce refused {MASK}" in str(careless[-1]["exception"])


def test_org_id_and_instance_url_reach_the_logs(
    emulator: EmulatorServer, log_lines: io.StringIO, db: None
) -> None:
    """The org id and address are facts an operator needs; only the tokens are masked."""
    team = make_team("Org facts team")
    sf = make_org(emulator)
    connection = Connection.objects.get(pk=connect(team, sf).pk)
    log = logging.getLogger("mailtrixy.test")
    log.info(
        "Connection %s: org %s at %s, token %s",
        connection.pk,
        connection.external_org_id,
        connection.instance_url,
        connection.access_token,
    )
    written = lines(log_lines)[-1]["message"]
    assert connection.external_org_id in str(written)
    assert connection.instance_url in str(written)
    assert connection.access_token not in str(written)
