from django.apps import AppConfig


class SalesforceConfig(AppConfig):
    name = "mailtrixy.integrations.salesforce"
    label = "salesforce"
    verbose_name = "Salesforce integration"
