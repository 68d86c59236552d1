"""Fresh PostgreSQL planner statistics while a pull fills MailTrixy's tables.

A first pull grows `inbox_contact` and its links from nothing to the org's size in one run. Until
the tables are analysed, PostgreSQL believes them tiny and looks a page's emails up through the
workspace index — every contact of the workspace, once a page: an initial pull of N contacts then
reads N²/2,000 rows. Autovacuum analyses them eventually, or never where it is off. So the pull
analyses them itself each time the rows it created double (from the first page's 2,000: about ten
ANALYZEs for a million, each a sample of at most 30,000 rows; the first ones take milliseconds).
SQLite plans without statistics; nothing is done.
"""

from __future__ import annotations

from django.db import connection

FIRST_AT = 2_000


class PlannerStatistics:
    def __init__(self, tables: tuple[str, ...], first_at: int = FIRST_AT) -> None:
        self.tables = tables
        self.next_at = first_at
        self.analysed = 0

    def grew_to(self, rows_created: int) -> None:
        """Rows this run has created so far; analyses when they reach the next doubling."""
        if rows_created < self.next_at:
            return
        while self.next_at <= rows_created:
            self.next_at *= 2
        if connection.vendor != "postgresql":
            return
        with connection.cursor() as cursor:
            cursor.execute(f"ANALYZE {', '.join(self.tables)}")
        self.analysed += 1
