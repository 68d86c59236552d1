from django.apps import AppConfig


class InboxConfig(AppConfig):
    name = "mailtrixy.inbox"
    label = "inbox"
