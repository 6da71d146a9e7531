"""`arrears demo`: set up a demo company, load a generated ledger with the desk's past, run
today's collection run and train the payment-propensity model the worklist ranks by.

Safe to repeat: the imports are idempotent, the desk's past is written only on a fresh
ledger, a repeated run for the same date changes nothing and a trained model is kept, so a
second `arrears demo` reports the same state and writes nothing new.
"""

from __future__ import annotations

import os
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from threadpoolctl import threadpool_limits

from arrears.apps.accounts.models import Membership
from arrears.apps.accounts.services import (
    administrator_any_exists,
    member_add,
    token_authenticate,
    token_create,
)
from arrears.apps.cases.presentation import history_runs_words, run_result_words
from arrears.apps.cases.propensity import active_model_row
from arrears.apps.cases.selectors import last_run
from arrears.apps.cases.services import (
    RunLocked,
    RunRefused,
    RunResult,
    run_daily,
    strategies_install_defaults,
)
from arrears.apps.common import clock
from arrears.apps.common.cli import demo_welcome_words, iso_date, terminal_person
from arrears.apps.common.progress import Progress
from arrears.apps.ledger.imports import ImportRejected, import_file
from arrears.apps.ledger.models import Company
from arrears.apps.ledger.presentation import generating_words, imported_words
from arrears.apps.ledger.services import company_bootstrap, company_setup, exchange_rate_set
from arrears.apps.negotiation.presentation import history_seeded_words, seeded_words
from arrears.apps.negotiation.services.demo import (
    negotiation_demo_history,
    negotiation_demo_seed,
)
from arrears.apps.reports.presentation import DEMO_NO_MODEL, demo_model_words
from arrears.apps.reports.propensity import propensity_train
from arrears.demo.generate import generate_ledger, write_csv
from arrears.domain.access import PersonRole
from arrears.domain.refusal import Refusal
from arrears.words import say

COLLECTORS = ("alice", "bob", "carol", "dave")
# The credit manager first: the collectors report to her.
PEOPLE = [("maria", PersonRole.CREDIT_MANAGER)] + [(n, PersonRole.COLLECTOR) for n in COLLECTORS]
DEMO_ADMIN = "admin"
DEMO_COMPANY = {
    "code": "demo",
    "name": "Demo Trading GmbH",
    "currency": "EUR",
    "jurisdiction": "DE",
}
NOT_A_DEMO = (
    "this installation has administrators and none of them administers the demo company: run "
    "the demo as an administrator (ARREARS_TOKEN), or in its own database (ARREARS_DATA_DIR)"
)
DEMO_RATES = {"USD": Decimal("0.92"), "GBP": Decimal("1.17"), "JPY": Decimal("0.0061")}


class Command(BaseCommand):
    help = "Create a demo company, load a generated ledger and run today's collection run."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--items", type=int, default=20_000, help="open items (10..1M)")
        parser.add_argument("--seed", type=int, default=7)
        parser.add_argument("--as-of", type=iso_date, default=None, help="YYYY-MM-DD")
        parser.add_argument("--out", type=Path, default=None, help="where to write the CSVs")
        parser.add_argument(
            "--history-weeks",
            type=int,
            default=8,
            help="weekly runs before today, so the ladder holds a realistic history",
        )

    def handle(self, *args: Any, **o: Any) -> None:
        self.shown = Progress(self.stderr)  # on a terminal only
        try:
            self._demo(o)
        finally:
            self.shown.end()

    def _demo(self, o: dict[str, Any]) -> None:
        as_of = o["as_of"] or clock.today()
        out = o["out"] or Path(settings.DATA_DIR) / "demo"
        self.shown.step("creating the database tables")
        call_command("migrate", verbosity=0, interactive=False)
        try:
            company, admin = _demo_company()
            strategies_install_defaults(actor=admin, company=company)
            for code, rate in DEMO_RATES.items():
                exchange_rate_set(
                    actor=admin,
                    company=company,
                    currency=code,
                    rate=rate,
                    valid_from=date(2000, 1, 1),
                )
            for name, role in PEOPLE:
                member_add(
                    actor=admin,
                    company_id=company.pk,
                    username=name,
                    role=role,
                    email=f"{name}@demo.example",
                    reports_to="maria" if role is PersonRole.COLLECTOR else "",
                )
        except Refusal as e:
            raise CommandError(say(e)) from None
        self.stdout.write(generating_words(o["items"], o["seed"], out))
        self.shown.step(f"generating {o['items']:,} items")
        ledger = generate_ledger(
            items=o["items"], seed=o["seed"], as_of=as_of, collectors=COLLECTORS
        )
        paths = write_csv(ledger, out)
        for kind in ("debtors", "items", "payments"):
            self.shown.step(f"importing {kind}")
            try:
                s = import_file(
                    actor=admin,
                    company=company,
                    kind=kind,
                    path=paths[kind],
                    progress=lambda done, total: self.shown.count(done, total, "rows written"),
                )
            except ImportRejected as e:
                raise CommandError(str(e)) from None
            self.stdout.write(imported_words(s))
        history = self._history(company, as_of, o["history_weeks"])
        self.shown.step("writing the desk's past")
        past = negotiation_demo_history(
            actor=admin, company=company, desk=ledger.desk, first_run=(history or [as_of])[0]
        )
        if sum(past.values()):
            self.stdout.write(history_seeded_words(past))
        try:
            if history:  # the first run opens the cases the desk's stories then work on
                self.shown.step(f"run 1 of {len(history) + 1}, as of {history[0]}")
                run_daily(actor=admin, company=company, as_of=history[0])
            self.shown.step("seeding negotiation stories")
            seeded = negotiation_demo_seed(
                actor=admin, company=company, as_of=as_of, seed=o["seed"]
            )
            self.stdout.write(seeded_words(seeded))
            tokens = _demo_tokens(admin, out / "tokens")  # beside its CSVs (--out)
            result = self._runs(admin, company, as_of, history)
        except (RunLocked, RunRefused) as e:
            raise CommandError(say(e)) from None
        self.stdout.write(run_result_words(result))
        if result.counts.get("without_owner"):
            self.stdout.write(
                "  (the demo leaves 1 % of its debtors without an owner on purpose: the run "
                "reports such cases as defects for a credit manager to assign)"
            )
        self.shown.step("training the payment-propensity model")
        self.stdout.write(_propensity(company, as_of))
        self.stdout.write(demo_welcome_words(tokens, COLLECTORS))

    def _history(self, company: Company, as_of: date, weeks: int) -> list[date]:
        """The weekly runs over the past weeks not done yet (a repeated demo skips them)."""
        last = last_run(company=company)
        past = [as_of - timedelta(weeks=w) for w in range(weeks, 0, -1)]
        return [d for d in past if last is None or d > last.as_of]

    def _runs(self, admin: Any, company: Company, as_of: date, history: list[date]) -> RunResult:
        """The weekly runs of the history (the first already done), then today's run."""
        for n, day in enumerate(history[1:], start=2):
            self.shown.step(f"run {n} of {len(history) + 1}, as of {day}")
            run_daily(actor=admin, company=company, as_of=day)
        if history:
            self.stdout.write(history_runs_words(history))
        self.shown.step(f"today's run, as of {as_of}")
        return run_daily(actor=admin, company=company, as_of=as_of)


def _demo_company() -> tuple[Company, Any]:
    """The demo company and who sets it up: on a new installation its first administrator
    (`admin`); after that the demo company's administrator; on an installation with other
    administrators, the person at the terminal, who must be one of them (and administers the
    demo company from then on)."""
    if not administrator_any_exists():
        return company_bootstrap(**DEMO_COMPANY, admin=DEMO_ADMIN)
    own = (
        Membership.objects.filter(
            company__code=DEMO_COMPANY["code"], role=PersonRole.ADMINISTRATOR, active=True
        )
        .select_related("person")
        .order_by("id")
        .first()
    )
    if own is not None:
        return company_setup(actor=own.person, **DEMO_COMPANY), own.person
    try:
        person = terminal_person()
    except CommandError:
        raise CommandError(NOT_A_DEMO) from None
    return company_setup(actor=person, **DEMO_COMPANY), person


def _propensity(company: Company, as_of: date) -> str:
    """The credit manager trains the model the worklist ranks by (`arrears propensity train`)
    when the ledger has history enough; a model already there is kept (a repeated demo)."""
    kept = active_model_row(company)
    if kept is not None:
        return demo_model_words(kept)
    from django.contrib.auth import get_user_model

    manager = get_user_model().objects.get(username=PEOPLE[0][0])
    try:
        # one thread: at the demo's size the learner's threads only wait for each other (on
        # a busy machine 2 threads took 1.8-22 s of wall time, 1 thread 1.6-1.7 s, the same
        # model)
        with threadpool_limits(1):
            model = propensity_train(actor=manager, company=company, as_of=as_of)
        return demo_model_words(model)
    except Refusal:  # too few days, or no paid and unpaid outcomes to learn from
        return DEMO_NO_MODEL


def _demo_tokens(admin: Any, folder: Path) -> Path:
    """A token file for each demo person (kept while its token still works): the demo's
    people are made to be tried, so their tokens sit beside the demo's data, mode 600."""
    folder.mkdir(parents=True, exist_ok=True)
    people = [(admin.get_username(), None)] + [(n, n) for n, _ in PEOPLE]
    people += [("lena", "lena"), ("inkasso", "inkasso")]  # legal and the agency (the stories)
    from django.contrib.auth import get_user_model

    for name, username in people:
        path = folder / name
        try:
            token_authenticate(path.read_text(encoding="utf-8"))
            continue
        except (OSError, Refusal):
            pass
        person = admin if username is None else get_user_model().objects.get(username=username)
        secret = token_create(actor=admin, person=person, name="demo").secret
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(secret + "\n")
    return folder
