"""`arrears run`: today's collection run (or any as-of date), or a dry run."""

from __future__ import annotations

from typing import Any

from django.core.management.base import CommandError

from arrears.apps.cases.services import RunLocked, RunRefused, RunResult, run_daily
from arrears.apps.common import clock
from arrears.apps.common.cli import PersonCommand, add_company_option, iso_date
from arrears.apps.common.progress import Progress
from arrears.domain.access import Verb


class Command(PersonCommand):
    help = "Run the collection ladder for every open case as of a date (default: today)."

    def add_arguments(self, parser: Any) -> None:
        add_company_option(parser)
        parser.add_argument("--as-of", type=iso_date, default=None, help="YYYY-MM-DD")
        parser.add_argument("--dry-run", action="store_true", help="show, change nothing")
        parser.add_argument("--break-lock", action="store_true", help="clear a dead run's lock")

    def act(self, person: Any, o: dict[str, Any]) -> None:
        company = self.company_for(person, o, Verb.ADMINISTER)
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
            )
        except (RunLocked, RunRefused) as e:
            raise CommandError(str(e)) from None
        finally:
            shown.end()
        self.stdout.write(format_result(result))


def format_result(r: RunResult) -> str:
    c = r.counts
    head = "DRY RUN: nothing was changed" if r.dry_run else f"run {r.run_id}"
    lines = [
        f"{head} — as of {r.as_of}",
        f"  open items {c['items']:,}, of which moved up the ladder today {c['items_stepped']:,}",
        f"  open cases {c['cases_open']:,} (opened {c['cases_opened']:,}, reopened "
        f"{c['cases_reopened']:,}, closed as paid {c['cases_closed']:,}, "
        f"step changed {c['case_steps_changed']:,})",
        "  cases by ladder step:",
        *(f"    {step:<16} {n:>9,}" for step, n in r.by_step.items()),
        f"  credit holds set {c['holds_set']:,}, lifted {c['holds_lifted']:,}",
        "  negotiation: "
        + (
            ", ".join(f"{k.replace('_', ' ')} {v:,}" for k, v in r.negotiation.items()) or "nothing"
        ),
        f"  actions created {c['actions_created']:,}: "
        + (", ".join(f"{k} {v:,}" for k, v in r.actions_by_channel.items()) or "none"),
        f"  reviews booked {c.get('reviews_due', 0):,}; pending actions cancelled "
        f"{c.get('actions_cancelled', 0):,} (overtaken by a step, or the case closed)",
        f"  next actions due today or overdue {c['next_actions_due']:,}",
    ]
    if c["without_owner"]:
        lines.append(
            f"  DEFECT: {c['without_owner']:,} open cases have no owner: "
            + ", ".join(r.orphans)
            + (" ..." if c["without_owner"] > len(r.orphans) else "")
        )
    if c["without_next_action"]:
        lines.append(f"  DEFECT: {c['without_next_action']:,} open cases have no next action")
    lines.append("  seconds: " + ", ".join(f"{k} {v}" for k, v in r.seconds.items()))
    return "\n".join(lines)
