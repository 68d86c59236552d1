"""Puts the signed-in member's workspace id on every log line written while serving a request."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from mailtrixy.observability.context import log_context


class LogContextMiddleware:
    """Runs after WorkspaceMiddleware, which sets `request.member`."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        member = getattr(request, "member", None)
        with log_context(workspace_id=member.workspace_id if member else None):
            return self.get_response(request)
