"""The Salesforce card as plain data: what a lookup found, ready to render and to cache."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from decimal import Decimal
from typing import Any

from mailtrixy.money import format_money


@dataclass(frozen=True)
class OrgFacts:
    """What the card needs to know about the org: how amounts carry their currency."""

    multi_currency: bool
    default_currency: str


@dataclass(frozen=True)
class CardOpportunity:
    id: str
    name: str
    stage: str
    amount: Decimal | None
    currency: str
    is_closed: bool
    is_won: bool

    @property
    def outcome(self) -> str:
        """ "won", "lost" or "open", from IsWon and IsClosed only (never from the stage name)."""
        if self.is_won:
            return "won"
        return "lost" if self.is_closed else "open"

    @property
    def amount_text(self) -> str:
        """`EUR 1,200.00`; "—" when the opportunity has no amount (MailTrixy's one money format)."""
        return format_money(self.amount, self.currency)


@dataclass(frozen=True)
class SalesforceCard:
    """One Salesforce Contact, its Account and the Account's most recent Opportunities."""

    contact_id: str
    name: str
    title: str
    lead_source: str
    account_id: str
    account_name: str
    opportunities: tuple[CardOpportunity, ...]

    def as_dict(self) -> dict[str, Any]:
        """Plain values for the cache (no pickled classes survive a deploy badly)."""
        data = asdict(self)
        for opportunity in data["opportunities"]:
            amount = opportunity["amount"]
            opportunity["amount"] = None if amount is None else str(amount)
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> SalesforceCard:
        opportunities = tuple(
            CardOpportunity(
                **{**o, "amount": None if o["amount"] is None else Decimal(o["amount"])}
            )
            for o in data["opportunities"]
        )
        return cls(**{**data, "opportunities": opportunities})
