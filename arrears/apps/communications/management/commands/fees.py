"""`arrears fees ...`: the same as `arrears fee ...` (`arrears fees export FILE.csv` reads as
people say it)."""

from __future__ import annotations

from arrears.apps.communications.management.commands.fee import Command as FeeCommand


class Command(FeeCommand):
    help = "The same as `arrears fee`: list, waive, approve, refuse, export fees."
