from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "arrears.apps.reports"
    label = "reports"

    def ready(self) -> None:
        from arrears import words
        from arrears.apps.reports.presentation import WORDS

        words.register(WORDS)

        from arrears.apps.cases.services.run import after_ladder_register
        from arrears.apps.reports.snapshots import snapshot_write

        # The run keeps a compact daily snapshot in its own transaction (issue #16).
        after_ladder_register("snapshot", snapshot_write)
