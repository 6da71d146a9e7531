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

        from arrears.apps.cases.services.run import after_ladder_register
        from arrears.apps.communications.outbox import outbox_waiting, outbox_write

        # The run writes its messages into the outbox in its own transaction; a case whose last
        # message is not out yet waits before its next written step (§2).
        after_ladder_register("outbox", outbox_write, outbox_waiting)
