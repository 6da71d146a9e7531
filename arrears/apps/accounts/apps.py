from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "arrears.apps.accounts"
    label = "accounts"
