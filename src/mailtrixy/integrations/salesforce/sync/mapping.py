"""Which MailTrixy field is which Salesforce field, and values in one comparable form.

Values are compared as strings: "" stands for empty/null; amounts have two decimals; dates are
YYYY-MM-DD. Both sides are normalised the same way, so a merge never sees a difference that is
only formatting.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any

from mailtrixy.inbox.models import Contact, Deal

# MailTrixy contact attribute → Salesforce Contact field (synced both ways).
CONTACT_FIELDS = {
    "first_name": "FirstName",
    "last_name": "LastName",
    "email": "Email",
    "phone": "Phone",
    "title": "Title",
}
# Deal attribute → Opportunity field (both ways; the stage through the workspace's mapping).
DEAL_FIELDS = {
    "name": "Name",
    "amount": "Amount",
    "stage": "StageName",
    "close_date": "CloseDate",
    "currency": "CurrencyIsoCode",
}
DEFAULT_CLOSE_DAYS = 30
"""A deal without an expected close date is sent with its creation date + 30 days."""


def text(value: Any) -> str:
    return "" if value is None else str(value).strip()


def amount_text(value: Any) -> str:
    if value is None or value == "":
        return ""
    try:
        return str(Decimal(str(value)).quantize(Decimal("0.01")))
    except InvalidOperation:
        return ""


def contact_remote(record: dict[str, Any]) -> dict[str, str]:
    return {attr: text(record.get(field)) for attr, field in CONTACT_FIELDS.items()}


def contact_local(contact: Contact) -> dict[str, str]:
    return {attr: text(getattr(contact, attr)) for attr in CONTACT_FIELDS}


def contact_to_salesforce(values: dict[str, str]) -> dict[str, Any]:
    """Changed contact values as Salesforce fields (empty → null)."""
    return {CONTACT_FIELDS[attr]: (value or None) for attr, value in values.items()}


def default_close_date(deal: Deal) -> date:
    created = deal.created_at.date() if deal.created_at else date.today()
    return created + timedelta(days=DEFAULT_CLOSE_DAYS)


def deal_local(deal: Deal, stage_name: str, *, multi_currency: bool) -> dict[str, str]:
    close = deal.expected_close_date or default_close_date(deal)
    values = {
        "name": text(deal.name),
        "amount": amount_text(deal.amount),
        "stage": stage_name,
        "close_date": close.isoformat(),
    }
    if multi_currency:
        values["currency"] = deal.currency
    return values


def deal_remote(record: dict[str, Any], *, multi_currency: bool) -> dict[str, str]:
    values = {
        "name": text(record.get("Name")),
        "amount": amount_text(record.get("Amount")),
        "stage": text(record.get("StageName")),
        "close_date": text(record.get("CloseDate")),
    }
    if multi_currency:
        values["currency"] = text(record.get("CurrencyIsoCode"))
    return values


def deal_to_salesforce(values: dict[str, str]) -> dict[str, Any]:
    fields: dict[str, Any] = {}
    for attr, value in values.items():
        if attr == "amount":
            fields["Amount"] = float(value) if value else None
        else:
            fields[DEAL_FIELDS[attr]] = value or None
    return fields


def deal_updates(values: dict[str, str], stage_id: Callable[[str], int]) -> dict[str, Any]:
    """Deal values (as compared) as the Deal's own attributes; `stage_id` maps a StageName."""
    updates: dict[str, Any] = {}
    for attr, value in values.items():
        if attr == "stage":
            updates["stage_id"] = stage_id(value)
        elif attr == "amount":
            updates["amount"] = Decimal(value) if value else None
        elif attr == "close_date":
            updates["expected_close_date"] = date.fromisoformat(value) if value else None
        else:
            updates[attr] = value
    return updates
