"""Filling an org with data through the store engineer's seeder (`seed.py`), when asked to."""

from __future__ import annotations

import importlib
from typing import Any

from salesforce_emulator.registry import OrgHandle


def seed(
    handle: OrgHandle, *, demo: bool = False, contacts: int = 0, seed_value: int = 0
) -> dict[str, Any]:
    """Demo data and/or `contacts` generated contacts; what was done."""
    done: dict[str, Any] = {}
    if not demo and contacts <= 0:
        return done
    try:
        seeder: Any = importlib.import_module("salesforce_emulator.seed")
    except ImportError:
        seeder = None
    if demo and seeder is not None:
        seeder.seed_demo_org(handle.org)
        done["demo"] = True
    if contacts > 0:
        if seeder is not None and hasattr(seeder, "seed_org"):
            seeder.seed_org(handle.org, contacts=contacts, seed=seed_value)
        else:
            _plain_contacts(handle, contacts)
        done["contacts"] = contacts
    return done


def _plain_contacts(handle: OrgHandle, count: int) -> None:
    """Numbered contacts, for when the Faker seeder is not available."""
    with handle.org.transaction():
        for n in range(count):
            handle.org.insert(
                "Contact", {"LastName": f"Contact {n:06d}", "Email": f"contact{n:06d}@example.com"}
            )
