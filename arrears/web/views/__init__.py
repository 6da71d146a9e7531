"""The collector's desk: thin views over the same selectors, services and presenters as the
terminal. Each acts as the signed-in person (LoginRequiredMiddleware), inside one of their
companies (`common.company_of`: any other is unknown here, 404); what they may read or change
there the selectors and services ask themselves, and a refusal reads as on the terminal."""
