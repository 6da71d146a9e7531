from django.apps import AppConfig


class NegotiationConfig(AppConfig):
    name = "arrears.apps.negotiation"
    label = "negotiation"
