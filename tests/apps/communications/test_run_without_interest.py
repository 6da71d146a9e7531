"""A run whose day lies past the interest rate table says so in its summary (issue #14): how
many of the letters and emails it queued (a dry run: would queue) claim statutory interest
without a figure, and which file to put so that they state it; a day the table covers, or a
company without an outbox, says nothing of it."""

from __future__ import annotations

import pytest

from tests import terminal
from tests.apps.communications import support

pytestmark = pytest.mark.django_db

PAST_TABLE = "2026-01-12"  # the §247 BGB base rate table covers until 2025-12-31


def test_the_run_summary_says_how_many_messages_go_out_without_interest_and_which_file():
    support.world()
    said = terminal.run("run", "--company=acme", f"--as-of={PAST_TABLE}", as_="admin")
    line = next(x for x in said.splitlines() if "WARNING" in x)
    assert (
        "1 letter or email of this run goes out claiming statutory interest without a figure"
        in line
    ), said
    assert "no rate is known for 2026-01-12 in de_base_rate.csv" in line
    assert "it runs from" in line and "2025-12-31" in line


def test_a_dry_run_says_how_many_would_go_out_without_interest():
    support.world()
    said = terminal.run("run", "--company=acme", f"--as-of={PAST_TABLE}", "--dry-run", as_="admin")
    assert (
        "1 letter or email of this run would go out claiming statutory interest without a "
        "figure" in said
    ), said
    assert "de_base_rate.csv" in said


def test_a_day_the_rate_table_covers_says_nothing_of_it():
    support.world()
    said = terminal.run("run", "--company=acme", f"--as-of={support.DAY1}", as_="admin")
    assert "without a figure" not in said, said


def test_a_company_without_an_outbox_says_nothing_of_it_in_a_dry_run():
    w = support.world()
    w["acme"].sender.delete()  # its messages stay actions for a person
    said = terminal.run("run", "--company=acme", f"--as-of={PAST_TABLE}", "--dry-run", as_="admin")
    assert "without a figure" not in said, said
