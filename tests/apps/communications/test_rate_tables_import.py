"""A newer reference-rate table is imported without a code change (`arrears rates import FILE`):
checked whole, all or nothing, line-precise refusals, the same table again changes nothing,
audited, a credit manager's or an administrator's. A bad table put in the rates folder by hand
makes no email fail, silently or not: every letter and email waits, saying which file and line
is wrong, and the daily run still finishes. A day past a table is refused naming the day and
the command that adds rates."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.management.base import CommandError

from arrears.apps.accounts.models import AuditEvent
from arrears.apps.communications import outbox
from arrears.apps.communications.models import OutboxMessage
from arrears.apps.communications.rate_tables import rate_table_import
from arrears.apps.communications.selectors import case_letter
from arrears.domain.interest import shipped_tables
from arrears.domain.refusal import NotAllowed, Refusal
from arrears.words import say
from tests import factories, terminal
from tests.apps.communications import support

pytestmark = pytest.mark.django_db

SHIPPED = shipped_tables()["ecb_mro"]
EXTRA = 6 + len(SHIPPED.changes)  # the line after the table's: 4 comments, the header, rates


def ecb_table(covers_until: str = "2026-01-31", extra: str = "") -> str:
    """A table as a person would import it: the shipped ECB table with its last day moved to
    `covers_until` (the test's figures, not a source's: arrears ships no rate for 2026)."""
    lines = [f"{d.isoformat()},{r}" for d, r in SHIPPED.changes]
    return (
        "# series: ecb_mro\n# name: ECB main refinancing operations rate, percent a year\n"
        '# source: European Central Bank, "Key ECB interest rates"\n'
        f"# covers_until: {covers_until}\neffective_from,rate_percent\n"
        + "\n".join(lines)
        + "\n"
        + extra
    )


@pytest.fixture
def w(settings, tmp_path):
    settings.DATA_DIR = tmp_path / "data"
    w = support.world()
    w["acme"].jurisdiction = "FR"  # L441-10: the ECB's rate + 10 points, EUR 40
    w["acme"].save()
    w["file"] = tmp_path / "ecb.csv"
    w["folder"] = tmp_path / "data" / "rates"
    factories.run_as_admin(company=w["acme"], as_of=support.DAY1)  # the reminder, by email
    return w


def interest_known(w, on: date) -> bool:
    found = case_letter(
        actor=w["cora"],
        company=w["acme"],
        debtor_code="K1",
        currency="EUR",
        as_of=on,
        step_code="firm_demand",
    )
    return found.letter.interest_known


def test_a_credit_manager_imports_a_newer_table_and_letters_use_it(w):
    # L441-10 takes the rate in force on 1 January for the first half-year: past the table
    day = date(2026, 1, 20)
    assert not interest_known(w, day)
    w["file"].write_text(ecb_table(), encoding="utf-8")
    out = terminal.run("rates", "import", w["file"], as_="maria")
    assert "ecb_mro: imported" in out and "to 2026-01-31" in out
    assert (w["folder"] / "ecb_mro.csv").read_text(encoding="utf-8") == ecb_table()
    assert interest_known(w, day)
    again = terminal.run("rates", "import", w["file"], as_="maria")
    assert "unchanged" in again
    audits = AuditEvent.objects.filter(action="interest.rates_imported")
    assert audits.count() == 1  # the same table again records nothing
    assert audits.get().detail["covers_until"] == "2026-01-31"
    listed = terminal.run("rates", "list", as_="cora")
    assert "ecb_mro:" in listed and str(w["folder"] / "ecb_mro.csv") in listed
    assert "de_base_rate:" in listed and "shipped with arrears" in listed


def test_only_a_credit_manager_or_an_administrator_imports_a_table(w):
    w["file"].write_text(ecb_table(), encoding="utf-8")
    with pytest.raises(NotAllowed):
        rate_table_import(actor=w["cora"], company=w["acme"], path=w["file"])
    assert not w["folder"].exists()
    assert rate_table_import(actor=w["admin"], company=w["acme"], path=w["file"]).changed


@pytest.mark.parametrize(
    ("text", "words"),
    [
        (ecb_table(extra="2025-12-01,abc\n"), f"ecb.csv, line {EXTRA}: 'abc' is not an amount"),
        (ecb_table(extra="2025-01-01,2.00\n"), f"ecb.csv, line {EXTRA}: 2025-01-01 is not after"),
        (ecb_table("2025-06-30"), "ecb.csv: the table covers ecb_mro until 2025-06-30"),
        (ecb_table().replace("series: ecb_mro", "series: ecb"), "there is no rate series ecb"),
        (ecb_table().replace("2016-03-16,0.00\n", ""), "the table starts on 2022-07-27"),
    ],
)
def test_a_bad_table_is_refused_in_words_and_nothing_is_written(w, text, words):
    w["folder"].mkdir(parents=True)
    kept = w["folder"] / "ecb_mro.csv"
    kept.write_text(ecb_table("2025-10-31"), encoding="utf-8")
    w["file"].write_text(text, encoding="utf-8")
    with pytest.raises(CommandError) as info:
        terminal.run("rates", "import", w["file"], as_="maria")
    assert words in str(info.value)
    assert kept.read_text(encoding="utf-8") == ecb_table("2025-10-31")
    assert list(w["folder"].iterdir()) == [kept]
    assert not AuditEvent.objects.filter(action="interest.rates_imported").exists()


def test_a_bad_table_in_the_folder_makes_emails_wait_saying_which_file_and_line(w):
    m = OutboxMessage.objects.get(company=w["acme"])
    w["folder"].mkdir(parents=True)
    bad = w["folder"] / "ecb_mro.csv"
    bad.write_text(ecb_table(extra="2025-12-01,2,15\n"), encoding="utf-8")
    with pytest.raises(CommandError) as info:
        terminal.run("outbox", "send", "--company=acme", as_="admin")
    said = str(info.value)
    assert str(bad) in said and f"line {EXTRA}" in said and "wait in the outbox" in said
    m.refresh_from_db()
    assert (m.state, m.attempts) == ("queued", 0)
    # the worker's task: the message waits, queued, saying why; it is not failed
    now = outbox.timezone.now()
    assert outbox.send_batch([m.pk], now=now) == {m.pk: "waiting"}
    m.refresh_from_db()
    assert (m.state, m.attempts) == ("queued", 0) and str(bad) in m.last_error
    assert f"line {EXTRA}" in terminal.run("outbox", "list", "--company=acme", as_="admin")
    # the run of the next day finishes all the same
    out = terminal.run("run", "--as-of", "2025-06-06", "--company=acme", as_="admin")
    assert "as of 2025-06-06" in out
    bad.write_text(ecb_table(), encoding="utf-8")  # mended
    later = now + outbox.timedelta(hours=1)
    assert outbox.send_batch([m.pk], now=later) == {m.pk: "sent"}


def test_a_day_past_the_table_names_the_day_and_the_command_that_adds_rates(w):
    with pytest.raises(Refusal) as info:
        SHIPPED.rate_on(date(2026, 1, 15))
    said = say(info.value)
    assert "2026-01-15" in said and "`arrears rates import FILE`" in said
