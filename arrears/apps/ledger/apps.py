from django.apps import AppConfig


class LedgerConfig(AppConfig):
    name = "arrears.apps.ledger"
    label = "ledger"
