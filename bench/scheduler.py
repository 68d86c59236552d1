"""One scheduling round over 1,000 connected workspaces with nothing due: CPU and queries.

python -m bench.scheduler '{"db": "sqlite", "workspaces": 1000}'
"""

from __future__ import annotations

import statistics
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import timedelta
from typing import Any

from bench import common


def main(args: dict[str, Any]) -> dict[str, Any]:
    db = str(args.get("db", "sqlite"))
    url, drop = common.database_url(db)
    try:
        common.start_django(url)
        return run(db, int(args.get("workspaces", 1000)), int(args.get("rounds", 20)))
    finally:
        drop()


def run(db: str, count: int, rounds: int) -> dict[str, Any]:
    from django.conf import settings
    from django.utils import timezone

    from bench import baseline
    from mailtrixy.accounts.models import Workspace
    from mailtrixy.integrations.models import Connection, SyncRun, SyncRunStatus
    from mailtrixy.integrations.salesforce.sync import schedule

    workspaces = Workspace.objects.bulk_create(Workspace(name=f"w{n}") for n in range(count))
    Connection.objects.bulk_create(
        Connection(
            workspace=w,
            provider="salesforce",
            access_token="bench-access-token",
            refresh_token="bench-refresh-token",
            instance_url="https://example.my.salesforce.com",
            external_org_id="00D000000000001",
            external_user_id="005000000000001",
            external_username="ann@example.com",
        )
        for w in workspaces
    )
    SyncRun.objects.bulk_create(
        SyncRun(workspace=w, provider="salesforce", status=SyncRunStatus.SUCCEEDED)
        for w in workspaces
    )
    SyncRun.objects.update(queued_at=timezone.now() - timedelta(seconds=30))  # all just synced
    schedule.due_runs()  # warm up
    ours = _rounds(schedule.due_runs, rounds)
    interval_s = float(settings.SALESFORCE_SYNC_INTERVAL)  # seconds
    theirs = _rounds(lambda: baseline.scheduler_round(interval_s), rounds)
    return {
        "bench": "scheduler",
        "db": db,
        "workspaces": count,
        "rounds": rounds,
        "queries_per_round": ours["queries"],
        "cpu_ms_median": ours["cpu_ms_median"],
        "wall_ms_median": ours["wall_ms_median"],
        "wall_ms_max": ours["wall_ms_max"],
        "baseline_queries_per_round": theirs["queries"],
        "baseline_cpu_ms_median": theirs["cpu_ms_median"],
        "baseline_wall_ms_median": theirs["wall_ms_median"],
    }


def _rounds(round_: Callable[[], list[int]], rounds: int) -> dict[str, Any]:
    """Statements per round and CPU and wall time of `rounds` rounds, none finding work."""
    cpu: list[float] = []
    wall: list[float] = []
    queries = 0
    for _ in range(rounds):
        with counting_queries() as counted, common.timed() as took:
            due = round_()
        assert due == [], due
        cpu.append(took.cpu * 1000)
        wall.append(took.wall * 1000)
        queries = counted[0]
    return {
        "queries": queries,
        "cpu_ms_median": round(statistics.median(cpu), 2),
        "wall_ms_median": round(statistics.median(wall), 2),
        "wall_ms_max": round(max(wall), 2),
    }


@contextmanager
def counting_queries() -> Iterator[list[int]]:
    """Statements sent in the block (Django's query log keeps only the last 9,000)."""
    from django.db import connection

    counted = [0]

    def count(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        counted[0] += 1
        return execute(sql, params, many, context)

    with connection.execute_wrapper(count):
        yield counted


if __name__ == "__main__":
    common.emit(main(common.child_args()))
