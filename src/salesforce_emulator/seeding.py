"""Filling an org with data through the seeder (`seed.py`), when the control API or CLI asks."""

from __future__ import annotations

from typing import Any

from salesforce_emulator.registry import OrgHandle
from salesforce_emulator.seed import seed_demo_org, seed_org


def seed(
    handle: OrgHandle, *, demo: bool = False, contacts: int = 0, seed_value: int = 0
) -> dict[str, Any]:
    """Demo data and/or `contacts` generated contacts; what was done."""
    done: dict[str, Any] = {}
    if demo:
        seed_demo_org(handle.org)
        done["demo"] = True
    if contacts > 0:
        seed_org(handle.org, contacts=contacts, seed=seed_value)
        done["contacts"] = contacts
    return done
