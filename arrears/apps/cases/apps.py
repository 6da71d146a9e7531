from django.apps import AppConfig


class CasesConfig(AppConfig):
    name = "arrears.apps.cases"
    label = "cases"

    def ready(self) -> None:
        from arrears import words
        from arrears.apps.cases.presentation import WORDS, enrich

        words.register(WORDS, enrich=enrich)
