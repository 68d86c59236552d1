"""API versions: 31.0-62.0 are served; older ones are retired (410), newer ones unknown (404)."""

from __future__ import annotations

import re

OLDEST = 31
NEWEST = 62
LATEST = f"{NEWEST}.0"
_SEASONS = ("Summer", "Winter", "Spring")  # v31.0 was Summer '14; three releases a year
_VERSION = re.compile(r"v(\d+)\.(\d)")


def label(major: int) -> str:
    step = major - OLDEST
    return f"{_SEASONS[step % 3]} '{14 + (step + 2) // 3:02d}"


def versions() -> list[dict[str, str]]:
    """The body of `GET /services/data/`."""
    return [
        {"label": label(major), "url": f"/services/data/v{major}.0", "version": f"{major}.0"}
        for major in range(OLDEST, NEWEST + 1)
    ]


def parse(segment: str) -> tuple[str, int] | None:
    """("62.0", 62) from "v62.0"; None when the segment is not a version."""
    match = _VERSION.fullmatch(segment)
    if match is None:
        return None
    return f"{match[1]}.{match[2]}", int(match[1])


def is_retired(major: int) -> bool:
    return major < OLDEST


def is_known(major: int) -> bool:
    return OLDEST <= major <= NEWEST
