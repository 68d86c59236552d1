"""The job queue is wired end to end: a real worker process runs a job enqueued elsewhere."""

from __future__ import annotations

import os
import subprocess
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from mailtrixy import jobs

ENQUEUE = """
import django, os
os.environ["DJANGO_SETTINGS_MODULE"] = "mailtrixy.settings"
django.setup()
from mailtrixy import jobs
print(jobs.ping("hello")(blocking=True, timeout=30))
"""


def _backends(tmp: Path) -> dict[str, str]:
    return {
        "sqlite": f"sqlite:///{tmp / 'jobs.sqlite3'}",
        "redis": os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/15"),
        "postgres": os.environ.get(
            "TEST_JOBS_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/test"
        ),
    }


@pytest.fixture(params=["sqlite", "redis", "postgres"])
def queue_env(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[dict[str, str]]:
    if request.param != "sqlite":
        request.applymarker(pytest.mark.services)
    env = {
        **os.environ,
        "JOBS_URL": _backends(tmp_path)[request.param],
        "JOBS_QUEUE_NAME": f"test-{uuid.uuid4().hex[:10]}",
        "MAILTRIXY_DATA_DIR": str(tmp_path),
    }
    yield env


def test_a_worker_process_runs_an_enqueued_job(queue_env: dict[str, str], tmp_path: Path) -> None:
    worker_log = tmp_path / "worker.log"
    with worker_log.open("wb") as log:
        worker = subprocess.Popen(
            [sys.executable, "-m", "mailtrixy", "worker", "--workers", "1"],
            env=queue_env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    try:
        result = subprocess.run(
            [sys.executable, "-c", ENQUEUE],
            env=queue_env,
            capture_output=True,
            text=True,
            timeout=60,
        )
    finally:
        worker.terminate()
        worker.wait(timeout=15)
    assert result.returncode == 0, (
        f"enqueue failed:\n{result.stderr}\nworker said:\n{worker_log.read_text()}"
    )
    assert result.stdout.strip() == "pong: hello"


def test_in_process_worker_runs_jobs_without_a_separate_process() -> None:
    jobs.start_in_process_worker(workers=1)
    try:
        assert jobs.ping("in-process")(blocking=True, timeout=30) == "pong: in-process"
    finally:
        jobs.stop_in_process_worker()


def test_queue_depth_counts_waiting_jobs() -> None:
    before = jobs.queue_depth()
    handle = jobs.ping("waiting")
    assert jobs.queue_depth() == before + 1
    handle.revoke()
