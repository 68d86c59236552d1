"""MailTrixy as an operator runs it at scale, in processes: a PostgreSQL database of its own,
Redis for the cache and the queue, an emulator process hosting many orgs, workers, web servers.

Everything gets unique names (database, queue, cache prefix) and is removed afterwards, so these
tests never touch pytest-django's test database or another run's data.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import psycopg
import redis
from cryptography.fernet import Fernet

from salesforce_emulator.testing import ControlClient

ROOT = Path(__file__).resolve().parents[2]
SERVER_URL = os.environ.get("TEST_SCALE_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/test")
REDIS_BASE = os.environ.get("TEST_SCALE_REDIS_URL", "redis://127.0.0.1:6379/14")


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def wait_for(condition: Callable[[], Any], timeout: float, what: str, every: float = 0.3) -> Any:
    deadline = time.monotonic() + timeout
    while True:
        value = condition()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"Timed out after {timeout:g} s waiting for {what}.")
        time.sleep(every)


class Installation:
    """One MailTrixy installation made of processes; `close()` removes every trace."""

    def __init__(self, tmp: Path, **settings: str) -> None:
        self.tmp = tmp
        self.tag = uuid.uuid4().hex[:10]
        self.database = f"mailtrixy_scale_{self.tag}"
        self.database_url = f"{SERVER_URL.rsplit('/', 1)[0]}/{self.database}"
        self.queue = f"scale-{self.tag}"
        self.cache_prefix = f"scale-{self.tag}"
        self.processes: dict[str, subprocess.Popen[bytes]] = {}
        self.env = {
            **os.environ,
            "DATABASE_URL": self.database_url,
            "REDIS_URL": REDIS_BASE,
            "CACHE_KEY_PREFIX": self.cache_prefix,
            "JOBS_URL": REDIS_BASE,
            "JOBS_QUEUE_NAME": self.queue,
            "JOBS_IN_PROCESS": "false",
            "SECRET_KEY": uuid.uuid4().hex * 2,
            "MAILTRIXY_ENCRYPTION_KEYS": Fernet.generate_key().decode(),
            "MAILTRIXY_DATA_DIR": str(tmp / "data"),
            "LOG_FORMAT": "json",
            "PYTHONPATH": str(ROOT),
            **settings,
        }
        self.env.pop("PYTEST_VERSION", None)  # the processes are MailTrixy, not tests
        self.emulator_url = ""
        self.control: ControlClient | None = None

    # -- set up --------------------------------------------------------------------------------

    def create(self) -> Installation:
        with psycopg.connect(SERVER_URL, autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{self.database}"')
        self.run("-m", "mailtrixy", "migrate")
        return self

    def start_emulator(self, *extra: str) -> ControlClient:
        port = free_port()
        self.emulator_url = f"http://127.0.0.1:{port}"
        command = ["-m", "salesforce_emulator", "serve", "--host", "127.0.0.1", "--port", str(port)]
        self.start("emulator", *command, *extra)
        self.control = ControlClient(self.emulator_url)
        wait_for(self._emulator_answers, 30, "the emulator to start")
        return self.control

    def _emulator_answers(self) -> bool:
        try:
            return httpx.get(f"{self.emulator_url}/_emulator/orgs", timeout=2).status_code == 200
        except httpx.HTTPError:
            return False

    def run(self, *args: str) -> str:
        done = subprocess.run(
            [sys.executable, *args], env=self.env, cwd=ROOT, capture_output=True, text=True,
            timeout=300,
        )  # fmt: skip
        if done.returncode != 0:
            raise AssertionError(f"{' '.join(args)} failed:\n{done.stdout}\n{done.stderr}")
        return done.stdout

    def scenario(self, step: str, *args: str) -> Any:
        out = self.run("-m", "tests.scale.scenario", step, *args)
        return json.loads(out.strip().splitlines()[-1])

    def start(self, name: str, *args: str) -> subprocess.Popen[bytes]:
        log = (self.tmp / f"{name}.log").open("wb")
        process = subprocess.Popen(
            [sys.executable, *args], env=self.env, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT
        )
        self.processes[name] = process
        return process

    def start_worker(self, name: str, threads: int = 2) -> subprocess.Popen[bytes]:
        return self.start(name, "-m", "mailtrixy", "worker", "--workers", str(threads))

    def start_web(self, name: str) -> str:
        port = free_port()
        self.start(name, "-m", "mailtrixy", "serve", "--port", str(port), "--threads", "4")
        url = f"http://127.0.0.1:{port}"
        wait_for(lambda: _answers(f"{url}/healthz"), 30, f"{name} to serve")
        return url

    def log(self, name: str) -> str:
        path = self.tmp / f"{name}.log"
        return path.read_text(errors="replace") if path.exists() else ""

    # -- read back -----------------------------------------------------------------------------

    def sql(self, query: str, *params: Any) -> list[tuple[Any, ...]]:
        with psycopg.connect(self.database_url, autocommit=True) as conn:
            return list(conn.execute(query, params).fetchall())

    def run_states(self) -> list[tuple[int, int, str]]:
        """(run id, workspace id, status) of every sync run."""
        return [
            (int(a), int(b), str(c))
            for a, b, c in self.sql("SELECT id, workspace_id, status FROM integrations_syncrun")
        ]

    def opportunities(self, org_id: str) -> list[dict[str, Any]]:
        """The org's live Opportunities that MailTrixy made (they carry its external id)."""
        assert self.control is not None
        token = self.control.issue_tokens(org_id, f"scale-key-{org_id}")["access_token"]
        soql = (
            "SELECT Id, Name, MailTrixy_Deal_Id__c FROM Opportunity "
            "WHERE MailTrixy_Deal_Id__c != null"
        )
        response = httpx.get(
            f"{self.emulator_url}/services/data/v62.0/query",
            params={"q": soql},
            headers={"Authorization": f"Bearer {token}"},
            timeout=30,
        )
        response.raise_for_status()
        body = response.json()
        assert body["done"]
        return list(body["records"])

    # -- tear down -----------------------------------------------------------------------------

    def close(self) -> None:
        for process in self.processes.values():
            if process.poll() is None:
                process.terminate()
        for process in self.processes.values():
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
        if self.control is not None:
            self.control.close()
        with psycopg.connect(SERVER_URL, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{self.database}" WITH (FORCE)')
        store = redis.Redis.from_url(REDIS_BASE)
        for pattern in (f"*{self.queue}*", f"{self.cache_prefix}:*"):
            for key in store.scan_iter(match=pattern, count=500):
                store.delete(key)
        store.close()


def _answers(url: str) -> bool:
    try:
        return httpx.get(url, timeout=2).status_code == 200
    except httpx.HTTPError:
        return False
