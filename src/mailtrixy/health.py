"""Liveness: the process answers. (Readiness of database, cache and queue comes with operations.)"""

from django.http import HttpRequest, JsonResponse


def healthz(request: HttpRequest) -> JsonResponse:
    return JsonResponse({"status": "ok"})
