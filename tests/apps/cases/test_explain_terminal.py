"""What the terminal says about a case and its files: explain's history in date order, in
the right number ("1 promise"), a disputed overdue item said to be disputed; negotiation
history as of a day; the ladder exported into the file named; an address at a host without
a dot accepted."""

from __future__ import annotations

from datetime import timedelta

import pytest

from arrears.apps.cases.services import run_daily
from arrears.apps.ledger.imports import import_file
from arrears.apps.ledger.models import Contact
from arrears.domain.ladder_config import strategies_from_toml
from tests import terminal
from tests.apps.negotiation.support import AS_OF, world

pytestmark = pytest.mark.django_db
DAY = AS_OF.isoformat()


def history(text: str) -> list[str]:
    lines = text.splitlines()
    out = []
    for x in lines[lines.index("  history:") + 1 :]:
        if not x.startswith("    "):
            break
        out.append(x.strip())
    return out


def test_explain_lists_history_and_credit_holds_in_date_order():
    w = world(run=False)
    w.debtor.credit_limit_minor = 100_00  # owes 1,000: held at the first run
    w.debtor.save()
    run_daily(company=w.company, as_of=AS_OF)
    run_daily(company=w.company, as_of=AS_OF + timedelta(days=14))
    lines = history(terminal.run("explain", w.debtor.code, as_="cora"))
    days = [x.split()[0] for x in lines]
    assert days == sorted(days)
    assert any("hold set" in x for x in lines)
    assert lines[-1].startswith((AS_OF + timedelta(days=14)).isoformat())


def test_explain_counts_one_promise_as_one():
    w = world()
    terminal.run(
        "promise", w.debtor.code, "--part", "2026-11-27:300", "--contact", "Mr Weber",
        "--as-of", DAY, as_="cora",
    )  # fmt: skip
    out = terminal.run("explain", w.debtor.code, as_="cora")
    assert "promise record: 1 promise: 0 kept" in out
    assert "1 promises" not in out


def test_explain_says_a_disputed_overdue_balance_is_disputed_not_that_nothing_is_overdue():
    w = world()
    terminal.run(
        "dispute", w.debtor.code, "--part", "INV-OLD:600", "--part", "INV-NEW:400",
        "--reason", "quality", "--as-of", DAY, as_="cora",
    )  # fmt: skip
    run_daily(company=w.company, as_of=AS_OF + timedelta(days=1))
    out = terminal.run("explain", w.debtor.code, as_="cora")
    assert "nothing overdue" not in out
    old_due = (AS_OF - timedelta(days=30)).isoformat()
    assert f"nothing dunned: EUR 1,000.00 overdue since {old_due} is disputed" in out


def test_negotiation_history_as_of_a_day_shows_the_negotiation_up_to_that_day():
    w = world()
    later = (AS_OF + timedelta(days=2)).isoformat()
    for day, first in ((DAY, "2026-12-07:1000"), (later, "2026-12-08:1000")):
        terminal.run(
            "propose", w.debtor.code, "--first", first, "--contact", "Mr Weber", "--as-of", day,
            as_="cora",
        )  # fmt: skip
    everything = terminal.run("negotiation-history", w.debtor.code, as_="cora")
    then = terminal.run("negotiation-history", w.debtor.code, "--as-of", DAY, as_="cora")
    assert later in everything and later not in then and DAY in then
    csv_then = terminal.run("negotiation-history", w.debtor.code, "--csv", "--as-of", DAY)
    assert later not in csv_then and DAY in csv_then


def test_ladder_export_writes_the_file_named(tmp_path):
    w = world()
    path = tmp_path / "ladder.toml"
    out = terminal.run("ladder", "export", str(path), as_="maria")
    assert out.strip() == f"2 strategies of {w.company.code} written to {path}"
    assert [s.code for s in strategies_from_toml(path.read_text())] == ["high_risk", "default"]


def test_negotiation_policy_export_writes_the_file_named(tmp_path):
    world()
    path = tmp_path / "policy.json"
    out = terminal.run("negotiation-policy", "export", str(path), as_="maria")
    assert out.strip().endswith(f"written to {path}")
    assert path.read_text().startswith("{")


def test_an_address_at_a_host_without_a_dot_is_accepted(tmp_path):
    w = world()
    path = tmp_path / "debtors.csv"
    path.write_text(
        "debtor_code,name,country,contact_name,contact_email\nT1,Test GmbH,DE,Tess,test@localhost\n"
    )
    import_file(company=w.company, kind="debtors", path=path)
    assert Contact.objects.get(debtor__code="T1").email == "test@localhost"
