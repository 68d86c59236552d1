"""Writes to Salesforce as sObject Collections (≤200 records), packed 5 to a Composite request.

So one API call carries up to 1,000 records, as many as Salesforce allows. Each item's answer is
settled by its own callback: success updates the link, failure is recorded as an issue and the
record stays pending, to be retried once its backoff has passed (issues.py). A Composite's
answers are settled in one transaction, and the links they settle are written together at its
end (`PendingWrites`): one save per record was 7.7 s of a 10,000-deal push's 11
(bench/RESULTS.md).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from itertools import islice
from typing import Any

from django.db import transaction

from mailtrixy.bulk_update import PendingWrites
from mailtrixy.integrations.salesforce.client import SalesforceClient

COLLECTION_SIZE = 200
COLLECTIONS_PER_COMPOSITE = 5

ItemResult = dict[str, Any]
Settle = Callable[[ItemResult], None]


@dataclass
class Operation:
    """One collections subrequest: its method and path, records, and per-item settlers."""

    method: str
    path: str
    records: list[dict[str, Any]] = field(default_factory=list)
    settlers: list[Settle] = field(default_factory=list)

    def subrequest(self, client: SalesforceClient, reference: str) -> dict[str, Any]:
        request: dict[str, Any] = {
            "method": self.method,
            "url": client.service_path(self.path),
            "referenceId": reference,
        }
        if self.method != "DELETE":
            request["body"] = {"allOrNone": False, "records": self.records}
        return request


def chunked_operations(
    method: str, path: str, items: Iterable[tuple[dict[str, Any], Settle]]
) -> Iterator[Operation]:
    """Group (record, settler) pairs into operations of at most 200 records."""
    iterator = iter(items)
    while chunk := list(islice(iterator, COLLECTION_SIZE)):
        yield Operation(method, path, [r for r, _ in chunk], [s for _, s in chunk])


def delete_operations(items: Iterable[tuple[str, Settle]]) -> Iterator[Operation]:
    iterator = iter(items)
    while chunk := list(islice(iterator, COLLECTION_SIZE)):
        ids = ",".join(i for i, _ in chunk)
        yield Operation(
            "DELETE", f"composite/sobjects?ids={ids}&allOrNone=false", [], [s for _, s in chunk]
        )


def execute(
    client: SalesforceClient,
    operations: Iterable[Operation],
    heartbeat: Callable[[], Any],
    settled: PendingWrites | None = None,
) -> int:
    """Send the operations, five per Composite call; return the number of calls made.

    Each call's answers are settled in one transaction, ending with the links they settled
    written together (`settled`); links settled while the operations were being prepared are
    written with the next call's, or at the end.
    """
    calls = 0
    iterator = iter(operations)
    while group := list(islice(iterator, COLLECTIONS_PER_COMPOSITE)):
        subrequests = [op.subrequest(client, f"op{i}") for i, op in enumerate(group)]
        answers = client.composite(subrequests, all_or_none=False)
        calls += 1
        with transaction.atomic():
            for op, answer in zip(group, answers, strict=True):
                _settle(op, answer)
            if settled is not None:
                settled.write()
        heartbeat()
    if settled is not None:
        settled.write()
    return calls


def _settle(op: Operation, answer: dict[str, Any]) -> None:
    body = answer.get("body")
    if answer.get("httpStatusCode", 500) >= 400 or not isinstance(body, list):
        failure = _subrequest_failure(body)
        for settle in op.settlers:
            settle(failure)
        return
    for settle, item in zip(op.settlers, body, strict=True):
        settle(item)


def _subrequest_failure(body: Any) -> ItemResult:
    """The whole subrequest failed: give every item the same error in item form."""
    first = body[0] if isinstance(body, list) and body and isinstance(body[0], dict) else {}
    return {
        "success": False,
        "errors": [
            {
                "statusCode": first.get("errorCode", "UNKNOWN_EXCEPTION"),
                "message": first.get("message", "Salesforce refused the request."),
                "fields": [],
            }
        ],
    }


def first_error(result: ItemResult) -> tuple[str, str]:
    errors = result.get("errors") or [{}]
    error = errors[0]
    return str(error.get("statusCode", "UNKNOWN_EXCEPTION")), str(error.get("message", ""))
