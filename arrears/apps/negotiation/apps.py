from django.apps import AppConfig


class NegotiationConfig(AppConfig):
    name = "arrears.apps.negotiation"
    label = "negotiation"

    def ready(self) -> None:
        from arrears import words
        from arrears.apps.negotiation.presentation import WORDS, enrich

        words.register(WORDS, enrich=enrich)

        from arrears.apps.cases.services.run import before_ladder_register
        from arrears.apps.ledger.imports.debtors import owner_keeper_register
        from arrears.apps.negotiation.selectors import handed_over_owners
        from arrears.apps.negotiation.services import negotiation_sweep

        # §1 A debtor handed over keeps the hand-over's owner when the ERP's file names another.
        owner_keeper_register("handover", handed_over_owners)
        # §5-8 The daily run sweeps the desk's commitments before the ladder decides.
        before_ladder_register(
            "negotiation",
            lambda *, actor, company, as_of, run: (
                negotiation_sweep(actor=actor, company=company, as_of=as_of, run=run).counts
            ),
        )

        from arrears.apps.cases.propensity import desk_frames_register
        from arrears.apps.negotiation.propensity import desk_frames

        # Issue #16: the propensity features read the desk's promises, disputes and excuses.
        desk_frames_register("negotiation", desk_frames)

        from arrears.apps.common.decisions import register
        from arrears.apps.negotiation.decisions import APPROVALS, HANDOVERS

        # What waits for a credit manager: the approval queue and the hand-overs to decide.
        register(APPROVALS)
        register(HANDOVERS)
