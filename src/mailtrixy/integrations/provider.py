"""The contract between MailTrixy and an integration (a provider).

A provider describes an integration apart from running it: its key and name, where its card sits
in the conversation's details panel, the sections it adds to the settings pages, and what it says
on a contact's or deal's pages. The inbox knows no provider by name; it asks the registry, and
only plain data (the frozen dataclasses below) crosses between them, never an inbox model: a
provider depends on the inbox's data, not its classes.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal, Protocol, TextIO

from django.http import HttpRequest
from django.urls import URLPattern, URLResolver

if TYPE_CHECKING:
    from mailtrixy.ops.check import Finding


@dataclass(frozen=True)
class CardSubject:
    """The customer a card is about: the conversation's contact, as the inbox knows them."""

    workspace_id: int
    contact_id: int
    email: str
    name: str


RecordKind = Literal["contact", "deal"]


@dataclass(frozen=True)
class RecordRef:
    """A MailTrixy contact or deal, named by plain values (no inbox model crosses over)."""

    kind: RecordKind
    id: int
    workspace_id: int


@dataclass(frozen=True)
class RecordLink:
    """How one MailTrixy record stands in a provider, as the contact and deal pages show it."""

    linked: bool
    url: str = ""
    """The record's own page in the provider ("Open in …"); "" when there is none."""
    note: str = ""
    """A sentence when there is more to say (e.g. that the provider's copy was deleted)."""


class Provider(Protocol):
    key: str
    """Short, stable identifier used in URLs and settings (e.g. "salesforce")."""
    name: str
    """What people call it (e.g. "Salesforce")."""
    card_order: int | None
    """Position of the provider's card below the Contact card (lower first); None for no card.

    Each provider declares its own; the details panel sorts by it, then by key.
    """

    def render_card(self, request: HttpRequest, subject: CardSubject) -> str:
        """The card's HTML for this customer, or "" when the card does not apply."""
        ...

    def member_section(self, request: HttpRequest) -> str:
        """HTML for Settings → Integrations (every member)."""
        ...

    def admin_section(self, request: HttpRequest) -> str:
        """HTML for Admin → Settings → Integrations (workspace admins)."""
        ...

    def urlpatterns(self) -> list[URLPattern | URLResolver]:
        """The provider's own views, mounted at the site root."""
        ...

    def record_links(
        self, workspace_id: int, kind: RecordKind, ids: Sequence[int]
    ) -> Mapping[int, RecordLink] | None:
        """How each of these records stands in the provider, keyed by id (one query, for lists).

        None when the provider does not apply to the workspace (not connected): the pages then
        say nothing of it. A record missing from the mapping is not linked.
        """
        ...

    def record_section(self, request: HttpRequest, record: RecordRef) -> str:
        """HTML for the record's own page (e.g. its sync conflicts), or "" for nothing."""
        ...

    def deal_currencies(self, workspace_id: int) -> tuple[str, ...] | None:
        """The currencies a deal may be in for the provider to take it, its default first.

        None when the provider sets no limit (or does not know it yet).
        """
        ...

    def sync_now(self, workspace_id: int, out: TextIO) -> int | None:
        """Run one sync of the workspace in this process, printing progress to `out`.

        The exit status (0 when it succeeded), or None when the provider does not sync or the
        workspace has not connected it (`mailtrixy sync` then says nothing about it).
        """
        ...

    def configuration_findings(self) -> list[Finding]:
        """What `mailtrixy check` should say about this provider's settings (often nothing)."""
        ...
