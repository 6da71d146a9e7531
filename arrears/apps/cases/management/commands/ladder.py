"""`arrears ladder show|export|load`: read and change the company's collection strategies."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import CommandError

from arrears.apps.cases.selectors import strategies_read
from arrears.apps.cases.services.strategies import strategies_install
from arrears.apps.common.cli import PersonCommand, add_company_option, export_text
from arrears.domain.access import Verb
from arrears.domain.ladder import LadderError
from arrears.domain.ladder_config import strategies_from_toml, strategies_to_toml
from arrears.domain.text import counted


class Command(PersonCommand):
    help = "Show, export (TOML) or load (TOML, replacing all) the collection strategies."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("action", choices=["show", "export", "load"])
        parser.add_argument(
            "file",
            nargs="?",
            type=Path,
            help="TOML file: load reads it, export writes it (default: standard output)",
        )
        add_company_option(parser)

    def act(self, person: Any, o: dict[str, Any]) -> None:
        load = o["action"] == "load"
        company = self.company_for(person, o, Verb.SET_POLICY if load else None)
        if o["action"] == "load":
            if o["file"] is None:
                raise CommandError("load needs a TOML file (see `arrears ladder export`)")
            try:
                strategies = strategies_from_toml(o["file"].read_text(encoding="utf-8"))
            except (LadderError, OSError, UnicodeDecodeError) as e:
                raise CommandError(f"{o['file']}: {e}") from None
            strategies_install(company=company, strategies=strategies, actor=person)
            self.stdout.write(f"loaded {len(strategies)} strategies for {company.code}")
            return
        strategies = strategies_read(actor=person, company=company)
        if o["action"] == "export":
            what = f"{len(strategies)} strategies of {company.code}"
            export_text(self, strategies_to_toml(strategies), o["file"], what=what)
            return
        for s in sorted(strategies, key=lambda s: s.priority):
            seg = s.segment
            self.stdout.write(
                f"{s.code} — {s.name} [{s.mode.value}, priority {s.priority}; risk "
                f"{sorted(seg.risk_tiers) or 'any'}, countries {sorted(seg.countries) or 'any'}]"
            )
            for i, st in enumerate(s.steps):
                extra = (
                    f", or {counted(st.min_broken_promises, 'broken promise')}"
                    if st.min_broken_promises
                    else ""
                )
                self.stdout.write(
                    f"  {i}. {st.name:<22} {st.min_days_past_due:>4} days past due, "
                    f">= {st.min_overdue_amount} overdue{extra}; gap {st.min_gap_days}d; "
                    f"{st.channel.value} by {st.role.value}; review every {st.follow_up_days}d"
                )
