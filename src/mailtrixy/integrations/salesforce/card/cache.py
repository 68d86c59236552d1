"""The card cache: per workspace, cache generation and lower-cased email, shared by processes.

Entries live in the Django cache (database by default, Redis at scale) as plain dicts:
- a card or "no match", for `SALESFORCE_CARD_TTL` seconds (300 by default);
- a failed lookup, for `FAILURE_TTL` seconds only, so an outage is not retried by every view but
  the card comes back soon after Salesforce does. A failure never reads as "no match".

Keys carry the workspace's cache generation (`salesforce:generation:{id}`, bumped by connect,
needs-reconnect and disconnect), so those drop every card of the workspace at once. The email is
hashed into the key (keys stay short and printable); no token is ever part of a key or a value.

Concurrent views of one email share one lookup (single flight): the first takes a lock with
`cache.add`, which is atomic across processes on both backends; the others poll the cache for
its result instead of calling Salesforce, and give up (card hidden) after the lock's lifetime.

Freshness is judged by `clock` (stored with each entry), so tests can move time forward.
"""

from __future__ import annotations

import hashlib
import math
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.cache import cache

from mailtrixy.integrations.salesforce.card.model import OrgFacts, SalesforceCard
from mailtrixy.integrations.salesforce.connection import workspace_generation

FAILURE_TTL = 15.0
ORG_FACTS_TTL = 24 * 3600
POLL_SECONDS = 0.05
VERSION = 1


@dataclass(frozen=True)
class Entry:
    stored_at: float
    card: SalesforceCard | None
    failed: bool = False


class CardCache:
    def __init__(
        self,
        clock: Callable[[], float] = time.time,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.clock = clock
        self.sleep = sleep

    # -- keys ----------------------------------------------------------------------------------

    @staticmethod
    def generation(workspace_id: int) -> int:
        return workspace_generation(workspace_id)

    @staticmethod
    def card_key(workspace_id: int, generation: int, email: str) -> str:
        digest = hashlib.sha256(email.lower().encode()).hexdigest()
        return f"salesforce:card:{workspace_id}:{generation}:{digest}"

    @staticmethod
    def facts_key(workspace_id: int, generation: int) -> str:
        return f"salesforce:card-org:{workspace_id}:{generation}"

    # -- cards -----------------------------------------------------------------------------------

    def get(self, key: str) -> Entry | None:
        """The entry under `key` if it is still fresh by this cache's clock."""
        raw = cache.get(key)
        if not isinstance(raw, dict) or raw.get("v") != VERSION:
            return None
        ttl = FAILURE_TTL if raw["failed"] else float(settings.SALESFORCE_CARD_TTL)
        if self.clock() - float(raw["at"]) >= ttl:
            return None
        card = SalesforceCard.from_dict(raw["card"]) if raw["card"] is not None else None
        return Entry(float(raw["at"]), card, bool(raw["failed"]))

    def put(self, key: str, card: SalesforceCard | None, *, failed: bool = False) -> Entry:
        entry = Entry(self.clock(), card, failed)
        raw: dict[str, Any] = {
            "v": VERSION,
            "at": entry.stored_at,
            "card": card.as_dict() if card is not None else None,
            "failed": failed,
        }
        ttl = FAILURE_TTL if failed else float(settings.SALESFORCE_CARD_TTL)
        cache.set(key, raw, timeout=math.ceil(ttl))
        return entry

    def get_or_fetch(self, key: str, fetch: Callable[[], SalesforceCard | None]) -> Entry | None:
        """The fresh entry under `key`, fetching it once however many callers ask at once.

        Returns None when another caller's lookup did not finish within the lock's lifetime.
        An exception from `fetch` is recorded as a failure (for FAILURE_TTL) and re-raised.
        """
        entry = self.get(key)
        if entry is not None:
            return entry
        lock_key, token = f"{key}:lock", uuid.uuid4().hex
        lifetime = lock_seconds()
        deadline = time.monotonic() + lifetime
        while not cache.add(lock_key, token, timeout=lifetime):
            self.sleep(POLL_SECONDS)
            entry = self.get(key)
            if entry is not None:
                return entry
            if time.monotonic() >= deadline:
                return None
        try:
            entry = self.get(key)  # a lookup that finished between our read and the lock
            if entry is not None:
                return entry
            try:
                card = fetch()
            except Exception:
                self.put(key, None, failed=True)
                raise
            return self.put(key, card)
        finally:
            if cache.get(lock_key) == token:
                cache.delete(lock_key)

    # -- org facts -------------------------------------------------------------------------------

    def get_facts(self, workspace_id: int, generation: int) -> OrgFacts | None:
        raw = cache.get(self.facts_key(workspace_id, generation))
        if not isinstance(raw, dict):
            return None
        return OrgFacts(bool(raw["multi_currency"]), str(raw["default_currency"]))

    def put_facts(self, workspace_id: int, generation: int, facts: OrgFacts) -> None:
        raw = {"multi_currency": facts.multi_currency, "default_currency": facts.default_currency}
        cache.set(self.facts_key(workspace_id, generation), raw, timeout=ORG_FACTS_TTL)


def lock_seconds() -> int:
    """How long one lookup may hold the lock: up to three requests (the lookup, a token
    refresh, the lookup again), each within the card's time limit, plus a margin."""
    return math.ceil(3 * float(settings.SALESFORCE_CARD_TIMEOUT)) + 2


card_cache = CardCache()
