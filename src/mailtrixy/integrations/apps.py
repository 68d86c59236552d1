from django.apps import AppConfig


class IntegrationsConfig(AppConfig):
    name = "mailtrixy.integrations"
    label = "integrations"
