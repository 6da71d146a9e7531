"""Limitation (rule 12, issue #14): the run raises, exactly once, a task for legal 90 days
before a claim becomes time-barred; an acknowledgement recorded on the desk (audited; refused
for another company, a future day, the wrong person) moves the date by the jurisdiction's rule."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.management.base import CommandError

from arrears.apps.accounts.models import AuditEvent
from arrears.apps.cases.models import Action
from arrears.apps.communications.limitation import acknowledge, lead_days_set
from arrears.apps.communications.models import (
    Acknowledgement,
    LimitationSetting,
    LimitationTask,
)
from arrears.domain.refusal import NotAllowed, Refusal
from tests import factories, terminal
from tests.apps.communications import fee_support as fs

pytestmark = pytest.mark.django_db

OLD_DUE = date(2021, 6, 1)  # Germany: barred after 31 December 2024 (§§ 195, 199 BGB)


@pytest.fixture
def w():
    w = fs.world()
    w["old"] = factories.item(w["k1"], due=OLD_DUE, amount=300_00, number="OLD-1")
    return w


def tasks(company):
    return list(
        Action.objects.filter(case__company=company, step_code="limitation").values_list(
            "role", "due_on", "status"
        )
    )


def test_legal_gets_one_task_ninety_days_before_the_claim_becomes_time_barred(w):
    factories.run_as_admin(company=w["acme"], as_of=date(2024, 10, 1))  # 91 days before
    assert tasks(w["acme"]) == []
    factories.run_as_admin(company=w["acme"], as_of=date(2024, 10, 2))  # 31 Dec - 90 days
    assert tasks(w["acme"]) == [("legal", date(2024, 10, 2), "open")]
    assert list(LimitationTask.objects.values_list("item__number", "expires_on")) == [
        ("OLD-1", date(2024, 12, 31))
    ]
    factories.run_as_admin(company=w["acme"], as_of=date(2024, 10, 2))  # the same day again
    factories.run_as_admin(company=w["acme"], as_of=date(2024, 11, 15))  # later days
    assert len(tasks(w["acme"])) == 1
    assert tasks(w["globex"]) == []


def test_an_acknowledgement_moves_the_expiry_and_a_task_comes_again_near_the_new_date(w):
    # §212(1) BGB: an acknowledgement on 10 March 2024 starts three full years again: the claim
    # now lasts until 10 March 2027; no task in October 2024, one on 10 December 2026
    terminal.run(
        "acknowledge", "OLD-1", "--on", "2024-03-10", "--kind", "written",
        "--note", "signed balance confirmation", as_="cora",
    )  # fmt: skip
    factories.run_as_admin(company=w["acme"], as_of=date(2024, 10, 2))
    assert tasks(w["acme"]) == []
    factories.run_as_admin(company=w["acme"], as_of=date(2026, 12, 9))
    assert tasks(w["acme"]) == []
    factories.run_as_admin(company=w["acme"], as_of=date(2026, 12, 10))
    assert list(LimitationTask.objects.values_list("item__number", "expires_on")) == [
        ("OLD-1", date(2027, 3, 10))
    ]
    entry = AuditEvent.objects.get(action="limitation.acknowledged")
    assert entry.detail["item"] == "OLD-1" and entry.detail["kind"] == "written"


def test_an_acknowledgement_is_refused_for_another_company_a_future_day_or_the_wrong_person(w):
    factories.item(w["g1"], due=OLD_DUE, amount=10_00, number="G-OLD")
    with pytest.raises(Refusal) as e:
        acknowledge(
            actor=w["cora"], company=w["acme"], item_number="G-OLD", on=OLD_DUE, kind="written"
        )
    assert e.value.code == "acknowledge.unknown_item"
    with pytest.raises(Refusal) as e:
        acknowledge(
            actor=w["cora"], company=w["acme"], item_number="OLD-1", on=date(2100, 1, 1),
            kind="written",
        )  # fmt: skip
    assert e.value.code == "acknowledge.future"
    with pytest.raises(NotAllowed):
        acknowledge(
            actor=w["carl"], company=w["acme"], item_number="OLD-1", on=OLD_DUE, kind="written"
        )
    with pytest.raises(NotAllowed):
        acknowledge(
            actor=w["olga"], company=w["acme"], item_number="OLD-1", on=OLD_DUE, kind="written"
        )
    with pytest.raises(CommandError, match="after today"):
        terminal.run("acknowledge", "OLD-1", "--on", "2100-01-01", "--kind", "written", as_="cora")
    assert Acknowledgement.objects.count() == 0


def test_the_same_acknowledgement_recorded_twice_is_kept_and_audited_once(w):
    for _ in range(2):  # a form sent twice, a command run again
        row = acknowledge(
            actor=w["cora"], company=w["acme"], item_number="OLD-1", on=date(2024, 3, 10),
            kind="written", note="signed balance confirmation",
        )  # fmt: skip
    assert Acknowledgement.objects.get().pk == row.pk
    assert AuditEvent.objects.filter(action="limitation.acknowledged").count() == 1
    acknowledge(
        actor=w["cora"], company=w["acme"], item_number="OLD-1", on=date(2024, 3, 10),
        kind="part_payment",
    )  # fmt: skip
    assert Acknowledgement.objects.count() == 2  # another kind of event on that day counts


def test_explain_shows_the_limitation_date_and_what_restarted_it(w):
    factories.run_as_admin(company=w["acme"], as_of=date(2024, 1, 5))
    before = terminal.run("explain", "K1", as_="cora")
    assert "OLD-1: time-barred after 2024-12-31 (DE)" in before
    terminal.run("acknowledge", "OLD-1", "--on", "2024-03-10", "--kind", "written", as_="cora")
    after = terminal.run("explain", "K1", as_="cora")
    assert "OLD-1: time-barred after 2027-03-10 (DE) (restarted by an acknowledgement" in after


def test_a_dutch_claim_is_interrupted_by_the_demand_the_outbox_sent():
    from arrears.apps.cases.models import Case
    from arrears.apps.communications.costs import case_costs
    from arrears.apps.communications.models import OutboxMessage
    from tests.apps.communications import support

    w = support.world()
    w["acme"].jurisdiction = "NL"
    w["acme"].save()
    factories.run_as_admin(company=w["acme"], as_of=support.DAY1)
    case = Case.objects.get(company=w["acme"])
    costs = case_costs(case=case, company=w["acme"], as_of=support.DAY1)
    # BW 3:307: five years from the due date (1 June 2025): until 1 June 2030
    assert costs.lines[0].limitation.expires_on == date(2030, 6, 1)
    from arrears.apps.communications import outbox

    outbox.send_batch(
        list(OutboxMessage.objects.filter(company=w["acme"]).values_list("pk", flat=True))
    )  # the email went out
    costs = case_costs(case=case, company=w["acme"], as_of=support.DAY1)
    # BW 3:317: the written demand of 5 June 2025 interrupts: five years from it
    lim = costs.lines[0].limitation
    assert (lim.expires_on, lim.restarted_by) == (date(2030, 6, 5), "written_demand")
    # the run's frames say the same
    import polars as pl

    from arrears.apps.cases.selectors import run_items_stored
    from arrears.apps.communications.costs import limitation_events
    from arrears.domain.limitation import expiries

    items = run_items_stored(company=w["acme"]).select(
        "item_id", due_on="due_date", rule=pl.lit("NL"), consumer=pl.lit(False)
    )
    found = expiries(items, limitation_events(w["acme"], support.DAY1))
    assert found["expires_on"].to_list() == [date(2030, 6, 5)]
    w["acme"].jurisdiction = "DE"  # in Germany a demand letter restarts nothing
    w["acme"].save()
    costs = case_costs(case=case, company=w["acme"], as_of=support.DAY1)
    assert costs.lines[0].limitation.expires_on == date(2028, 12, 31)


def test_a_credit_manager_sets_the_lead_days_and_legal_is_asked_that_long_before(w):
    # 31 December 2024 - 120 days = 2 September 2024 (Sep 28 + Oct 31 + Nov 30 + Dec 31 = 120)
    said = terminal.run("limitation", "show", as_="cora")
    assert "legal is asked 90 days before" in said and "the default" in said
    said = terminal.run("limitation", "set", "120", as_="maria")
    assert "legal is asked 120 days before" in said and "the company's setting" in said
    factories.run_as_admin(company=w["acme"], as_of=date(2024, 9, 1))
    assert tasks(w["acme"]) == []
    factories.run_as_admin(company=w["acme"], as_of=date(2024, 9, 2))
    assert tasks(w["acme"]) == [("legal", date(2024, 9, 2), "open")]
    entry = AuditEvent.objects.get(action="limitation.lead_days_set")
    assert entry.actor.username == "maria"
    assert entry.detail == {"lead_days": 120, "before": 90, "before_own": False}
    terminal.run("limitation", "set", "120", as_="maria")  # the same again: nothing new
    assert AuditEvent.objects.filter(action="limitation.lead_days_set").count() == 1
    # the other company keeps the default
    assert "90 days" in terminal.run("limitation", "show", "--company=globex", as_="admin")
    explained = terminal.run("explain", "K1", as_="cora")
    assert "limitation (legal is asked 120 days before):" in explained


def test_the_installations_default_applies_to_a_company_without_its_own(w, settings):
    settings.ARREARS_LIMITATION_LEAD_DAYS = 30
    factories.run_as_admin(company=w["acme"], as_of=date(2024, 11, 30))
    assert tasks(w["acme"]) == []
    factories.run_as_admin(company=w["acme"], as_of=date(2024, 12, 1))  # 31 Dec - 30 days
    assert tasks(w["acme"]) == [("legal", date(2024, 12, 1), "open")]


@pytest.mark.parametrize("days", ["0", "-5", "1096"])
def test_lead_days_out_of_range_are_refused_and_nothing_is_written(w, days):
    with pytest.raises(CommandError, match="legal is asked between 1 and 1095 days"):
        terminal.run("limitation", "set", days, as_="maria")
    assert not LimitationSetting.objects.exists()
    assert not AuditEvent.objects.filter(action="limitation.lead_days_set").exists()


@pytest.mark.parametrize("who", ["cora", "olga", "admin"])
def test_only_a_credit_manager_of_the_company_sets_the_lead_days(w, who):
    with pytest.raises(NotAllowed):
        lead_days_set(actor=w[who], company=w["acme"], days=120)
    with pytest.raises(NotAllowed):
        lead_days_set(actor=w["gina"], company=w["acme"], days=120)  # globex's credit manager
    with pytest.raises(CommandError):
        terminal.run("limitation", "set", "120", as_=who)
    assert not LimitationSetting.objects.exists()
    assert not AuditEvent.objects.filter(action="limitation.lead_days_set").exists()


def test_the_claim_pack_lists_each_items_last_day_and_when_legal_was_to_be_asked(w, tmp_path):
    import io
    import zipfile

    from pypdf import PdfReader

    terminal.run("limitation", "set", "120", as_="maria")
    factories.run_as_admin(company=w["acme"], as_of=date(2024, 9, 2))
    out = tmp_path / "k1.zip"
    terminal.run("claim-pack", "K1", "--as-of", "2024-09-02", "--out", out, as_="maria")
    with zipfile.ZipFile(out) as z:
        pdf = z.read("claim.pdf")
    text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages)
    text = " ".join(text.split())
    assert "Limitation (DE): legal is asked 120 days before each claim's last day" in text
    assert "OLD-1 31/12/2024 02/09/2024 -" in text  # last day, legal asked from, no restart
