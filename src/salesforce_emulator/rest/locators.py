"""Query locators: the server side of `nextRecordsUrl` paging.

A locator id is 18 characters with the `0r8` prefix, as Salesforce's are; the URL carries the
number of records already returned (`.../query/0r8xx...-2000`). The last page served is kept, so a
client that retries a page (after a dropped answer) gets the same records again.
"""

from __future__ import annotations

import itertools
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Protocol

from salesforce_emulator.ids import KEY_PREFIXES, make_id

MAX_OPEN_LOCATORS = 1000
LOCATOR_LIFETIME_SECONDS = 2 * 24 * 60 * 60  # help article 000384958: usable for 2 days


class Cursor(Protocol):
    total_size: int

    @property
    def done(self) -> bool: ...

    def fetch(self, n: int) -> list[dict[str, Any]]: ...


@dataclass
class Locator:
    cursor: Cursor
    batch_size: int
    served: int
    touched: float
    last_page: tuple[int, list[dict[str, Any]], bool] | None = field(default=None)


class QueryLocators:
    def __init__(self, pod: str = "5g", clock: Callable[[], float] = time.time) -> None:
        self._open: OrderedDict[str, Locator] = OrderedDict()
        self._counter = itertools.count(1)
        self._pod = pod
        self._clock = clock

    def open(self, cursor: Cursor, batch_size: int, served: int) -> str:
        locator_id = make_id(KEY_PREFIXES["QueryLocator"], self._pod, next(self._counter))
        self._open[locator_id] = Locator(cursor, batch_size, served, self._clock())
        while len(self._open) > MAX_OPEN_LOCATORS:
            self._open.popitem(last=False)
        return locator_id

    def next_page(
        self, locator_id: str, offset: int
    ) -> tuple[list[dict[str, Any]], int, bool] | None:
        """(records, offset after them, done) for the page starting at `offset`; None if invalid."""
        locator = self._open.get(locator_id)
        if locator is None or self._clock() - locator.touched > LOCATOR_LIFETIME_SECONDS:
            return None
        locator.touched = self._clock()
        if offset < 0:  # a bare locator, without "-N": the next page
            offset = locator.served
        if locator.last_page and locator.last_page[0] == offset:
            start, records, done = locator.last_page
            return records, start + len(records), done
        if offset != locator.served:
            return None
        records = locator.cursor.fetch(locator.batch_size)
        locator.served += len(records)
        done = locator.cursor.done or locator.served >= locator.cursor.total_size
        locator.last_page = (offset, records, done)
        return records, locator.served, done

    def total_size(self, locator_id: str) -> int:
        return self._open[locator_id].cursor.total_size
