"""View decorators for members and for workspace admins."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse

from mailtrixy.accounts.scoping import current_member

View = Callable[..., HttpResponse]


def member_required(view: View) -> View:
    """Signed in and a member of a workspace."""

    @login_required
    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        current_member(request)
        return view(request, *args, **kwargs)

    return wrapper


def admin_required(view: View) -> View:
    """Signed in as an admin of the workspace; an agent gets 403."""

    @member_required
    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not current_member(request).is_admin:
            raise PermissionDenied("Only workspace admins can open this page.")
        return view(request, *args, **kwargs)

    return wrapper
