"""Salesforce's part of `mailtrixy check`: its settings, in plain words."""

from __future__ import annotations

from django.conf import settings

from mailtrixy.ops.check import WARNING, Finding


def sync_timing() -> list[Finding]:
    interval = settings.SALESFORCE_SYNC_INTERVAL
    lease = settings.SALESFORCE_SYNC_LEASE_SECONDS
    found = []
    if interval < 60:
        found.append(
            Finding(
                WARNING,
                f"SALESFORCE_SYNC_INTERVAL is {interval} s, but the scheduler runs once a minute: "
                "connections sync every minute at most.",
            )
        )
    if lease < 10:
        found.append(
            Finding(
                WARNING,
                f"SALESFORCE_SYNC_LEASE_SECONDS is {lease} s: a slow Salesforce answer could let "
                "a second worker take over a run that is still going. 60 s or more is safer.",
            )
        )
    elif lease > interval:
        found.append(
            Finding(
                WARNING,
                f"SALESFORCE_SYNC_LEASE_SECONDS ({lease} s) is longer than the sync interval "
                f"({interval} s): a run whose worker died waits longer than a sync period.",
            )
        )
    return found
