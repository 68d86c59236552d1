from django.apps import AppConfig


class SalesforceConfig(AppConfig):
    name = "mailtrixy.integrations.salesforce"
    label = "salesforce"
    verbose_name = "Salesforce integration"

    def ready(self) -> None:
        # Workers (run_huey, the in-process one) know jobs only from imported modules.
        from mailtrixy.integrations.salesforce.sync import jobs  # noqa: F401
