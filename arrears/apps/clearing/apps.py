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
        from arrears.apps.clearing.selectors import setoff_possible_for
        from arrears.apps.negotiation.services.excuses import follow_up_possible_register
        from arrears.domain.excuses import FollowUpAction

        # "Others owe us" books "propose a set-off" only where one is possible.
        follow_up_possible_register(
            FollowUpAction.PROPOSE_SET_OFF, lambda case, day: bool(setoff_possible_for(case, day))
        )
