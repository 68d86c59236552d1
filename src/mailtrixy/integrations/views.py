"""Settings pages that integrations plug into."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from mailtrixy.accounts.permissions import admin_required, member_required
from mailtrixy.integrations import registry


@member_required
def member_settings(request: HttpRequest) -> HttpResponse:
    sections = [(p, p.member_section(request)) for p in registry.providers()]
    return render(request, "integrations/member_settings.html", {"sections": sections})


@admin_required
def admin_settings(request: HttpRequest) -> HttpResponse:
    sections = [(p, p.admin_section(request)) for p in registry.providers()]
    return render(request, "integrations/admin_settings.html", {"sections": sections})
