"""Which currencies a deal may be in for Salesforce to take it, as the sync last read the org."""

from __future__ import annotations

from mailtrixy.integrations.salesforce import connection as connections
from mailtrixy.integrations.salesforce.sync import metadata
from mailtrixy.integrations.salesforce.sync.metadata import OrgMetadata


def deal_currencies(workspace_id: int) -> tuple[str, ...] | None:
    """The org's currencies, its corporate currency first; None when not connected or not read.

    No API call: the sync reads the org's metadata (at most hourly) and keeps the last reading.
    Before the first reading the deal form sets no limit, and the sync's own check still holds.
    """
    if connections.get_connection(workspace_id) is None:
        return None
    reading = metadata.last_reading(workspace_id)
    return None if reading is None else org_currencies(reading)


def org_currencies(reading: OrgMetadata) -> tuple[str, ...] | None:
    """A single-currency org takes its corporate currency only; a multi-currency org its active
    CurrencyIsoCode values (None if it listed none, which sets no limit)."""
    if not reading.multi_currency:
        return (reading.default_currency,)
    if not reading.currencies:
        return None
    default = reading.default_currency
    first = (default,) if default in reading.currencies else ()
    return first + tuple(c for c in reading.currencies if c != default)
