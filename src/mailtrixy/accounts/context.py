"""Template context: the member and workspace of the request."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest


def workspace(request: HttpRequest) -> dict[str, Any]:
    member = getattr(request, "member", None)
    return {"member": member, "workspace": member.workspace if member else None}
