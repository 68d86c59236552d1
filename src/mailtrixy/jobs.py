"""Background jobs. The only module that knows huey.

The queue is chosen by `JOBS_URL` (see settings.py): SqliteHuey by default, RedisHuey or
PostgresHuey at scale. The demo runs an in-process consumer (`JOBS_IN_PROCESS=1`) so that it is one
process; at scale, run `mailtrixy worker` (huey's `run_huey`) on as many machines as needed.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from typing import Any, TypeVar

from huey import crontab
from huey.consumer import Consumer
from huey.contrib.djhuey import HUEY, db_periodic_task, db_task

log = logging.getLogger(__name__)

F = TypeVar("F", bound=Callable[..., Any])

__all__ = ["crontab", "job", "periodic_job", "queue_depth", "start_in_process_worker"]


def job(**options: Any) -> Callable[[F], Any]:
    """Declare a background job: `@job()` then `fn(...)` enqueues it and returns a result handle.

    Database connections are closed around each run, as a worker thread needs.
    """
    return db_task(**options)


def periodic_job(schedule: Any, **options: Any) -> Callable[[F], Any]:
    """Declare a job that the consumer runs on `schedule` (a `crontab(...)`)."""
    return db_periodic_task(schedule, **options)


def queue_depth() -> int:
    """How many jobs wait in the queue."""
    return int(HUEY.pending_count())


_in_process: Consumer | None = None
_in_process_lock = threading.Lock()


def start_in_process_worker(workers: int = 2) -> Consumer:
    """Run a consumer inside this process, in threads (the demo's one-process mode)."""
    global _in_process
    with _in_process_lock:
        if _in_process is None:
            consumer = HUEY.create_consumer(workers=workers, worker_type="thread", periodic=True)
            consumer.start()
            _in_process = consumer
            log.info("Started an in-process job worker with %d threads.", workers)
        return _in_process


def stop_in_process_worker() -> None:
    global _in_process
    with _in_process_lock:
        if _in_process is not None:
            _in_process.stop(graceful=True)
            _in_process = None


@job()
def ping(value: str) -> str:
    """A trivial job that proves the queue is wired: it returns what it was given."""
    return f"pong: {value}"
