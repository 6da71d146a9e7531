from django.apps import AppConfig


class CommunicationsConfig(AppConfig):
    """Letters, emails and call scripts: the words of the ladder's messages (rules 9-10)."""

    name = "arrears.apps.communications"
    label = "communications"

    def ready(self) -> None:
        from arrears.apps.communications.presentation import WORDS, enrich
        from arrears.words import register

        register(WORDS, enrich=enrich)
