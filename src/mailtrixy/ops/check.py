"""`mailtrixy check`: configuration problems in plain words, before they bite in production.

A *problem* stops a correct multi-process installation (exit code 1); a *warning* is worth
reading; a *note* says what a default means. Nothing here prints a secret's value.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass
from typing import TextIO
from urllib.parse import urlsplit

from django.conf import settings

PROBLEM, WARNING, NOTE = "problem", "warning", "note"


@dataclass(frozen=True)
class Finding:
    level: str
    text: str


def _production() -> bool:
    """Anything beyond the one-machine demo: a server database."""
    return "sqlite" not in settings.DATABASES["default"]["ENGINE"]


def check_shared_secrets() -> list[Finding]:
    found = []
    level = PROBLEM if _production() else NOTE
    if not os.environ.get("SECRET_KEY", "").strip():
        found.append(
            Finding(
                level,
                "SECRET_KEY is not set, so a key generated into the data directory is used. "
                "Every web and worker process must share one: set SECRET_KEY.",
            )
        )
    if not os.environ.get("MAILTRIXY_ENCRYPTION_KEYS", "").strip():
        found.append(
            Finding(
                level,
                "MAILTRIXY_ENCRYPTION_KEYS is not set, so a key generated into the data directory "
                "encrypts the saved integration secrets. Set it, identical on every process, and "
                "back it up apart from the database.",
            )
        )
    return found


def check_encryption_keys() -> list[Finding]:
    from cryptography.fernet import Fernet

    for position, key in enumerate(settings.MAILTRIXY_ENCRYPTION_KEYS, start=1):
        try:
            Fernet(key.encode())
        except ValueError:
            return [
                Finding(
                    PROBLEM,
                    f"Key number {position} in MAILTRIXY_ENCRYPTION_KEYS is not a Fernet key "
                    "(32 bytes, url-safe base64).",
                )
            ]
    return _stored_secrets()


def _stored_secrets() -> list[Finding]:
    from cryptography.fernet import InvalidToken
    from django.db import connection

    from mailtrixy.integrations import crypto
    from mailtrixy.ops.rotate_keys import encrypted_columns, newest_key_reads

    quote, unreadable, old = connection.ops.quote_name, 0, 0
    for table, _, column in encrypted_columns():
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT {quote(column)} FROM {quote(table)}")
            for (token,) in cursor.fetchall():
                if not token or newest_key_reads(token):
                    continue
                try:
                    crypto.fernet().decrypt(token.encode())
                    old += 1
                except InvalidToken:
                    unreadable += 1
    found = []
    if unreadable:
        found.append(
            Finding(
                PROBLEM,
                f"{unreadable} saved secret(s) cannot be decrypted with MAILTRIXY_ENCRYPTION_KEYS: "
                "the key they were saved with is missing. Add it back (after the newest key).",
            )
        )
    if old:
        found.append(
            Finding(
                WARNING,
                f"{old} saved secret(s) still use an older encryption key. Run "
                "`mailtrixy rotate-keys`, then the old keys can be removed.",
            )
        )
    return found


def check_web() -> list[Finding]:
    found = []
    if settings.DEBUG:
        found.append(Finding(PROBLEM, "DEBUG is on: error pages would show settings and code."))
    base = urlsplit(settings.BASE_URL)
    host = base.hostname or ""
    loopback = host in {"127.0.0.1", "localhost", "::1"}
    if host and "*" not in settings.ALLOWED_HOSTS and host not in settings.ALLOWED_HOSTS:
        found.append(
            Finding(
                PROBLEM,
                f"MAILTRIXY_BASE_URL's host {host!r} is not in ALLOWED_HOSTS, so Django refuses "
                "requests to it. Add it to ALLOWED_HOSTS.",
            )
        )
    if base.scheme != "https" and not loopback:
        found.append(
            Finding(
                WARNING,
                "MAILTRIXY_BASE_URL is not https: cookies are not marked Secure and Salesforce "
                "only accepts https callback URLs for real orgs.",
            )
        )
    found.extend(_metrics_access())
    return found


def _metrics_access() -> list[Finding]:
    networks = settings.METRICS_ALLOWED_IPS
    if any(network.prefixlen == 0 for network in networks):
        return [
            Finding(
                WARNING,
                "METRICS_ALLOWED_IPS admits every address: anyone who reaches MailTrixy directly "
                "can read /metrics. List your Prometheus servers, or set METRICS_TOKEN instead.",
            )
        ]
    if not networks and not settings.METRICS_TOKEN:
        return [
            Finding(
                NOTE,
                "/metrics answers no one: METRICS_ALLOWED_IPS is none and METRICS_TOKEN is unset.",
            )
        ]
    if not settings.METRICS_TOKEN:
        allowed = ", ".join(str(network) for network in networks)
        return [
            Finding(
                NOTE,
                f"METRICS_TOKEN is not set: /metrics answers only to direct requests from "
                f"{allowed} (METRICS_ALLOWED_IPS), never through a proxy.",
            )
        ]
    return []


def check_services() -> list[Finding]:
    from mailtrixy.health import readiness

    found = []
    for name, state in readiness().items():
        if state != "ok":
            found.append(Finding(PROBLEM, f"The {name} cannot be reached: {state}."))
    if _production() and not settings.REDIS_URL:
        found.append(
            Finding(
                WARNING,
                "REDIS_URL is not set: the card cache is a database table and metric counters "
                "are kept per process. Set REDIS_URL for several processes.",
            )
        )
    if _production() and settings.JOBS_URL.startswith("sqlite"):
        found.append(
            Finding(
                PROBLEM,
                "JOBS_URL is a SQLite file while the database is a server: workers on other "
                "machines cannot share it. Use redis:// or postgresql://.",
            )
        )
    return found


def check_migrations() -> list[Finding]:
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    try:
        executor = MigrationExecutor(connection)
        pending = executor.migration_plan(executor.loader.graph.leaf_nodes())
    except Exception as error:
        return [Finding(PROBLEM, f"Migrations cannot be read: {type(error).__name__}.")]
    if pending:
        return [
            Finding(
                PROBLEM,
                f"{len(pending)} database migration(s) are not applied: run `mailtrixy migrate`.",
            )
        ]
    return []


def check_integrations() -> list[Finding]:
    """Each provider checks its own settings."""
    from mailtrixy.integrations import registry

    return [finding for p in registry.providers() for finding in p.configuration_findings()]


CHECKS: tuple[Callable[[], list[Finding]], ...] = (
    check_shared_secrets,
    check_web,
    check_services,
    check_migrations,
    check_encryption_keys,
    check_integrations,
)


def findings() -> list[Finding]:
    found: list[Finding] = []
    for check in CHECKS:
        try:
            found += check()
        except Exception as error:
            found.append(
                Finding(PROBLEM, f"{check.__name__} could not run: {type(error).__name__}.")
            )
    return found


def check_command(out: TextIO) -> int:
    found = findings()
    for level in (PROBLEM, WARNING, NOTE):
        for finding in found:
            if finding.level == level:
                out.write(f"{level.upper()}: {finding.text}\n")
    problems = sum(1 for f in found if f.level == PROBLEM)
    warnings = sum(1 for f in found if f.level == WARNING)
    if not problems and not warnings:
        out.write("The configuration looks right.\n")
    else:
        out.write(f"{problems} problem(s), {warnings} warning(s).\n")
    return 1 if problems else 0
