"""The root URLconf: the core's pages, then each registered provider's own views.

`urlpatterns` is computed when Django's resolver first asks for it, not when this module is
imported: the provider registry comes from settings, and a URLconf frozen at import would keep
whichever providers were registered then (see integrations/apps.py for when it is re-read).
"""

from django.urls import URLPattern, URLResolver, include, path

from mailtrixy import health
from mailtrixy.integrations.urls import provider_urlpatterns


def _urlpatterns() -> list[URLPattern | URLResolver]:
    return [
        path("", include("mailtrixy.accounts.urls")),
        path("", include("mailtrixy.inbox.urls")),
        path("", include("mailtrixy.integrations.urls")),
        path("healthz", health.healthz, name="healthz"),
        path("readyz", health.readyz, name="readyz"),
        path("metrics", health.metrics, name="metrics"),
        *provider_urlpatterns(),
    ]


def __getattr__(name: str) -> list[URLPattern | URLResolver]:
    if name == "urlpatterns":
        return _urlpatterns()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
