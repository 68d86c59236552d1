from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "mailtrixy.accounts"
    label = "accounts"
