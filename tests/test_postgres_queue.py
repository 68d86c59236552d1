"""The PostgreSQL job queue starts safely from many processes at once on a fresh database."""

from __future__ import annotations

import os
import threading
import uuid
from collections.abc import Iterator

import psycopg
import pytest

from mailtrixy.postgres_queue import PostgresQueue

pytestmark = pytest.mark.services

DSN = os.environ.get("TEST_JOBS_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/test")
STARTERS = 8
TABLES = ("kv", "schedule", "task", "counter")


@pytest.fixture
def fresh_prefix() -> Iterator[str]:
    """A table prefix no queue has used yet; its tables are dropped afterwards."""
    prefix = f"qtest_{uuid.uuid4().hex[:10]}"
    yield prefix
    with psycopg.connect(DSN, autocommit=True) as conn:
        for table in TABLES:
            conn.execute(f"DROP TABLE IF EXISTS {prefix}_{table}")


def _start_together(queue_class: type, prefix: str) -> list[BaseException]:
    """Build `STARTERS` queues at the same instant, as processes starting together do."""
    barrier = threading.Barrier(STARTERS)
    failures: list[BaseException] = []

    def start() -> None:
        barrier.wait()
        try:
            queue_class("race", dsn=DSN, table_prefix=prefix).storage.close()
        except BaseException as failure:  # collected for the assertion
            failures.append(failure)

    threads = [threading.Thread(target=start) for _ in range(STARTERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return failures


def test_queues_started_together_on_a_fresh_database_all_start(fresh_prefix: str) -> None:
    assert _start_together(PostgresQueue, fresh_prefix) == []
    queue = PostgresQueue("race", dsn=DSN, table_prefix=fresh_prefix)
    queue.enqueue(queue.task()(lambda: None).s())
    assert queue.pending_count() == 1
