"""The three-way merge, field by field, against the last values both sides agreed on.

For each field: changed on one side only → that change wins; changed on both sides to different
values → a conflict, resolved by one stated rule: **the most recent change wins, Salesforce on
ties**. A value that came from Salesforce becomes the new base, so it is never pushed back (echo
suppression falls out of the base, no special cases).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from mailtrixy.integrations.salesforce.soql import parse_datetime

Values = Mapping[str, str]


@dataclass(frozen=True)
class Conflict:
    field: str
    base: str | None
    local: str
    remote: str
    winner: str  # "mailtrixy" or "salesforce"


@dataclass
class MergeResult:
    to_local: dict[str, str] = field(default_factory=dict)
    """Fields to write into MailTrixy."""
    to_remote: dict[str, str] = field(default_factory=dict)
    """Fields to send to Salesforce."""
    base: dict[str, str] = field(default_factory=dict)
    """The new merge base: what both sides hold once the writes are done."""
    conflicts: list[Conflict] = field(default_factory=list)


def merge(base: Values, local: Values, remote: Values, *, local_is_newer: bool) -> MergeResult:
    """Merge `local` and `remote` (same keys) against `base` (may lack keys: never agreed)."""
    result = MergeResult()
    for name in local.keys() | remote.keys():
        _merge_field(
            result, name, base.get(name), local.get(name, ""), remote.get(name, ""), local_is_newer
        )
    return result


def _merge_field(
    result: MergeResult, name: str, base: str | None, local: str, remote: str, local_newer: bool
) -> None:
    if local == remote:
        result.base[name] = local
        return
    if base is None:
        # Never agreed (first link): an empty side takes the other's value without a conflict.
        if not local:
            base = local
        elif not remote:
            base = remote
    if local == base:
        _take_remote(result, name, remote)
    elif remote == base:
        _take_local(result, name, local)
    else:
        winner = "mailtrixy" if local_newer else "salesforce"
        result.conflicts.append(Conflict(name, base, local, remote, winner))
        if local_newer:
            _take_local(result, name, local)
        else:
            _take_remote(result, name, remote)


def _take_remote(result: MergeResult, name: str, remote: str) -> None:
    result.to_local[name] = remote
    result.base[name] = remote


def _take_local(result: MergeResult, name: str, local: str) -> None:
    result.to_remote[name] = local
    result.base[name] = local


def changed_later(local_updated_at: datetime, record: dict[str, Any]) -> bool:
    """Was the MailTrixy side changed after the Salesforce record (`LastModifiedDate`)?

    Compared to the millisecond, Salesforce's precision, so that equal times are a tie, and on a
    tie Salesforce wins.
    """
    local = local_updated_at.replace(microsecond=local_updated_at.microsecond // 1000 * 1000)
    return local > parse_datetime(record["LastModifiedDate"])


def in_sync(base: Values, local: Values) -> bool:
    """Nothing is left to push: every local value is what the merge base says Salesforce holds."""
    return all(base.get(name, "") == value for name, value in local.items())
