"""`mailtrixy connections`: every connection's state, the ones needing a person first."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from typing import TextIO

from django.db.models import Case, IntegerField, Value, When
from django.utils import timezone

from mailtrixy.integrations.models import Connection, ConnectionStatus, SyncRun


@dataclass(frozen=True)
class ConnectionRow:
    workspace_id: int
    workspace: str
    provider: str
    status: str
    reason: str
    paused_until: str
    api_usage: str
    last_run: str
    last_run_at: str
    last_error: str


def connection_rows() -> list[ConnectionRow]:
    """Needs-reconnect first, then paused ones, then the rest; by workspace name within."""
    now = timezone.now()
    connections = (
        Connection.objects.select_related("workspace")
        .annotate(
            attention=Case(
                When(status=ConnectionStatus.NEEDS_RECONNECT, then=Value(0)),
                When(paused_until__gt=now, then=Value(1)),
                default=Value(2),
                output_field=IntegerField(),
            )
        )
        .order_by("attention", "workspace__name", "workspace_id")
    )
    latest = _latest_runs([c.workspace_id for c in connections])
    return [_row(c, latest.get((c.workspace_id, c.provider)), now) for c in connections]


def _latest_runs(workspace_ids: list[int]) -> dict[tuple[int, str], SyncRun]:
    """The newest run of each workspace and provider, in one query."""
    found: dict[tuple[int, str], SyncRun] = {}
    rows = SyncRun.objects.filter(workspace_id__in=workspace_ids).order_by(
        "workspace_id", "provider", "-queued_at", "-id"
    )
    for run in rows.only(
        "workspace_id", "provider", "status", "queued_at", "finished_at", "error"
    ).iterator():
        found.setdefault((run.workspace_id, run.provider), run)
    return found


def _row(connection: Connection, run: SyncRun | None, now: object) -> ConnectionRow:
    paused = connection.paused_until
    usage = ""
    if connection.api_usage is not None and connection.api_limit:
        usage = f"{connection.api_usage}/{connection.api_limit}"
    return ConnectionRow(
        workspace_id=connection.workspace_id,
        workspace=connection.workspace.name,
        provider=connection.provider,
        status=connection.get_status_display(),
        reason=connection.status_reason if connection.needs_reconnect else "",
        paused_until=paused.isoformat(timespec="seconds") if paused and paused > now else "",  # type: ignore[operator]
        api_usage=usage,
        last_run=run.get_status_display() if run else "never",
        last_run_at=_when(run),
        last_error=run.error if run else "",
    )


def _when(run: SyncRun | None) -> str:
    if run is None:
        return ""
    moment = run.finished_at or run.queued_at
    return moment.isoformat(timespec="seconds")


COLUMNS = (
    ("workspace_id", "ID"), ("workspace", "WORKSPACE"), ("provider", "PROVIDER"),
    ("status", "STATUS"), ("paused_until", "PAUSED UNTIL"), ("api_usage", "API USED"),
    ("last_run", "LAST SYNC"), ("last_run_at", "AT"), ("reason", "WHY"),
)  # fmt: skip


def print_connections(out: TextIO, *, as_json: bool = False) -> int:
    rows = connection_rows()
    if as_json:
        out.write(json.dumps([asdict(r) for r in rows], indent=2) + "\n")
        return 0
    if not rows:
        out.write("No connections yet.\n")
        return 0
    table = [[title for _, title in COLUMNS]]
    table += [[str(getattr(row, name)) for name, _ in COLUMNS] for row in rows]
    widths = [max(len(line[i]) for line in table) for i in range(len(COLUMNS))]
    for line in table:
        out.write("  ".join(cell.ljust(w) for cell, w in zip(line, widths, strict=True)).rstrip())
        out.write("\n")
    waiting = sum(1 for r in rows if r.status == ConnectionStatus.NEEDS_RECONNECT.label)
    if waiting:
        out.write(
            f"\n{waiting} connection(s) need a member to reconnect in Settings → Integrations.\n"
        )
    return 0
