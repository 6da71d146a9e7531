from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "arrears.apps.reports"
    label = "reports"

    def ready(self) -> None:
        from arrears import words
        from arrears.apps.reports.presentation import WORDS

        words.register(WORDS)
