"""Many orgs in one emulator process.

A data directory holds `emulator.sqlite3` (the registry: which orgs exist, and the OAuth tables)
and one SQLite file per org under `orgs/`; without a data directory everything lives in memory,
for tests. Each org comes with its runtime companions: faults, counters, API usage, query locators.
"""

from __future__ import annotations

import secrets
import sqlite3
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from salesforce_emulator.counters import Counters
from salesforce_emulator.faults import FaultConfig, FaultInjector
from salesforce_emulator.ids import decode_base62, encode_base62, to_18
from salesforce_emulator.limits import DEFAULT_DAILY_API_REQUESTS, ApiUsage
from salesforce_emulator.oauth.apps import ConnectedApps
from salesforce_emulator.oauth.codes import AuthorizationCodes
from salesforce_emulator.oauth.credentials import Credentials
from salesforce_emulator.oauth.tables import create_tables
from salesforce_emulator.oauth.tokens import DEFAULT_TOKEN_LIFETIME_SECONDS, Tokens
from salesforce_emulator.oauth.usage import OAuthUsage
from salesforce_emulator.rest.locators import QueryLocators
from salesforce_emulator.store import Org

REGISTRY_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS orgs (org_id TEXT PRIMARY KEY, path TEXT, created_at REAL NOT NULL);
"""
ORG_OPTIONS = frozenset(
    {"name", "currency", "multi_currency", "currencies", "external_id_field", "pod"}
)


@dataclass
class OrgHandle:
    """An org and what the emulator keeps about it beside its data."""

    org: Org
    usage: ApiUsage
    faults: FaultInjector = field(default_factory=FaultInjector)
    counters: Counters = field(default_factory=Counters)
    locators: QueryLocators = field(default_factory=QueryLocators)

    @property
    def id(self) -> str:
        return self.org.id

    def api_limit(self) -> int:
        lowered = self.faults.config.daily_api_limit
        return self.usage.maximum if lowered is None else lowered


class UnknownOrg(LookupError):
    pass


class Registry:
    def __init__(
        self,
        data_dir: str | Path | None = None,
        *,
        token_lifetime: float = DEFAULT_TOKEN_LIFETIME_SECONDS,
        daily_api_requests: int = DEFAULT_DAILY_API_REQUESTS,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.data_dir = Path(data_dir) if data_dir is not None else None
        self.clock = clock
        self.daily_api_requests = daily_api_requests
        # One connection shared by the server's threads; sqlite3 serialises, the lock guards us.
        self.lock = threading.RLock()
        self.db = sqlite3.connect(self._db_path(), check_same_thread=False, isolation_level=None)
        self.db.executescript(REGISTRY_SCHEMA)
        create_tables(self.db)
        self.apps = ConnectedApps(self.db, clock)
        self.credentials = Credentials(self.db)
        self.codes = AuthorizationCodes(self.db, clock)
        self.tokens = Tokens(self.db, clock, token_lifetime)
        self.oauth_usage = OAuthUsage(self.db, clock)
        self._orgs: dict[str, OrgHandle] = {}
        # Faults every org starts with (the CLI's flags); the control API changes them per org.
        self.default_faults = FaultConfig()

    def create_org(self, **options: Any) -> OrgHandle:
        """A new org; options are `Org.create`'s (name, currency, multi_currency, ...)."""
        unknown = set(options) - ORG_OPTIONS
        if unknown:
            raise ValueError(f"unknown org options: {', '.join(sorted(unknown))}")
        with self.lock:
            path = self._new_org_path()
            org = self._create_unique(path, options)
            self.db.execute(
                "INSERT INTO orgs (org_id, path, created_at) VALUES (?, ?, ?)",
                (org.id, str(path) if path else None, self.clock()),
            )
            return self._remember(org)

    def _create_unique(self, path: Path | None, options: dict[str, Any]) -> Org:
        """Org ids derive from name and pod: an org named like another one gets the next pod."""
        pods = [options.pop("pod")] if "pod" in options else []
        pods += [_pod(n) for n in range(decode_base62("5g"), 62**2)]
        for pod in pods:
            org = Org.create(str(path) if path else None, pod=pod, **options)
            if self.find(org.id) is None:
                return org
            org.close()
            if path is not None:
                for leftover in path.parent.glob(path.name + "*"):
                    leftover.unlink()
        raise ValueError("no free org id left for this name")

    def get(self, org_id: str) -> OrgHandle:
        """The org with this 15- or 18-character id; UnknownOrg when there is none."""
        with self.lock:
            key = _key(org_id)
            handle = self._orgs.get(key)
            return handle if handle is not None else self._open(key)

    def find(self, org_id: str) -> OrgHandle | None:
        try:
            return self.get(org_id)
        except UnknownOrg:
            return None

    def find_by_name(self, name: str) -> OrgHandle | None:
        for org_id in self.org_ids():
            handle = self.find(org_id)
            if handle is not None and handle.org.name == name:
                return handle
        return None

    def org_ids(self) -> list[str]:
        return [row[0] for row in self.db.execute("SELECT org_id FROM orgs ORDER BY created_at")]

    def secret(self) -> bytes:
        """The key that signs the pages' session cookies; kept so restarts keep people logged in."""
        with self.lock:
            row = self.db.execute("SELECT value FROM meta WHERE key = 'cookie_secret'").fetchone()
            if row:
                return bytes.fromhex(row[0])
            value = secrets.token_bytes(32)
            self.db.execute(
                "INSERT INTO meta (key, value) VALUES ('cookie_secret', ?)", (value.hex(),)
            )
            return value

    def close(self) -> None:
        with self.lock:
            for handle in self._orgs.values():
                handle.org.close()
            self._orgs.clear()
            self.db.close()

    def _open(self, key: str) -> OrgHandle:
        row = self.db.execute(
            "SELECT org_id, path FROM orgs WHERE substr(org_id, 1, 15) = ?", (key,)
        ).fetchone()
        if row is None or row[1] is None:
            raise UnknownOrg(key)
        return self._remember(Org.open(row[1]))

    def _remember(self, org: Org) -> OrgHandle:
        handle = OrgHandle(
            org=org,
            usage=ApiUsage(self.daily_api_requests, self.clock),
            faults=FaultInjector(self.default_faults),
        )
        self._orgs[_key(org.id)] = handle
        return handle

    def _db_path(self) -> str:
        if self.data_dir is None:
            return ":memory:"
        self.data_dir.mkdir(parents=True, exist_ok=True)
        return str(self.data_dir / "emulator.sqlite3")

    def _new_org_path(self) -> Path | None:
        if self.data_dir is None:
            return None
        orgs_dir = self.data_dir / "orgs"
        orgs_dir.mkdir(exist_ok=True)
        number = len(self.org_ids()) + 1
        while (orgs_dir / f"org-{number:04d}.sqlite3").exists():
            number += 1
        return orgs_dir / f"org-{number:04d}.sqlite3"


def _key(org_id: str) -> str:
    """Orgs are keyed by the case-sensitive 15-character id (what an access token carries)."""
    if len(org_id) == 18:
        try:
            return to_18(org_id)[:15]
        except Exception:  # a malformed id is simply not an org we know
            raise UnknownOrg(org_id) from None
    return org_id[:15]


def _pod(n: int) -> str:
    return encode_base62(n % 62**2, 2)
