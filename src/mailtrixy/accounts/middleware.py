"""Attaches the signed-in member and their workspace to every request."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from mailtrixy.accounts.models import Member


class WorkspaceMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request.member = None  # type: ignore[attr-defined]
        if request.user.is_authenticated:
            request.member = (  # type: ignore[attr-defined]
                Member.objects.select_related("workspace", "user").filter(user=request.user).first()
            )
        return self.get_response(request)
