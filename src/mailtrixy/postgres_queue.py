"""The PostgreSQL job queue, safe to start from any number of processes at once.

huey's PostgresStorage creates its tables with `CREATE TABLE IF NOT EXISTS` as each process starts.
PostgreSQL does not make that statement safe against itself: two processes starting together on a
fresh database both find no table, and one fails on a duplicate catalog row
(`pg_type_typname_nsp_index`). A deployment that starts its web and worker processes at the same
moment would lose some of them. One transaction-scoped advisory lock around the DDL makes the
creations take turns; the second process then finds the tables and creates nothing.

This sits apart from jobs.py because djhuey imports the queue class while Django reads settings,
before jobs.py (which imports djhuey) can be imported.
"""

from __future__ import annotations

from huey import PostgresHuey
from huey.storage import PostgresStorage

# Any fixed 64-bit number, the same in every MailTrixy process: the advisory lock's key.
SCHEMA_LOCK_KEY = 0x4D61696C54726978  # "MailTrix"


class SerializedSchemaStorage(PostgresStorage):
    """huey's PostgreSQL storage whose table creation holds an advisory lock."""

    def initialize_schema(self) -> None:
        with self.db(commit=True, close=True) as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", (SCHEMA_LOCK_KEY,))
            for statement in self.ddl:
                cursor.execute(statement)


class PostgresQueue(PostgresHuey):
    """`huey_class` for `JOBS_URL=postgresql://…`."""

    storage_class = SerializedSchemaStorage
