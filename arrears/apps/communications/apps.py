from django.apps import AppConfig


class CommunicationsConfig(AppConfig):
    """Letters, emails and call scripts: the words of the ladder's messages (rules 9-10), and
    the outbox that sends them (issue #14)."""

    name = "arrears.apps.communications"
    label = "communications"

    def ready(self) -> None:
        from arrears.apps.communications.presentation import TEMPLATE_WORDS, WORDS, enrich
        from arrears.words import register

        register(WORDS, enrich=enrich)
        register(TEMPLATE_WORDS)

        from arrears.apps.common.decisions import register as decision_register
        from arrears.apps.communications.decisions import FEE_WAIVERS

        decision_register(FEE_WAIVERS)  # fee waivers wait for a credit manager (rule 9)

        from arrears.apps.cases.services.run import after_ladder_register
        from arrears.apps.communications.fees import fees_charge
        from arrears.apps.communications.outbox import outbox_waiting, outbox_write

        # The run charges the fees of the steps its items stand on (rule 9), once each.
        after_ladder_register("fees", fees_charge)
        # and raises a task for legal before a claim becomes time-barred (rule 12)
        from arrears.apps.communications.limitation import limitation_tasks

        after_ladder_register("limitation", limitation_tasks)
        # The run writes its messages into the outbox in its own transaction; a case whose last
        # message is not out yet waits before its next written step (§2).
        after_ladder_register("outbox", outbox_write, outbox_waiting)
        # and the run's summary says which of them claim their interest without a figure
        from arrears.apps.cases.services.run import without_interest_register
        from arrears.apps.communications.selectors import run_messages_without_interest

        without_interest_register("outbox", run_messages_without_interest)
