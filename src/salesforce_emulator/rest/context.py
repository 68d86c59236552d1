"""What a REST operation works with: the org, the calling user, the request, and its result."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from salesforce_emulator.errors import SalesforceError
from salesforce_emulator.registry import OrgHandle
from salesforce_emulator.store import Org

LOCK_ROW = SalesforceError(
    400, "UNABLE_TO_LOCK_ROW", "unable to obtain exclusive access to this record"
)  # reference §3.2; its HTTP status is not confirmed there


@dataclass
class RestRequest:
    method: str
    path: str  # after `/services/data/vXX.X/`, still percent-encoded, without the query string
    version: str  # "62.0"
    query: Mapping[str, str] = field(default_factory=dict)
    headers: Mapping[str, str] = field(default_factory=dict)  # lower-case names
    body: Any = None


@dataclass
class RestResult:
    status: int
    body: Any = None  # JSON-able; None means no body (204)
    headers: dict[str, str] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return self.status < 400


def failure(error: SalesforceError) -> RestResult:
    from salesforce_emulator.rest.responses import error_body

    return RestResult(error.status, error_body(error))


@dataclass
class RestContext:
    handle: OrgHandle
    user_id: str
    in_composite: bool = False
    all_or_none: bool = False  # an allOrNone composite makes every collection inside it allOrNone

    @property
    def org(self) -> Org:
        return self.handle.org

    def query_started(self) -> None:
        self.handle.counters.soql()

    def before_write(self) -> None:
        """Each write may meet a row lock, when that fault is switched on."""
        if self.handle.faults.fires("lock_row"):
            self.handle.counters.faults["unable_to_lock_row"] += 1
            raise LOCK_ROW
