from django.apps import AppConfig


class ClearingConfig(AppConfig):
    """Set-off with debtors who are also suppliers, and clearing chains of debt (rule 11)."""

    name = "arrears.apps.clearing"
    label = "clearing"

    def ready(self) -> None:
        from arrears import words
        from arrears.apps.clearing.presentation import WORDS

        words.register(WORDS)

        from arrears.apps.clearing.selectors import HELD_BACK
        from arrears.apps.negotiation.services.sweep_frames import held_back_register

        # Rule 11: an approved set-off's amount is not dunned until the ERP books it.
        held_back_register("setoff", HELD_BACK)
        from arrears.apps.clearing.decisions import SETOFFS
        from arrears.apps.common.decisions import register

        register(SETOFFS)  # proposed set-offs wait for a credit manager
