"""The daily API request allocation: a rolling 24-hour count per org, as Salesforce keeps it.

Requests are counted in one-minute buckets so that a benchmark's million requests cost a few
thousand integers, not a million timestamps.
"""

from __future__ import annotations

import time
from collections import defaultdict
from collections.abc import Callable

DEFAULT_DAILY_API_REQUESTS = 15_000  # a Developer Edition org's allocation
WINDOW_SECONDS = 24 * 60 * 60
BUCKET_SECONDS = 60


class ApiUsage:
    def __init__(
        self, maximum: int = DEFAULT_DAILY_API_REQUESTS, clock: Callable[[], float] = time.time
    ) -> None:
        self.maximum = maximum
        self._clock = clock
        self._buckets: defaultdict[int, int] = defaultdict(int)

    def used(self) -> int:
        self._forget_old()
        return sum(self._buckets.values())

    def remaining(self) -> int:
        return max(self.maximum - self.used(), 0)

    def exhausted(self) -> bool:
        return self.used() >= self.maximum

    def count(self) -> None:
        self._buckets[int(self._clock() // BUCKET_SECONDS)] += 1

    def reset(self) -> None:
        self._buckets.clear()

    def header(self) -> str:
        """The `Sforce-Limit-Info` value, e.g. `api-usage=18/15000`."""
        return f"api-usage={self.used()}/{self.maximum}"

    def _forget_old(self) -> None:
        oldest = int((self._clock() - WINDOW_SECONDS) // BUCKET_SECONDS)
        for bucket in [b for b in self._buckets if b <= oldest]:
            del self._buckets[bucket]
