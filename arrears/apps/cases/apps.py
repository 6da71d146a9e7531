from django.apps import AppConfig


class CasesConfig(AppConfig):
    name = "arrears.apps.cases"
    label = "cases"

    def ready(self) -> None:
        from arrears import words
        from arrears.apps.cases.worklist_words import WORDS

        words.register(WORDS)
