"""Scenario: a team starts (DOMAIN "Who uses it", §1 one owner, §6 four eyes).

An administrator sets up a company, adds a collector and a credit manager, loads the ledger
and gives the unowned debtors an owner; the collector, with her own token, works her
worklist, records a call, completes her other call of the day (no answer: tried again
the next business day), and asks for terms beyond her limits; her token can neither approve
nor see the other company; the credit manager approves. Everything through the commands, as
each person would type them, with the token each was given.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.core.management.base import CommandError

from arrears.apps.cases.models import Action, Handoff
from arrears.apps.ledger.models import Debtor
from arrears.apps.negotiation.models import Approval
from tests import terminal

pytestmark = pytest.mark.django_db

EXAMPLES = Path(__file__).parents[2] / "arrears" / "apps" / "ledger" / "examples"
FIRST, DAY = "2026-11-16", "2026-11-24"  # the first run; the day the collector works
RUNS = ("2026-11-16", "2026-11-19", "2026-11-24")  # courtesy, reminder, then the call


def _token(out: str) -> str:
    return re.search(r"arr_\S+", out).group(0)  # type: ignore[union-attr]


def test_a_team_starts_and_works_its_first_day():
    # The administrator sets up the installation and reads her token once.
    ada = _token(
        terminal.run(
            "setup",
            "--company",
            "acme",
            "--name",
            "Acme GmbH",
            "--currency",
            "EUR",
            "--jurisdiction",
            "DE",
            "--admin",
            "ada",
            as_=None,
        )
    )
    # A second company, with its own collector, that acme's people must never see.
    terminal.run(
        "setup",
        "--company",
        "globex",
        "--name",
        "Globex",
        "--currency",
        "EUR",
        "--jurisdiction",
        "DE",
        token=ada,
    )
    terminal.run("people", "add", "gus", "--role", "collector", "--company", "globex", token=ada)
    terminal.run("import", "debtors", EXAMPLES / "debtors.csv", "--company", "globex", token=ada)

    # People: a credit manager, two collectors reporting to her.
    for name, role in (("maria", "credit_manager"), ("cora", "collector"), ("carl", "collector")):
        terminal.run(
            "people",
            "add",
            name,
            "--role",
            role,
            "--company",
            "acme",
            *(["--reports-to", "maria"] if role == "collector" else []),
            token=ada,
        )
    cora = terminal.run("token", "create", "--person", "cora", token=ada).strip()
    maria = terminal.run("token", "create", "--person", "maria", token=ada).strip()

    # The ledger, then every unowned debtor gets an owner, each hand-off with its reason.
    for kind in ("debtors", "items", "payments"):
        terminal.run("import", kind, EXAMPLES / f"{kind}.csv", "--company", "acme", token=ada)
    out = terminal.run(
        "assign",
        "--unowned",
        "--rule",
        "round-robin",
        "--reason",
        "first portfolios",
        "--company",
        "acme",
        "--as-of",
        DAY,
        token=ada,
    )
    assert "unowned debtors given an owner" in out
    acme_debtors = Debtor.objects.filter(company__code="acme")
    assert not acme_debtors.filter(owner__isnull=True).exists()
    assert Handoff.objects.filter(company__code="acme").count() == acme_debtors.count()
    # The examples hold USD and JPY items: their rates come as a file too.
    terminal.run("import", "rates", EXAMPLES / "rates.csv", "--company", "acme", token=ada)
    for day in RUNS:
        terminal.run("run", "--as-of", day, "--company", "acme", token=ada)

    # The collector works her worklist with her own token.
    listing = terminal.run("worklist", "--on", DAY, "--company", "acme", token=cora)
    assert "Your worklist" in listing
    mine = Action.objects.filter(case__debtor__owner__username="cora", status="open")
    call = mine.filter(channel="phone", due_on__lte=DAY).first()
    assert call is not None, listing
    said = terminal.run(
        "action-done",
        f"A{call.pk}",
        "--outcome",
        "reached",
        "--note",
        "spoke to the CFO",
        "--as-of",
        DAY,
        token=cora,
    )
    assert "done" in said
    call.refresh_from_db()
    assert (call.status, call.done_by.username) == ("done", "cora")
    # ...and her other call of the day: nobody answered, so it is tried again tomorrow.
    other = mine.filter(channel="phone", due_on__lte=DAY).exclude(pk=call.pk).get()
    terminal.run(
        "action-done", f"A{other.pk}", "--outcome", "no_answer", "--as-of", DAY, token=cora
    )
    other.refresh_from_db()
    assert (other.status, other.outcome, other.done_by.username) == ("done", "no_answer", "cora")
    retry = Action.objects.get(case=other.case, status="open", channel="phone")
    assert str(retry.due_on) == "2026-11-25"
    after = terminal.run("worklist", "--on", DAY, "--company", "acme", token=cora)
    assert not {f"A{call.pk}", f"A{other.pk}"} & set(re.findall(r"A\d+\b", after))

    # She takes a promise beyond her walk-away point: it waits for a credit manager.
    debtor = call.case.debtor.code
    out = terminal.run(
        "promise",
        debtor,
        "--part",
        "2027-06-30:100",
        "--contact",
        "CFO",
        "--as-of",
        DAY,
        "--company",
        "acme",
        token=cora,
    )
    request = Approval.objects.get(case__debtor__code=debtor, status="requested")
    assert f"A{request.pk}" in out

    # Her token cannot approve, nor see the other company.
    with pytest.raises(CommandError, match="only credit managers"):
        terminal.run(
            "approve",
            f"A{request.pk}",
            "--grant",
            "--reason",
            "ok",
            "--as-of",
            DAY,
            "--company",
            "acme",
            token=cora,
        )
    with pytest.raises(CommandError, match="unknown company 'globex'"):
        terminal.run("worklist", "--company", "globex", token=cora)
    with pytest.raises(CommandError):
        terminal.run("explain", "D10001", "--company", "globex", token=cora)

    # The credit manager approves.
    terminal.run(
        "approve",
        f"A{request.pk}",
        "--grant",
        "--reason",
        "good payer",
        "--as-of",
        DAY,
        "--company",
        "acme",
        token=maria,
    )
    request.refresh_from_db()
    assert (request.status, request.decided_by.username) == ("approved", "maria")
