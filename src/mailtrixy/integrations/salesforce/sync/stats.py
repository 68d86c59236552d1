"""Counts of what a sync run did, kept on the run for people and metrics."""

from __future__ import annotations

from collections import Counter

LABELS = {
    "contacts_created": "contact{s} added",
    "contacts_updated": "contact{s} updated",
    "contacts_linked": "contact{s} linked",
    "contacts_archived": "contact{s} archived",
    "contacts_restored": "contact{s} restored",
    "contacts_pushed": "contact change{s} sent",
    "deals_created": "opportunit{ies} created",
    "deals_pushed": "deal change{s} sent",
    "deals_updated": "deal{s} updated from Salesforce",
    "deals_deleted": "opportunit{ies} deleted",
    "deals_archived": "deal{s} archived",
    "deals_restored": "deal{s} restored in MailTrixy",
    "conflicts": "conflict{s}",
    "issues": "record{s} not synced",
}


class Stats:
    def __init__(self) -> None:
        self.counts: Counter[str] = Counter()

    def add(self, key: str, n: int = 1) -> None:
        if n:
            self.counts[key] += n

    def summary(self) -> str:
        parts = []
        for key, label in LABELS.items():
            n = self.counts.get(key, 0)
            if n:
                plural = n != 1
                text = label.replace("{s}", "s" if plural else "")
                text = text.replace("{ies}", "ies" if plural else "y")
                parts.append(f"{n} {text}")
        return ", ".join(parts) or "no changes"

    def as_dict(self) -> dict[str, object]:
        return {**self.counts, "summary": self.summary()}
