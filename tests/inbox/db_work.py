"""How much work the database did: a count that grows with the rows a query reads, not the clock."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from django.db import connection


@contextmanager
def database_work(table: str) -> Iterator[list[int]]:
    """Yields a list that holds, once the block ends, the work the block cost the database.

    PostgreSQL: rows `table` gave up plus scans of it started, this transaction so far
    (pg_stat_xact_user_tables). SQLite: virtual machine instructions, counted in thousands.
    """
    done: list[int] = []
    if connection.vendor == "postgresql":
        before = _pg_reads(table)
        yield done
        done.append(_pg_reads(table) - before)
        return
    steps = [0]

    def count() -> int:
        steps[0] += 1
        return 0  # go on

    connection.ensure_connection()
    raw = connection.connection
    raw.set_progress_handler(count, 1000)
    try:
        yield done
    finally:
        raw.set_progress_handler(None, 0)
    done.append(steps[0])


def _pg_reads(table: str) -> int:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT coalesce(seq_tup_read, 0) + coalesce(idx_tup_fetch, 0) "
            "+ coalesce(seq_scan, 0) + coalesce(idx_scan, 0) "
            "FROM pg_stat_xact_user_tables WHERE relname = %s",
            [table],
        )
        row = cursor.fetchone()
    return int(row[0]) if row else 0
