"""The three-way merge, field by field, against the last values both sides agreed on.

For each field: changed on one side only → that change wins; changed on both sides to different
values → a conflict, resolved by one stated rule: **the most recent change wins, Salesforce on
ties**. A value that came from Salesforce becomes the new base, so it is never pushed back (echo
suppression falls out of the base, no special cases).

`merge_link` is what every pull does with a linked record: merge it, let MailTrixy take its
values, and keep the link's base and pending push in step; `conflict_rows` records the conflicts.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from mailtrixy.integrations.salesforce.models import SyncConflict
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


@dataclass(frozen=True)
class LinkMerge:
    """A pulled record merged with its MailTrixy twin: what the link keeps of it."""

    taken: dict[str, str]
    """The values MailTrixy took from Salesforce."""
    base: dict[str, str]
    """The link's new base: what Salesforce holds, field by field."""
    pending_push: bool
    """Something is (still) to be sent to Salesforce."""
    conflicts: list[Conflict]
    refused: frozenset[str] = frozenset()
    """Fields whose Salesforce value MailTrixy would not take (its reason is an issue)."""

    def settled(self, local: Values) -> bool:
        """Both sides agree: the record's issue, if any, may be cleared. Not while a push is
        pending, nor when MailTrixy refused a value (that refusal is the issue).

        `local` is the MailTrixy side as merged, before it took anything."""
        if self.pending_push or self.refused:
            return False
        return in_sync(self.base, {**local, **self.taken})


def merge_link(
    base: Values,
    pending_push: bool,
    local: Values,
    remote: Values,
    *,
    local_is_newer: bool,
    take: Callable[[dict[str, str]], dict[str, str]],
) -> LinkMerge:
    """Merge a pulled record into its link (`base`, `pending_push`).

    `take` writes the values MailTrixy should take and returns those it took. A value it refused
    keeps the old base, so that the next pull offers it again; a value MailTrixy is to send keeps
    Salesforce's in the base, so that the push sends the difference.
    """
    result = merge(base, local, remote, local_is_newer=local_is_newer)
    taken = take(result.to_local)
    new_base = {**base, **result.base}
    for name in result.to_remote:
        new_base[name] = remote[name]
    refused = frozenset(result.to_local.keys() - taken.keys())
    for name in refused:
        new_base[name] = base.get(name, "")
    pending = pending_push or bool(result.to_remote)
    return LinkMerge(taken, new_base, pending, result.conflicts, refused)


def conflict_rows(
    workspace_id: int,
    sobject: str,
    salesforce_id: str,
    record_name: str,
    conflicts: list[Conflict],
) -> list[SyncConflict]:
    """The conflicts of one record, as the rows the sync report lists (not saved yet)."""
    return [
        SyncConflict(
            workspace_id=workspace_id,
            sobject=sobject,
            salesforce_id=salesforce_id,
            record_name=record_name,
            field=c.field,
            base_value=c.base,
            mailtrixy_value=c.local,
            salesforce_value=c.remote,
            winner=c.winner,
        )
        for c in conflicts
    ]
