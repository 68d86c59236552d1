"""The operator commands: sync, connections, check, rotate-keys."""

from __future__ import annotations

import io
import re
from ipaddress import ip_network

import pytest
from cryptography.fernet import Fernet
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import override_settings

from mailtrixy.cli import build_parser
from mailtrixy.integrations.models import AppCredentials, Connection, ConnectionStatus
from mailtrixy.ops import check
from mailtrixy.ops.connections import print_connections
from mailtrixy.ops.rotate_keys import rotate_all
from mailtrixy.ops.sync_now import sync_workspace
from salesforce_emulator.testing import EmulatorServer
from tests.factories import make_team
from tests.integrations.salesforce.conftest import connect, make_org


def test_the_operator_commands_exist() -> None:
    parser = build_parser()
    assert parser.parse_args(["sync", "--workspace", "Acme"]).workspace == "Acme"
    assert parser.parse_args(["connections", "--json"]).json
    assert parser.parse_args(["check"]).command == "check"
    assert parser.parse_args(["rotate-keys"]).command == "rotate-keys"


@pytest.mark.django_db(transaction=True)
def test_sync_runs_one_now_and_prints_progress(emulator: EmulatorServer) -> None:
    team = make_team("Synced now")
    sf = make_org(emulator)
    sf.control.seed(sf.org_id, contacts=5)
    connect(team, sf)
    sf.control.set_faults(sf.org_id, latency_ms=600)  # slow enough to watch it run
    out = io.StringIO()
    assert sync_workspace("Synced now", out) == 0
    text = out.getvalue()
    assert "queued" in text and "syncing:" in text
    # The same words as Settings → Integrations: what came from Salesforce, what went to it.
    finished = r"Sync #\d+ completed: From Salesforce: 5 contacts added \(1 API call\)"
    assert re.search(finished, text)


def test_sync_names_what_is_missing(db: None) -> None:
    out = io.StringIO()
    assert sync_workspace("No such place", out) == 2
    make_team("Unconnected")
    assert sync_workspace("Unconnected", out) == 1
    assert "has no integration connected" in out.getvalue()


def test_connections_lists_needs_reconnect_first(emulator: EmulatorServer, db: None) -> None:
    fine, broken = make_team("Aardvark"), make_team("Zebra")
    connect(fine, make_org(emulator))
    connect(broken, make_org(emulator))
    Connection.objects.filter(workspace=broken.workspace).update(
        status=ConnectionStatus.NEEDS_RECONNECT, status_reason="Salesforce refused the login."
    )
    out = io.StringIO()
    print_connections(out)
    rows = out.getvalue().splitlines()
    assert "Zebra" in rows[1] and "Needs reconnect" in rows[1] and "refused" in rows[1]
    assert "Aardvark" in rows[2] and "Connected" in rows[2]
    assert "1 connection(s) need a member to reconnect" in out.getvalue()


@override_settings(DEBUG=True, ALLOWED_HOSTS=["127.0.0.1"], BASE_URL="https://mail.example.com")
def test_check_explains_problems_in_words(db: None) -> None:
    out = io.StringIO()
    assert check.check_command(out) == 1
    text = out.getvalue()
    assert "PROBLEM: DEBUG is on" in text
    assert "'mail.example.com' is not in ALLOWED_HOSTS" in text


@override_settings(SALESFORCE_SYNC_LEASE_SECONDS=3)
def test_check_warns_about_a_lease_too_short_to_be_safe(db: None) -> None:
    texts = [f.text for f in check.findings() if f.level == check.WARNING]
    assert any("SALESFORCE_SYNC_LEASE_SECONDS is 3 s" in t for t in texts)


@override_settings(METRICS_ALLOWED_IPS=[ip_network("0.0.0.0/0")])
def test_check_warns_when_metrics_are_open_to_every_address(db: None) -> None:
    texts = [f.text for f in check.findings() if f.level == check.WARNING]
    assert any("METRICS_ALLOWED_IPS admits every address" in t for t in texts)


def test_rotate_keys_reencrypts_every_secret_with_the_newest_key(
    emulator: EmulatorServer, db: None
) -> None:
    old, new = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    team = make_team("Rotating")
    with override_settings(MAILTRIXY_ENCRYPTION_KEYS=[old]):
        connection = connect(team, make_org(emulator))
        tokens = (connection.access_token, connection.refresh_token)
    with override_settings(MAILTRIXY_ENCRYPTION_KEYS=[new, old]):
        findings = [f.text for f in check.findings()]
        # The consumer secret, two tokens, and the connection's address and identity (4 fields).
        assert any("7 saved secret(s) still use an older encryption key" in t for t in findings)
        report = rotate_all()
        assert (report.rotated, report.unreadable) == (7, [])
        assert rotate_all().rotated == 0  # running it again changes nothing
    with override_settings(MAILTRIXY_ENCRYPTION_KEYS=[new]):  # the old key is gone
        again = Connection.objects.get(pk=connection.pk)
        assert (again.access_token, again.refresh_token) == tokens
        assert again.external_org_id and again.instance_url.startswith("http")
        assert AppCredentials.objects.get(workspace=team.workspace).client_secret


def test_rotate_keys_management_command_reports_unreadable_secrets(
    emulator: EmulatorServer, db: None
) -> None:
    with override_settings(MAILTRIXY_ENCRYPTION_KEYS=[Fernet.generate_key().decode()]):
        connect(make_team("Lost key"), make_org(emulator))
    out = io.StringIO()
    with (
        override_settings(MAILTRIXY_ENCRYPTION_KEYS=[Fernet.generate_key().decode()]),
        pytest.raises(CommandError, match="could not be re-encrypted"),
    ):
        call_command("rotate_encryption_keys", stdout=out)
    # The consumer secret, two tokens, and the connection's address and identity (4 fields).
    assert "7 secret(s) cannot be read with any configured key" in out.getvalue()
    assert "integrations_appcredentials.client_secret #" in out.getvalue()
