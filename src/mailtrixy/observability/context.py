"""The ids a log line carries (workspace, connection, sync run), set around a unit of work.

    with log_context(workspace_id=7, run_id=42):
        log.info("Pulled a page.")   # → {"workspace_id": 7, "run_id": 42, ...}

Context variables follow the thread (and asyncio task) that set them, so a worker running several
jobs in threads never mixes their ids.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

FIELDS = ("workspace_id", "connection_id", "run_id")

_ids: ContextVar[dict[str, int | None]] = ContextVar("mailtrixy_log_ids", default={})  # noqa: B039


@contextmanager
def log_context(**ids: int | None) -> Iterator[None]:
    """Add ids (any of FIELDS) to every log line written inside the block."""
    unknown = set(ids) - set(FIELDS)
    if unknown:
        raise ValueError(f"Unknown log context fields: {', '.join(sorted(unknown))}.")
    token = _ids.set({**_ids.get(), **{k: v for k, v in ids.items() if v is not None}})
    try:
        yield
    finally:
        _ids.reset(token)


def current_ids() -> dict[str, int | None]:
    return dict(_ids.get())
