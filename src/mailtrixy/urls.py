from django.urls import include, path

from mailtrixy import health
from mailtrixy.integrations.urls import provider_urlpatterns

urlpatterns = [
    path("", include("mailtrixy.accounts.urls")),
    path("", include("mailtrixy.inbox.urls")),
    path("", include("mailtrixy.integrations.urls")),
    path("healthz", health.healthz, name="healthz"),
    path("readyz", health.readyz, name="readyz"),
    path("metrics", health.metrics, name="metrics"),
    *provider_urlpatterns(),
]
