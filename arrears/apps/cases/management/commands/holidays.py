"""`arrears holidays add|remove|list|add-defaults`: the company's holiday calendar, which every
business-day rule skips besides weekends (a credit manager's or an administrator's to change;
a whole file: `arrears import holidays FILE.csv`)."""

from __future__ import annotations

from typing import Any

from arrears.apps.cases.presentation import holiday_line, holidays_changed_lines
from arrears.apps.cases.selectors import holidays_read
from arrears.apps.cases.services.holidays import (
    holiday_add,
    holiday_remove,
    holidays_add_defaults,
)
from arrears.apps.common.cli import PersonCommand, add_company_option, iso_date


class Command(PersonCommand):
    help = "The company's holidays (business days skip them): add, remove, list, add-defaults."

    def add_arguments(self, parser: Any) -> None:
        sub = parser.add_subparsers(dest="verb", required=True)
        add = sub.add_parser("add", help="a day the company does not work")
        add.add_argument("day", type=iso_date)
        add.add_argument("--name", default="")
        remove = sub.add_parser("remove", help="a day that is a working day after all")
        remove.add_argument("day", type=iso_date)
        listing = sub.add_parser("list", help="the company's holidays, in date order")
        listing.add_argument("--year", type=int)
        defaults = sub.add_parser(
            "add-defaults",
            help="the public holidays of the company's jurisdiction in a year (needs the "
            "`holidays` package)",
        )
        defaults.add_argument("--year", type=int, required=True)
        for p in (add, remove, listing, defaults):
            add_company_option(p)

    def act(self, person: Any, o: dict[str, Any]) -> None:
        company = self.company_for(person, o)
        if o["verb"] == "list":
            rows = holidays_read(actor=person, company=company, year=o["year"])
            for h in rows:
                self.stdout.write(holiday_line(h.day, h.name))
            if not rows:
                self.stdout.write("no holidays: business days are Monday to Friday")
            return
        if o["verb"] == "add":
            changed = holiday_add(actor=person, company=company, day=o["day"], name=o["name"])
        elif o["verb"] == "remove":
            changed = holiday_remove(actor=person, company=company, day=o["day"])
        else:
            changed = holidays_add_defaults(actor=person, company=company, year=o["year"])
        for line in holidays_changed_lines(changed):
            self.stdout.write(line)
