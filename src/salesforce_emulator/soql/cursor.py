"""A server-side query cursor that streams.

When a query runs, the ordered list of matching row ids (SQLite rowids, 8 bytes each in an
``array``) is snapshotted — what a Salesforce query locator sees — and the count becomes
``totalSize``. Each :meth:`QueryCursor.fetch` then loads and shapes only the next page of full
rows, by rowid. A 1,000,000-row result costs about 8 MB of rowids, never the rows themselves.
Rows changed after the snapshot are returned as they are when fetched.
"""

from __future__ import annotations

import threading
from array import array
from collections.abc import Callable, Sequence
from typing import Any

PageLoader = Callable[[Sequence[int]], list[dict[str, Any]]]


class QueryCursor:
    """The result of one query: ``total_size`` and the records, page by page."""

    def __init__(
        self, total_size: int, rowids: array[int], load_page: PageLoader, lock: threading.RLock
    ) -> None:
        self.total_size = total_size
        self._rowids = rowids
        self._load_page = load_page
        self._lock = lock
        self._position = 0

    @property
    def done(self) -> bool:
        return self._position >= len(self._rowids)

    @property
    def position(self) -> int:
        """How many records were fetched so far."""
        return self._position

    def fetch(self, n: int) -> list[dict[str, Any]]:
        """The next ``n`` shaped records (JSON-ready dicts); [] when exhausted."""
        with self._lock:
            chunk = self._rowids[self._position : self._position + max(n, 0)]
            self._position += len(chunk)
        return self._load_page(chunk) if len(chunk) else []
