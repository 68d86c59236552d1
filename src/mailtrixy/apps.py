from django.apps import AppConfig


class MailTrixyConfig(AppConfig):
    """The project package itself: its templates, static files, and its jobs."""

    name = "mailtrixy"
    label = "mailtrixy"

    def ready(self) -> None:
        # Workers find jobs by importing the modules that declare them.
        from mailtrixy import jobs  # noqa: F401
