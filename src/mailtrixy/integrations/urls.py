from django.urls import URLPattern, URLResolver, path

from mailtrixy.integrations import registry, views

app_name = "integrations"

urlpatterns: list[URLPattern | URLResolver] = [
    path("settings/integrations/", views.member_settings, name="member_settings"),
    path("admin/settings/integrations/", views.admin_settings, name="admin_settings"),
]


def provider_urlpatterns() -> list[URLPattern | URLResolver]:
    """Each provider's own views (its OAuth callback among them), mounted at the site root."""
    patterns: list[URLPattern | URLResolver] = []
    for provider in registry.providers():
        patterns.extend(provider.urlpatterns())
    return patterns
