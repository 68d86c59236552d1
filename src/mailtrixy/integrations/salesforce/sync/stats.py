"""Counts of what a sync run did, kept on the run for people and metrics.

The engine counts under fixed keys (`contacts_created`, `deals_pushed`, …); the Prometheus
counters carry the same names (`metrics.RECORD_CHANGES`). People read those counts through
`counted()`, one vocabulary for the settings page, the sync report and `mailtrixy sync`: what came
from Salesforce and what went to it, each per object, e.g. "From Salesforce: 40 contacts added,
3 updated; 2 deals updated. To Salesforce: 23 opportunities created".
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass

FROM_SALESFORCE = "From Salesforce"
TO_SALESFORCE = "To Salesforce"

CONTACT = ("contact", "contacts")
DEAL = ("deal", "deals")
OPPORTUNITY = ("opportunity", "opportunities")
RESTORED_DEAL = ("restored deal", "restored deals")
CONFLICT = ("conflict", "conflicts")
NOT_SYNCED = ("record not synced", "records not synced")


@dataclass(frozen=True)
class Change:
    """One counted kind of change: the engine's key, its direction, its object and verb."""

    key: str
    direction: str
    thing: tuple[str, str]  # singular, plural
    verb: tuple[str, str]  # after one, after many


def _change(key: str, direction: str, thing: tuple[str, str], one: str, many: str = "") -> Change:
    return Change(key, direction, thing, (one, many or one))


CHANGES = (
    _change("contacts_created", FROM_SALESFORCE, CONTACT, "added"),
    _change("contacts_linked", FROM_SALESFORCE, CONTACT, "matched by email"),
    _change("contacts_updated", FROM_SALESFORCE, CONTACT, "updated"),
    _change("contacts_restored", FROM_SALESFORCE, CONTACT, "restored"),
    _change("contacts_archived", FROM_SALESFORCE, CONTACT, "archived"),
    _change("deals_updated", FROM_SALESFORCE, DEAL, "updated"),
    _change("deals_archived", FROM_SALESFORCE, DEAL, "archived"),
    _change("contacts_pushed", TO_SALESFORCE, CONTACT, "updated"),
    _change("deals_created", TO_SALESFORCE, OPPORTUNITY, "created"),
    _change("deals_pushed", TO_SALESFORCE, OPPORTUNITY, "updated"),
    _change("deals_deleted", TO_SALESFORCE, OPPORTUNITY, "deleted"),
    _change(
        "deals_restored",
        TO_SALESFORCE,
        RESTORED_DEAL,
        "sent as a new opportunity",
        "sent as new opportunities",
    ),
)
"""In the order people read them: per direction, the object's changes together."""


@dataclass(frozen=True)
class RunCounts:
    """What one run did, in words: each direction's changes, then conflicts and failures."""

    from_salesforce: str
    to_salesforce: str
    conflicts: int
    not_synced: int

    def summary(self) -> str:
        """The whole run in one line (no final period): pages and the CLI add their own."""
        sentences = [
            f"{direction}: {text}"
            for direction, text in [
                (FROM_SALESFORCE, self.from_salesforce),
                (TO_SALESFORCE, self.to_salesforce),
            ]
            if text
        ]
        troubles = [
            _count(n, thing)
            for n, thing in [(self.conflicts, CONFLICT), (self.not_synced, NOT_SYNCED)]
            if n
        ]
        if troubles:
            sentences.append(", ".join(troubles))
        return ". ".join(sentences) or "no changes"


def counted(stats: Mapping[str, object]) -> RunCounts:
    """A run's stats (the engine's counts, or a run's stored JSON) in people's words."""
    return RunCounts(
        from_salesforce=_direction(stats, FROM_SALESFORCE),
        to_salesforce=_direction(stats, TO_SALESFORCE),
        conflicts=_number(stats, "conflicts"),
        not_synced=_number(stats, "issues"),
    )


def _direction(stats: Mapping[str, object], direction: str) -> str:
    """One direction's changes, e.g. 40 contacts added, 3 updated; 2 deals updated.

    Each object is named once, at its first count; objects are apart by semicolons.
    """
    objects: dict[tuple[str, str], list[str]] = {}
    for change in CHANGES:
        n = _number(stats, change.key)
        if change.direction != direction or not n:
            continue
        told = objects.setdefault(change.thing, [])
        verb = change.verb[0 if n == 1 else 1]
        told.append(f"{_count(n, change.thing)} {verb}" if not told else f"{n} {verb}")
    return "; ".join(", ".join(told) for told in objects.values())


def _count(n: int, thing: tuple[str, str]) -> str:
    return f"{n} {thing[0] if n == 1 else thing[1]}"


def _number(stats: Mapping[str, object], key: str) -> int:
    value = stats.get(key, 0)
    return value if isinstance(value, int) and not isinstance(value, bool) else 0


class Stats:
    def __init__(self) -> None:
        self.counts: Counter[str] = Counter()

    def add(self, key: str, n: int = 1) -> None:
        if n:
            self.counts[key] += n

    def summary(self) -> str:
        return counted(self.counts).summary()

    def as_dict(self) -> dict[str, object]:
        return {**self.counts, "summary": self.summary()}
