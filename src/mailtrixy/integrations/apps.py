from typing import Any

from django.apps import AppConfig
from django.core.signals import setting_changed
from django.urls import clear_url_caches


def _reread_urls_when_integrations_change(*, setting: str, **kwargs: Any) -> None:
    """The root URLconf mounts each registered provider's views; a new registry needs new URLs.

    Settings change only under tests' override_settings; without this, whichever test first
    resolved a URL would decide for every later test which providers have URLs.
    """
    if setting == "MAILTRIXY_INTEGRATIONS":
        clear_url_caches()


class IntegrationsConfig(AppConfig):
    name = "mailtrixy.integrations"
    label = "integrations"

    def ready(self) -> None:
        setting_changed.connect(_reread_urls_when_integrations_change, dispatch_uid=__name__)
