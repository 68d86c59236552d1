"""Exact per-org counters of what the emulator served, for tests to assert on.

Kept in memory (a test resets them before it acts), grouped the way a test asks:
API requests by kind, SOQL statements executed, OAuth grants by kind, injected faults.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any


@dataclass
class Counters:
    api_requests: Counter[str] = field(default_factory=Counter)
    oauth: Counter[str] = field(default_factory=Counter)
    faults: Counter[str] = field(default_factory=Counter)
    soql_queries: int = 0

    def api(self, kind: str) -> None:
        self.api_requests[kind] += 1

    def soql(self) -> None:
        self.soql_queries += 1

    def snapshot(self) -> dict[str, Any]:
        return {
            "api_requests": dict(self.api_requests),
            "api_requests_total": sum(self.api_requests.values()),
            "soql_queries": self.soql_queries,
            "oauth": dict(self.oauth),
            "faults": dict(self.faults),
        }

    def reset(self) -> None:
        self.api_requests.clear()
        self.oauth.clear()
        self.faults.clear()
        self.soql_queries = 0
