"""The contract between MailTrixy and an integration (a provider).

A provider describes an integration apart from running it: its key and name, where its card sits
in the conversation's details panel, and the sections it adds to the settings pages. The inbox
knows no provider by name; it asks the registry.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol

from django.http import HttpRequest
from django.urls import URLPattern, URLResolver

if TYPE_CHECKING:
    from mailtrixy.inbox.models import Contact


class Provider(Protocol):
    key: str
    """Short, stable identifier used in URLs and settings (e.g. "salesforce")."""
    name: str
    """What people call it (e.g. "Salesforce")."""
    card_order: int | None
    """Position of the provider's card below the Contact card (lower first); None for no card."""

    def render_card(self, request: HttpRequest, contact: Contact) -> str:
        """The card's HTML for this contact, or "" when the card does not apply."""
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


# The stated order of cards in the details panel, below the Contact card. The product page puts
# HubSpot and Stripe above Salesforce when they match; unknown providers go last.
CARD_ORDER = {"hubspot": 10, "stripe": 20, "salesforce": 30}
