"""`arrears propensity train [--until D] | show`: train the payment-propensity model on the
company's own ledger and make it the one the worklist ranks by; show the active model."""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from arrears.apps.cases.propensity import active_model_read
from arrears.apps.common.cli import PersonCommand, add_company_option, iso_date
from arrears.apps.reports.presentation import NO_MODEL, propensity_model_lines
from arrears.apps.reports.propensity import propensity_train


class Command(PersonCommand):
    help = "The payment-propensity model the worklist ranks by: train (credit manager), show."

    def add_arguments(self, parser: Any) -> None:
        sub = parser.add_subparsers(dest="verb", required=True)
        train = sub.add_parser("train", help="train on the company's ledger; make it active")
        train.add_argument(
            "--until", type=iso_date, help="learn from the days known by then (70 %% of the way)"
        )
        train.add_argument("--as-of", type=iso_date, default=None, help="YYYY-MM-DD (today)")
        show = sub.add_parser("show", help="the active model: window, features, metrics")
        for p in (train, show):
            add_company_option(p)

    def act(self, person: Any, o: dict[str, Any]) -> None:
        company = self.company_for(person, o)
        if o["verb"] == "train":
            model = propensity_train(
                actor=person,
                company=company,
                as_of=o["as_of"] or timezone.localdate(),
                until=o["until"],
            )
        else:
            found = active_model_read(actor=person, company=company)
            if found is None:
                self.stdout.write(NO_MODEL.format(company=company.code))
                return
            model = found
        self.stdout.write(propensity_model_lines(model, company.code))
