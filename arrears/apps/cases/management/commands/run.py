"""`arrears run`: today's collection run (or any as-of date), or a dry run."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.core.management.base import CommandError
from django.db import OperationalError, connection
from django.utils import timezone

from arrears.apps.cases.presentation import run_result_words
from arrears.apps.cases.services import RunLocked, RunRefused, run_daily
from arrears.apps.cases.services.lock import BUSY, LOCKED, is_busy
from arrears.apps.common import clock
from arrears.apps.common.cli import PersonCommand, add_company_option, iso_date
from arrears.apps.common.progress import Progress
from arrears.domain.refusal import Refusal
from arrears.words import say

INTERRUPTED = "run.interrupted"
INTERRUPTED_EXIT = 130  # as a shell reports a process stopped by Ctrl-C (128 + SIGINT)

# What the terminal adds to a refusal: the option that clears a dead run's lock.
BREAK_LOCK_HINT = {LOCKED: "; if it died, break the lock with: arrears run --break-lock"}


class Command(PersonCommand):
    help = "Run the collection ladder for every open case as of a date (default: today)."
    asked_at: datetime | None = None

    def execute(self, *args: Any, **options: Any) -> Any:
        """Note when the run was asked for (a run that then waited for another one to finish
        is refused: `lock_take`), and put a database held too long by another writer (SQLite)
        into words, wherever the wait ended (the token check writes too)."""
        self.asked_at = timezone.now()
        try:
            return super().execute(*args, **options)
        except OperationalError as e:
            if is_busy(e):
                raise CommandError(say(Refusal(BUSY, seconds=_timeout()))) from None
            raise

    def add_arguments(self, parser: Any) -> None:
        add_company_option(parser)
        parser.add_argument("--as-of", type=iso_date, default=None, help="YYYY-MM-DD")
        parser.add_argument("--dry-run", action="store_true", help="show, change nothing")
        parser.add_argument("--break-lock", action="store_true", help="clear a dead run's lock")

    def act(self, person: Any, o: dict[str, Any]) -> None:
        company = self.company_for(person, o)
        as_of = o["as_of"] or clock.today()
        shown = Progress(self.stderr)  # on a terminal only
        shown.step(f"{'dry run' if o['dry_run'] else 'run'} of {company.code} as of {as_of}")
        try:
            result = run_daily(
                actor=person,
                company=company,
                as_of=as_of,
                dry_run=o["dry_run"],
                break_lock=o["break_lock"],
                asked_at=self.asked_at,
            )
        except (RunLocked, RunRefused) as e:
            raise CommandError(say(e) + BREAK_LOCK_HINT.get(e.code, "")) from None
        except KeyboardInterrupt:  # Ctrl-C: one line, no traceback; the run ended as failed
            why = Refusal(INTERRUPTED, company=company.code, as_of=as_of)
            raise CommandError(say(why), returncode=INTERRUPTED_EXIT) from None
        finally:
            shown.end()
        self.stdout.write(run_result_words(result))


def _timeout() -> int:
    return int(connection.settings_dict.get("OPTIONS", {}).get("timeout", 5))
