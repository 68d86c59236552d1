"""`mailtrixy sync --workspace X`: each connected integration syncs now, in this process.

Each provider runs and reports its own sync (`Provider.sync_now`); this command finds the
workspace and says when none of its integrations is connected.
"""

from __future__ import annotations

from typing import TextIO

from mailtrixy.accounts.models import Workspace
from mailtrixy.integrations import registry


def find_workspace(name_or_id: str) -> Workspace | None:
    if name_or_id.isdigit():
        found = Workspace.objects.filter(pk=int(name_or_id)).first()
        if found is not None:
            return found
    return Workspace.objects.filter(name=name_or_id).first()


def sync_workspace(name_or_id: str, out: TextIO) -> int:
    """0 when every connected integration synced; 1 when one failed or none is connected;
    2 when no workspace has that id or name."""
    workspace = find_workspace(name_or_id)
    if workspace is None:
        out.write(f"No workspace has the id or name {name_or_id!r}.\n")
        return 2
    out.write(f"Workspace {workspace.name!r} ({workspace.pk}):\n")
    statuses = [p.sync_now(workspace.pk, out) for p in registry.providers()]
    ran = [status for status in statuses if status is not None]
    if not ran:
        out.write(
            f"Workspace {workspace.name!r} has no integration connected: connect one in "
            "Settings → Integrations.\n"
        )
        return 1
    return max(ran)
