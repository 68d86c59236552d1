"""The providers this installation runs, loaded from settings.MAILTRIXY_INTEGRATIONS."""

from __future__ import annotations

from functools import cache

from django.conf import settings
from django.utils.module_loading import import_string

from mailtrixy.integrations.provider import Provider


@cache
def _load(paths: tuple[str, ...]) -> tuple[Provider, ...]:
    providers = []
    for path in paths:
        provider_class = import_string(path)
        providers.append(provider_class())
    keys = [p.key for p in providers]
    duplicates = {k for k in keys if keys.count(k) > 1}
    if duplicates:
        raise ValueError(f"Two integrations share the key(s) {sorted(duplicates)}.")
    return tuple(providers)


def providers() -> tuple[Provider, ...]:
    """Every registered provider, in name order (the settings pages list them so)."""
    return tuple(sorted(_load(tuple(settings.MAILTRIXY_INTEGRATIONS)), key=lambda p: p.name))


def card_providers() -> list[Provider]:
    """Providers that have a card, in the details panel's stated order."""
    with_cards = [p for p in providers() if p.card_order is not None]
    return sorted(with_cards, key=lambda p: (p.card_order, p.key))


def get_provider(key: str) -> Provider | None:
    return next((p for p in providers() if p.key == key), None)
