"""The contract between MailTrixy and an integration (a provider).

A provider describes an integration apart from running it: its key and name, where its card sits
in the conversation's details panel, and the sections it adds to the settings pages. The inbox
knows no provider by name; it asks the registry. What crosses the boundary is plain data
(`CardSubject`), never an inbox model: a provider depends on the inbox's data, not its classes.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol, TextIO

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

    def sync_now(self, workspace_id: int, out: TextIO) -> int | None:
        """Run one sync of the workspace in this process, printing progress to `out`.

        The exit status (0 when it succeeded), or None when the provider does not sync or the
        workspace has not connected it (`mailtrixy sync` then says nothing about it).
        """
        ...

    def configuration_findings(self) -> list[Finding]:
        """What `mailtrixy check` should say about this provider's settings (often nothing)."""
        ...
