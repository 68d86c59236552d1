"""Fault injection, switchable per org and deterministic by seed.

Each kind of fault draws from its own seeded random stream, so switching one fault on does not
shift when another one fires: the same seed and the same request sequence give the same failures.
"""

from __future__ import annotations

import random
from dataclasses import asdict, dataclass, fields, replace
from typing import Any

DROP_MODES = ("disconnect", "hang")


@dataclass(frozen=True)
class FaultConfig:
    latency_ms: int = 0  # added before every REST answer
    error_500_rate: float = 0.0  # UNKNOWN_EXCEPTION answers, before anything is done
    error_503_rate: float = 0.0  # SERVER_UNAVAILABLE answers, before anything is done
    lock_row_rate: float = 0.0  # UNABLE_TO_LOCK_ROW on each write (a record, a collection item)
    drop_response_rate: float = 0.0  # a write commits, then its answer never arrives
    drop_mode: str = (
        "disconnect"  # "disconnect": the connection is cut; "hang": held for hang_seconds
    )
    hang_seconds: float = 30.0
    daily_api_limit: int | None = None  # a lower DailyApiRequests allocation
    seed: int = 0

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


FAULT_NAMES = frozenset(f.name for f in fields(FaultConfig))
RATE_KINDS = ("error_500", "error_503", "lock_row", "drop_response")


class FaultInjector:
    def __init__(self, config: FaultConfig | None = None) -> None:
        self.config = config or FaultConfig()
        self._streams: dict[str, random.Random] = {}
        self._reseed()

    def configure(self, **changes: Any) -> FaultConfig:
        unknown = set(changes) - FAULT_NAMES
        if unknown:
            raise ValueError(f"unknown faults: {', '.join(sorted(unknown))}")
        config = replace(self.config, **changes)
        _validate(config)
        self.config = config
        self._reseed()
        return config

    def clear(self) -> FaultConfig:
        self.config = FaultConfig()
        self._reseed()
        return self.config

    def fires(self, kind: str) -> bool:
        """True when the fault `kind` (one of RATE_KINDS) strikes this time."""
        rate = float(getattr(self.config, f"{kind}_rate"))
        if rate <= 0:
            return False
        return self._streams[kind].random() < rate

    def _reseed(self) -> None:
        self._streams = {
            kind: random.Random(f"{self.config.seed}:{kind}")  # noqa: S311 - not for security
            for kind in RATE_KINDS
        }


def _validate(config: FaultConfig) -> None:
    for kind in RATE_KINDS:
        rate = getattr(config, f"{kind}_rate")
        if not 0.0 <= float(rate) <= 1.0:
            raise ValueError(f"{kind}_rate must be between 0 and 1")
    if config.drop_mode not in DROP_MODES:
        raise ValueError(f"drop_mode must be one of {DROP_MODES}")
    if config.latency_ms < 0 or config.hang_seconds < 0:
        raise ValueError("latency_ms and hang_seconds must not be negative")
    if config.daily_api_limit is not None and config.daily_api_limit < 0:
        raise ValueError("daily_api_limit must not be negative")
