from django.apps import AppConfig


class LedgerConfig(AppConfig):
    name = "arrears.apps.ledger"
    label = "ledger"

    def ready(self) -> None:
        from arrears import words
        from arrears.apps.ledger.presentation import WORDS

        words.register(WORDS)
