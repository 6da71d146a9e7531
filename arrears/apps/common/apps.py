from django.apps import AppConfig


class CommonConfig(AppConfig):
    name = "arrears.apps.common"
    label = "common"

    def ready(self) -> None:
        from arrears import words
        from arrears.apps.common.presentation import WORDS

        words.register(WORDS)
