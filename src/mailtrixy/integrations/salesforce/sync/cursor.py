"""Where the pull of one object stands, and the query that reads on from there.

The pull is incremental by `(SystemModstamp, Id)`: each applied page moves the saved position
(`SyncCursor`) to its last record, and the next pull asks for everything from a little behind it
(`OVERLAP`), because Salesforce gives commits no order and a change may land behind the cursor.

A full pull (the first one, then every SALESFORCE_FULL_RECONCILE_DAYS, and whenever no pull read
to the end within Salesforce's `DELETED_RECORDS_WINDOW`) reads everything from the start, stamping
every link it sees with its `mark`; the engine then sweeps links it did not see. If it is
interrupted, the next run resumes it from the cursor with the same mark, so it neither starts
over nor sweeps wrongly.
"""

from __future__ import annotations

import time
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import quote as url_quote

from django.conf import settings
from django.utils import timezone

from mailtrixy.integrations.salesforce.models import SyncCursor
from mailtrixy.integrations.salesforce.soql import datetime_literal, parse_datetime

OVERLAP = timedelta(minutes=5)
"""Re-read changes this far behind the cursor: commits land late (Salesforce gives no order)."""
DELETED_RECORDS_WINDOW = timedelta(days=15)
"""Older than this, Salesforce may have purged deletes: only a full reconcile is safe."""


class PullCursor:
    """The saved position of one object's pull, loaded (or created) for one run."""

    def __init__(self, workspace_id: int, sobject: str, fields: str) -> None:
        self.sobject = sobject
        self.fields = fields
        """The SELECT list; the engine may change it once the org's metadata is read."""
        self.saved, _ = SyncCursor.objects.get_or_create(workspace_id=workspace_id, sobject=sobject)
        self.full = self.saved.full_mark is not None or self._full_pull_due(timezone.now())
        if self.full and self.saved.full_mark is None:
            self._start_full()
        self.mark: int = self.saved.full_mark or 0
        """Set on every link a full pull sees (0 outside one)."""

    @property
    def modstamp(self) -> str:
        """The SystemModstamp of the last record applied ("" before the first)."""
        return self.saved.modstamp

    @property
    def last_id(self) -> str:
        """The Id of that record: records sharing its stamp are ordered by Id."""
        return self.saved.last_id

    def _full_pull_due(self, now: datetime) -> bool:
        saved = self.saved
        if not saved.modstamp or saved.full_reconcile_at is None:
            return True
        every = timedelta(days=settings.SALESFORCE_FULL_RECONCILE_DAYS)
        # Deletes older than Salesforce's window may be gone from queryAll: if no pull read to
        # the end within it, only a full read is safe. (A quiet org's cursor may be old; that
        # alone is not staleness.)
        last_read = saved.pulled_at or saved.full_reconcile_at
        stale = last_read < now - DELETED_RECORDS_WINDOW
        return saved.full_reconcile_at < now - every or stale

    def _start_full(self) -> None:
        self.saved.full_mark = time.time_ns()
        self.saved.modstamp, self.saved.last_id = "", ""
        self.saved.save(update_fields=["full_mark", "modstamp", "last_id", "updated_at"])

    def soql(self) -> str:
        """Every record changed since a little before the cursor (all of them at first)."""
        where = ""
        if self.modstamp:
            since = parse_datetime(self.modstamp) - OVERLAP
            where = f" WHERE SystemModstamp >= {datetime_literal(since)}"
        return f"SELECT {self.fields} FROM {self.sobject}{where} ORDER BY SystemModstamp, Id"

    def query_path(self) -> str:
        """The REST resource of the first page (queryAll: deletes are changes too)."""
        return f"queryAll?q={url_quote(self.soql(), safe='')}"

    def advance(self, records: list[dict[str, Any]]) -> None:
        """Move the cursor to the last record of a page that has been applied."""
        if not records:
            return
        last = records[-1]
        if (last["SystemModstamp"], last["Id"]) > (self.modstamp, self.last_id):
            self.saved.modstamp, self.saved.last_id = last["SystemModstamp"], last["Id"]
            self.saved.save(update_fields=["modstamp", "last_id", "updated_at"])

    def read_to_end(self) -> None:
        self.saved.pulled_at = timezone.now()
        self.saved.save(update_fields=["pulled_at", "updated_at"])

    def finish_full(self) -> None:
        self.saved.full_reconcile_at = timezone.now()
        self.saved.full_mark = None
        self.saved.save(update_fields=["full_reconcile_at", "full_mark", "updated_at"])
