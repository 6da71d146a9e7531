from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "arrears.apps.accounts"
    label = "accounts"

    def ready(self) -> None:
        from arrears import words
        from arrears.apps.accounts.presentation import WORDS, enrich

        words.register(WORDS, enrich=enrich)
