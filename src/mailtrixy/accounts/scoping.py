"""The one place that decides which rows a member may see: those of their own workspace.

Views never call `Model.objects` for workspace data; they call `scoped()` or `get_scoped_or_404()`,
so a member of one workspace cannot reach another's rows by guessing ids (they get 404, which
reveals nothing, rather than 403).
"""

from __future__ import annotations

from typing import Any, TypeVar

from django.db import models
from django.http import Http404, HttpRequest

from mailtrixy.accounts.models import Member, Workspace

M = TypeVar("M", bound=models.Model)


def current_member(request: HttpRequest) -> Member:
    """The signed-in member, set by WorkspaceMiddleware; 404 for a login without a workspace."""
    member: Member | None = getattr(request, "member", None)
    if member is None:
        raise Http404("You are not a member of any workspace.")
    return member


def current_workspace(request: HttpRequest) -> Workspace:
    return current_member(request).workspace


def scoped(request: HttpRequest, model: type[M]) -> models.QuerySet[M]:
    """All rows of `model` in the member's workspace."""
    manager: models.Manager[M] = model._default_manager
    return manager.filter(workspace=current_workspace(request))


def get_scoped_or_404(request: HttpRequest, model: type[M], **lookup: Any) -> M:
    """One row of the member's workspace, or 404 whether it is missing or another workspace's."""
    try:
        return scoped(request, model).get(**lookup)
    except model.DoesNotExist:  # type: ignore[attr-defined]
        raise Http404(f"No such {model._meta.verbose_name}.") from None
