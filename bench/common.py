"""What every benchmark child process shares: a fresh database, Django, an org, measurements.

Each benchmark runs in its own process (`python -m bench.<module> '<json>'`), so its peak memory
is its own and Django starts on its own database. It prints one JSON object on its last line.
"""

from __future__ import annotations

import json
import os
import resource
import sys
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

PG_ADMIN_URL = os.environ.get("BENCH_PG_URL", "postgresql://postgres@127.0.0.1:5432/postgres")
CALLBACK = "http://127.0.0.1/oauth/salesforce/callback"


def database_url(kind: str) -> tuple[str, Callable[[], None]]:
    """A fresh, empty database of `kind` (sqlite | postgres) and how to drop it."""
    if kind == "sqlite":
        folder = tempfile.mkdtemp(prefix="mailtrixy-bench-")
        return f"sqlite:///{folder}/bench.sqlite3", lambda: _rmtree(folder)
    import psycopg

    name = f"mailtrixy_bench_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(PG_ADMIN_URL, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    base = PG_ADMIN_URL.rsplit("/", 1)[0]

    def drop() -> None:
        from django.db import connections

        connections.close_all()
        with psycopg.connect(PG_ADMIN_URL, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    return f"{base}/{name}", drop


def _rmtree(folder: str) -> None:
    import shutil

    shutil.rmtree(folder, ignore_errors=True)


def start_django(url: str) -> None:
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mailtrixy.settings")
    os.environ["DEBUG"] = "0"  # no query log: it would grow with N
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0)
    call_command("createcachetable", verbosity=0)


@dataclass
class Org:
    """An emulator org with a Connected App and a user, and a workspace connected to it."""

    base_url: str
    org_id: str
    key: str
    secret: str
    username: str

    @property
    def control(self) -> Any:
        from salesforce_emulator.testing import ControlClient

        return ControlClient(self.base_url)

    def admin_http(self) -> Any:
        import httpx

        token = self.control.issue_tokens(self.org_id, self.key)["access_token"]
        return httpx.Client(
            base_url=f"{self.base_url}/services/data/v62.0/",
            headers={"Authorization": f"Bearer {token}"},
            timeout=120,
        )

    def api_calls(self) -> int:
        return int(self.control.counters(self.org_id)["api_requests_total"])

    def calls_by_kind(self) -> dict[str, int]:
        return dict(self.control.counters(self.org_id)["api_requests"])

    def reset(self) -> None:
        self.control.reset_counters(self.org_id)


def make_org(base_url: str, contacts: int = 0, seed: int = 1) -> Org:
    from salesforce_emulator.testing import ControlClient

    control = ControlClient(base_url)
    org = control.create_org(name=f"Bench {uuid.uuid4().hex[:6]}")
    key, secret = f"bench-{uuid.uuid4().hex}", uuid.uuid4().hex
    control.create_app(org["org_id"], key, secret, CALLBACK)
    username = f"bench-{uuid.uuid4().hex[:6]}@bench.example"
    control.create_user(org["org_id"], username, "pw", first_name="Ann")
    if contacts:
        control.seed(org["org_id"], contacts=contacts, seed=seed)
    return Org(base_url, org["org_id"], key, secret, username)


def make_workspace(name: str = "Bench") -> Any:
    from django.contrib.auth import get_user_model

    from mailtrixy.accounts.models import Member, Role, Workspace
    from mailtrixy.demo import create_pipeline

    workspace = Workspace.objects.create(name=name)
    create_pipeline(workspace)
    user = get_user_model().objects.create_user(username=f"agent-{uuid.uuid4().hex[:6]}")
    member = Member.objects.create(user=user, workspace=workspace, role=Role.ADMIN)
    return workspace, member


def connect(workspace: Any, member: Any, org: Org) -> Any:
    """What Connect → Allow → callback leaves behind, without the browser."""
    from mailtrixy.integrations.models import AppCredentials
    from mailtrixy.integrations.salesforce import connection as connections
    from mailtrixy.integrations.salesforce import oauth

    AppCredentials.objects.create(
        workspace=workspace,
        provider="salesforce",
        client_id=org.key,
        client_secret=org.secret,
        login_url=org.base_url,
        api_budget_percent=100,
    )
    body = org.control.issue_tokens(org.org_id, org.key, org.username)
    tokens = oauth.TokenSet(
        access_token=body["access_token"],
        refresh_token=body["refresh_token"],
        instance_url=body["instance_url"],
        identity_url=body["id"],
        issued_at=body["issued_at"],
        scope=body["scope"],
    )
    return connections.save_connection(workspace, member, tokens, oauth.fetch_identity(tokens))


def sync(connection: Any) -> dict[str, Any]:
    from mailtrixy.integrations.models import Connection
    from mailtrixy.integrations.salesforce.sync.engine import SyncEngine

    return SyncEngine(Connection.objects.get(pk=connection.pk)).run()


def rss_mb() -> float:
    """The resident set size now."""
    with open("/proc/self/statm") as statm:
        pages = int(statm.read().split()[1])
    return pages * os.sysconf("SC_PAGE_SIZE") / 2**20


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


@dataclass
class Timing:
    wall: float = 0.0
    cpu: float = 0.0


@contextmanager
def timed() -> Iterator[Timing]:
    result = Timing()
    wall, cpu = time.perf_counter(), time.process_time()
    yield result
    result.wall = time.perf_counter() - wall
    result.cpu = time.process_time() - cpu


@contextmanager
def profiled(path: str | None) -> Iterator[None]:
    """With a path, profile the block with pyinstrument and write its text report there.

    For finding what misses a target; the figures of a profiled run are not results (the
    profiler adds its own cost).
    """
    if not path:
        yield
        return
    from pyinstrument import Profiler

    profiler = Profiler(interval=0.002)
    with profiler:
        yield
    with open(path, "w") as out:
        out.write(profiler.output_text(unicode=True, show_all=False))


def child_args() -> dict[str, Any]:
    return dict(json.loads(sys.argv[1])) if len(sys.argv) > 1 else {}


def emit(result: dict[str, Any]) -> None:
    print(json.dumps(result), flush=True)


GAP_MS = 10 * 60 * 1000
"""Between two backdated chunks: more than the sync's 5-minute overlap."""


def backdate_all(org: Org, sobject: str, seconds: float = 3600) -> None:
    """Make every record look older than the sync's overlap window."""
    with org.admin_http() as api:
        ids: list[str] = []
        page = api.get("queryAll", params={"q": f"SELECT Id FROM {sobject}"}).json()
        while True:
            ids.extend(r["Id"] for r in page["records"])
            if page["done"]:
                break
            page = api.get(org.base_url + page["nextRecordsUrl"]).json()
    # A history spread out as a real org's: one stamp per chunk of 500, chunks 10 minutes apart,
    # the newest `seconds` ago. The sync re-reads 5 minutes behind its cursor (the last record's
    # stamp), so chunks closer than that (or one shared stamp) would all be re-read each run;
    # 10 minutes apart, only the newest chunk (500 records, one page) is.
    chunks = range(0, len(ids), 500)
    newest = int((time.time() - seconds) * 1000)
    for n, start in enumerate(chunks):
        stamp = newest - (len(chunks) - 1 - n) * GAP_MS
        org.control.backdate(org.org_id, sobject, ids[start : start + 500], stamp)
    org.reset()
