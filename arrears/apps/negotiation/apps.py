from django.apps import AppConfig


class NegotiationConfig(AppConfig):
    name = "arrears.apps.negotiation"
    label = "negotiation"

    def ready(self) -> None:
        from arrears import words
        from arrears.apps.negotiation.presentation import WORDS, enrich

        words.register(WORDS, enrich=enrich)
