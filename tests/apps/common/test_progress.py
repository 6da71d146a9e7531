"""Long work (the demo, an import, the run) shows how far it has come on a terminal, on one
status line of standard error that it clears at the end, and says nothing of it in a pipe."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command

from arrears.apps.cases.services import strategies_install_defaults
from arrears.apps.common.progress import CLEAR, Progress
from tests import factories, terminal
from tests.apps.ledger.import_support import EXAMPLES

pytestmark = pytest.mark.django_db


class Terminal(StringIO):
    def isatty(self) -> bool:
        return True


def test_a_status_line_on_a_terminal_and_nothing_in_a_pipe():
    tty, pipe = Terminal(), StringIO()
    for stream in (tty, pipe):
        shown = Progress(stream)
        shown.step("importing items")
        shown.count(500, 1_000, "rows written")
        shown.end()
    assert "importing items: 500 / 1,000 rows written (50%)" in tty.getvalue()
    assert tty.getvalue().endswith(CLEAR) and "\n" not in tty.getvalue()
    assert pipe.getvalue() == ""


@pytest.fixture
def acme():
    company = factories.company()
    strategies_install_defaults(company=company)
    factories.company("rival")
    factories.collector("otto")
    return company


def test_import_and_run_show_progress_on_a_terminal_only(acme):
    tty, pipe = Terminal(), StringIO()
    for kind in ("debtors", "items"):
        path = EXAMPLES / f"{kind}.csv"
        out = terminal.run("import", kind, path, "--company", "acme", stderr=tty)
        terminal.run("import", kind, path, "--company", "acme", stderr=pipe)
        assert out.startswith(f"{kind}: ")  # standard output: the summary alone
    terminal.run("import", "rates", EXAMPLES / "rates.csv", "--company", "acme", stderr=pipe)
    terminal.run("run", "--as-of", "2026-11-25", "--company", "acme", stderr=tty)
    terminal.run("run", "--as-of", "2026-11-25", "--company", "acme", stderr=pipe)
    assert "importing items from items.csv" in tty.getvalue()
    assert "run of acme as of 2026-11-25" in tty.getvalue()
    assert pipe.getvalue() == ""


def test_the_demo_shows_its_steps_on_a_terminal_only(tmp_path):
    tty, pipe = Terminal(), StringIO()
    for stream in (tty, pipe):
        call_command(
            "demo", "--items", "60", "--as-of", "2026-11-25", "--history-weeks", "1",
            "--out", str(tmp_path), stdout=StringIO(), stderr=stream,
        )  # fmt: skip
    for step in ("generating 60 items", "importing items", "run 1 of 2", "today's run"):
        assert step in tty.getvalue()
    assert pipe.getvalue() == ""
