"""The contractual interest regime reachable (issue #14): a credit manager chooses the
contracts' own rates (`arrears interest set`), a debtor's rate comes from the debtors file, the
company's default applies where it gives none, and without either the letter says clearly what
is missing; China charges a stated contract rate, else the one-year LPR times the company's
markup. Letters state the rate and the day interest is calculated to. Only a credit manager
of the company sets the terms (audited); bad values are refused and write nothing."""

from __future__ import annotations

import io
import zipfile
from datetime import date

import pytest
from django.contrib.auth import get_user_model
from django.core.management.base import CommandError
from pypdf import PdfReader

from arrears.apps.accounts.models import AuditEvent
from arrears.apps.cases.services import strategies_install_defaults
from arrears.apps.communications.interest_terms import interest_terms_set
from arrears.apps.communications.models import InterestSetting
from arrears.domain.refusal import NotAllowed
from tests import factories, terminal

pytestmark = pytest.mark.django_db
DAY = "2025-06-30"


def plain(text: str) -> str:
    return text.replace("\xa0", " ").replace("\u202f", " ")


@pytest.fixture
def w():
    acme = factories.company("acme")  # DE
    cora = factories.collector("cora", acme)
    factories.collector("carl", acme)
    maria = factories.credit_manager("maria", acme)
    k1 = factories.debtor(
        acme,
        code="K1",
        name="Monthly Ltd",
        owner=cora,
        contract_rate="1",
        contract_rate_per="month",
    )
    k2 = factories.debtor(acme, code="K2", name="Plain Ltd", owner=cora)
    for d in (k1, k2):
        factories.item(d, due=date(2025, 5, 1), amount=100_000, number=f"{d.code}-INV")
    dragon = factories.company("dragon", currency="CNY", jurisdiction="CN")
    mei = factories.credit_manager("mei", dragon)
    lin = factories.collector("lin", dragon)
    c1 = factories.debtor(dragon, code="C1", owner=lin, contract_rate="6", contract_rate_per="year")
    c2 = factories.debtor(dragon, code="C2", owner=lin)
    for d in (c1, c2):
        factories.item(d, due=date(2025, 6, 1), amount=1_000_000, number=f"{d.code}-INV")
    globex = factories.company("globex", currency="GBP", jurisdiction="GB")
    gina = factories.credit_manager("gina", globex)
    admin = factories.admin()
    for company in (acme, dragon, globex):
        strategies_install_defaults(company=company, actor=admin)
    return {"acme": acme, "dragon": dragon, "cora": cora, "maria": maria, "mei": mei,
            "lin": lin, "gina": gina}  # fmt: skip


def letter(code: str, company: str, as_: str, stderr: io.StringIO | None = None) -> str:
    terminal.run("run", f"--company={company}", f"--as-of={DAY}")
    args = ["letter", code, "--step=reminder", f"--as-of={DAY}", f"--company={company}"]
    return plain(terminal.run(*args, as_=as_, stderr=stderr or io.StringIO()))


def test_a_debtor_with_a_monthly_contract_rate_is_charged_twelve_times_it_a_year(w):
    said = terminal.run("interest", "set", "--regime", "contract", as_="maria")
    assert "Contractual late interest" in said
    got = letter("K1", "acme", "cora")
    # 1% a month = 12% a year; EUR 1,000.00 due 1 May 2025, 2 May - 30 June = 60 days:
    # 1,000 x 12 / 100 x 60 / 365 = 19.726... -> 19.73
    assert "interest EUR 19.73" in got.replace("€", "EUR ") or "€19.73" in got
    assert "Interest to 30 June 2025 at the contractual 1% a month." in got
    entry = AuditEvent.objects.get(action="interest.terms_set")
    assert entry.actor.username == "maria" and entry.detail["regime"] == "contract"


def test_the_companys_default_rate_applies_to_a_debtor_without_one(w):
    terminal.run("interest", "set", "--regime", "contract", as_="maria")
    said = terminal.run("interest", "set", "--contract-rate", "9", as_="maria")
    assert "default contractual rate: the contractual 9% a year" in said
    got = letter("K2", "acme", "cora")
    # 9% a year; EUR 1,000.00, 60 days: 1,000 x 9 / 100 x 60 / 365 = 14.794... -> 14.79
    assert "€14.79" in got
    assert "Interest to 30 June 2025 at the contractual 9% a year." in got


def test_the_contract_regime_without_any_rate_says_clearly_what_is_missing(w):
    terminal.run("interest", "set", "--regime", "contract", as_="maria")
    err = io.StringIO()
    got = letter("K2", "acme", "cora", stderr=err)
    assert "the contract's own interest rate is missing" in err.getvalue()
    assert "contract_rate" in err.getvalue() and "arrears interest set" in err.getvalue()
    assert "Interest to" not in got  # no figure, never a silent zero


def test_a_chinese_debtor_with_a_contract_rate_is_charged_at_it(w):
    got = letter("C1", "dragon", "lin")
    # 6% a year; CNY 10,000.00 due 1 June 2025, 2 - 30 June = 29 days:
    # 10,000 x 6 / 100 x 29 / 365 = 47.671... -> 47.67
    assert "47.67" in got and "at the contractual 6% a year." in got


def test_a_chinese_debtor_without_one_is_charged_the_lpr_times_the_companys_markup(w):
    said = terminal.run("interest", "set", "--markup", "1.3", as_="mei")
    assert "x1.3 (the company's; 1.3 to 1.5)" in said
    got = letter("C2", "dragon", "lin")
    # LPR 3.00% x 1.3 = 3.90%; CNY 10,000.00, 29 days: 10,000 x 3.9 / 100 x 29 / 365
    # = 30.986... -> 30.99
    assert "30.99" in got
    assert "Interest to 30 June 2025 at 3.90% a year: one-year LPR 3.00% × 1.3." in got


@pytest.mark.parametrize("who", ["cora", "gina", "admin"])
def test_only_a_credit_manager_of_the_company_sets_the_interest_terms(w, who):
    person = get_user_model().objects.get(username=who)
    with pytest.raises(NotAllowed):
        interest_terms_set(actor=person, company=w["acme"], rate="1", per="month")
    with pytest.raises(CommandError):
        terminal.run("interest", "set", "--contract-rate", "1", "--company=acme", as_=who)
    assert not InterestSetting.objects.exists()
    assert not AuditEvent.objects.filter(action="interest.terms_set").exists()


@pytest.mark.parametrize(
    ("args", "said"),
    [
        (["--contract-rate", "-1"], "'-1' is not a contractual rate"),
        (["--contract-rate", "ten"], "'ten' is not a contractual rate"),
        (["--contract-rate", "101", "--per", "month"], "from 0 to 100 of its period"),
        (["--contract-rate", "1", "--per", "week"], "'week' is not the period"),
        (["--regime", "usury"], "'usury' is not a regime a company chooses"),
        (["--markup", "1.3"], "has no markup a company sets"),  # Germany: the law's 9 points
    ],
)
def test_bad_interest_terms_are_refused_and_nothing_is_written(w, args, said):
    with pytest.raises(CommandError, match=said):
        terminal.run("interest", "set", *args, as_="maria")
    assert not InterestSetting.objects.exists()
    assert not AuditEvent.objects.filter(action="interest.terms_set").exists()


def test_a_markup_outside_the_courts_bounds_is_refused(w):
    with pytest.raises(CommandError, match="a multiplier from 1.3 to 1.5"):
        terminal.run("interest", "set", "--markup", "2", as_="mei")
    assert not InterestSetting.objects.exists()


def test_the_same_terms_again_change_nothing(w):
    terminal.run("interest", "set", "--contract-rate", "1.50", "--per", "month", as_="maria")
    terminal.run("interest", "set", "--contract-rate", "1.5", "--per", "month", as_="maria")
    assert AuditEvent.objects.filter(action="interest.terms_set").count() == 1
    shown = terminal.run("interest", "show", as_="cora")  # anyone of the company reads them
    assert "default contractual rate: the contractual 1.5% a month" in shown


def test_the_claim_pack_states_the_contractual_rate_and_the_day_interest_is_calculated_to(
    w, tmp_path
):
    terminal.run("interest", "set", "--regime", "contract", as_="maria")
    terminal.run("run", "--company=acme", f"--as-of={DAY}")
    out = tmp_path / "k1.zip"
    terminal.run("claim-pack", "K1", f"--as-of={DAY}", "--out", out, as_="maria")
    with zipfile.ZipFile(out) as z:
        pdf = PdfReader(io.BytesIO(z.read("claim.pdf")))
    claim = " ".join(" ".join(p.extract_text().split()) for p in pdf.pages)
    # 1% a month = 12% a year; EUR 1,000.00, 2 May - 30 June, 60 days: 19.73
    assert "Interest to 30 June 2025 at the contractual 1% a month." in claim
    assert "02/05/2025 30/06/2025 60 €1,000.00 12 €19.73" in claim
