"""`arrears letter DEBTOR`: the message a case's step sends, in the debtor's language, with
the interest and compensation computed to the day, as text and as a PDF; only for people who
may read the case."""

from __future__ import annotations

import io
from datetime import date

import pytest
from django.contrib.auth import get_user_model
from django.core.management.base import CommandError
from pypdf import PdfReader

from arrears.apps.accounts.services import access_policy_set
from arrears.apps.cases.services import strategies_install_defaults
from tests import factories, terminal

pytestmark = pytest.mark.django_db
DAY = "2025-06-30"


def plain(text: str) -> str:
    """Babel writes amounts with no-break spaces (1 234,50 €): compare as plain spaces."""
    return text.replace("\xa0", " ").replace("\u202f", " ")


@pytest.fixture
def world():
    acme = factories.company("acme")  # jurisdiction DE: § 288 BGB
    cora = factories.collector("cora", acme)
    factories.collector("carl", acme)
    debtor = factories.debtor(acme, code="K1", name="Kunde GmbH", language="de", owner=cora)
    factories.item(debtor, due=date(2025, 5, 1), amount=100_000, number="INV-1")
    factories.item(debtor, due=date(2025, 5, 15), amount=150_000, number="INV-2")
    globex = factories.company("globex", jurisdiction="GB", currency="GBP")
    olga = factories.collector("olga", globex)
    other = factories.debtor(globex, code="G1", owner=olga)
    factories.item(other, due=date(2025, 5, 1), amount=50_000, number="G-INV")
    admin = get_user_model().objects.get(username="admin")
    for company in (acme, globex):
        strategies_install_defaults(company=company, actor=admin)
        terminal.run("run", f"--company={company.code}", f"--as-of={DAY}")
    return cora, olga


def test_a_firm_demand_shows_each_item_with_interest_and_compensation_in_german(world, tmp_path):
    cora, _ = world
    pdf = tmp_path / "k1.pdf"
    args = [
        "letter",
        "K1",
        "--step=firm_demand",
        f"--as-of={DAY}",
        f"--pdf={pdf}",
        "--company=acme",
    ]
    said = plain(terminal.run(*args, as_=cora))
    # § 288 BGB, 2.27 + 9 = 11.27%: INV-1 2 May - 30 Jun, 60 days x 1,000 = 18.53;
    # INV-2 16 May - 30 Jun, 46 days x 1,500 x 11.27% / 365 = 21.305 -> 21.30; EUR 40 each
    assert "Subject: Mahnung: 2.619,83 €" in said  # 2,500 + 39.83 + 80
    assert (
        "INV-1, fällig am 1. Mai 2025, 60 Tage überfällig: 1.000,00 €; Zinsen 18,53 €; Pauschale und Gebühren 40,00 €"
        in said
    )
    assert "INV-2, fällig am 15. Mai 2025, 46 Tage überfällig: 1.500,00 €; Zinsen 21,30 €" in said
    text = plain(" ".join(PdfReader(io.BytesIO(pdf.read_bytes())).pages[0].extract_text().split()))
    assert "Gesamtforderung 2.500,00 € 39,83 € 80,00 € 2.619,83 €" in text


def test_the_case_s_own_step_is_shown_by_default(world):
    cora, _ = world
    said = terminal.run(
        "letter", "K1", f"--as-of={DAY}", "--company=acme", "--language=en", as_=cora
    )
    assert said.startswith("Subject: ") and "INV-1" in said and "Kunde GmbH" in said


def test_another_company_s_collector_cannot_read_the_letter(world):
    _, olga = world
    with pytest.raises(CommandError):
        terminal.run("letter", "K1", f"--as-of={DAY}", "--company=acme", as_=olga)
    own = terminal.run("letter", "G1", "--step=reminder", f"--as-of={DAY}", as_=olga)
    assert "G-INV" in own and "£" in own  # GB: statutory interest and GBP 40 compensation


def test_a_colleague_cannot_preview_another_collectors_debtors_letter_unless_the_company_lets_them(
    world, tmp_path
):
    # as the statement: acme keeps collectors to their own debtors (the default)
    cora, _ = world
    acme = factories.company("acme")
    maria = factories.credit_manager("maria", acme)
    pdf = tmp_path / "k1.pdf"
    args = ["letter", "K1", f"--as-of={DAY}", "--company=acme", "--language=en"]
    with pytest.raises(CommandError, match="carl"):
        terminal.run(*args, f"--pdf={pdf}", as_="carl")
    assert not pdf.exists()
    assert "INV-1" in terminal.run(*args, as_=cora)
    assert "INV-1" in terminal.run(*args, as_=maria)
    access_policy_set(actor=factories.admin(), company_id=acme.pk, collectors_read_others=True)
    assert "INV-1" in terminal.run(*args, as_="carl")


def test_a_debtor_without_a_case_is_refused_by_name(world):
    cora, _ = world
    with pytest.raises(CommandError) as refused:
        terminal.run("letter", "NOPE", f"--as-of={DAY}", "--company=acme", as_=cora)
    assert "NOPE has no case" in str(refused.value)


def test_a_day_beyond_the_rate_table_claims_interest_in_words_and_the_compensation_and_says_why(
    world,
):
    cora, _ = world
    err = io.StringIO()
    said = plain(
        terminal.run(
            "letter",
            "K1",
            "--step=firm_demand",
            "--as-of=2026-06-30",
            "--company=acme",
            as_=cora,
            stderr=err,
        )
    )
    assert (
        "no rate is known for" in err.getvalue()
        and "de_base_rate.csv" in err.getvalue()
        and "rates" in err.getvalue()
    )
    assert "statutory interest claimed without a figure" in err.getvalue()
    # no silent zero: the interest is claimed in words, the § 288(5) EUR 40 still claimed
    assert "Gesetzliche Verzugszinsen" in said and "INV-1" in said
    assert "Pauschale und Gebühren: 80,00 €" in said  # EUR 40 for each of the two invoices


def test_a_newer_rate_table_in_the_data_folder_is_used_without_a_code_change(
    world, settings, tmp_path
):
    cora, _ = world
    settings.DATA_DIR = tmp_path
    (tmp_path / "rates").mkdir()
    (tmp_path / "rates" / "de_base_rate.csv").write_text(
        "# series: de_base_rate\n# source: Bundesbank\n# covers_until: 2026-12-31\n"
        "effective_from,rate_percent\n2025-01-01,2.27\n2026-01-01,1.00\n"
    )
    said = plain(
        terminal.run(
            "letter", "K1", "--step=firm_demand", "--as-of=2026-01-30", "--company=acme", as_=cora
        )
    )
    # INV-1 (1,000, due 1 May 2025), with the file's rates: 2 May - 31 Dec 2025, 244 days at
    # 2.27 + 9 = 11.27%: 75.339 -> 75.34; 1 - 30 Jan 2026, 30 days at 1.00 + 9 = 10.00%:
    # 8.219 -> 8.22; 83.56 in all
    assert "INV-1, fällig am 1. Mai 2025, 274 Tage überfällig: 1.000,00 €; Zinsen 83,56 €" in said


def test_the_letter_pdf_shows_the_sender_the_debtors_address_and_the_account_to_pay_to(
    world, tmp_path
):
    from arrears.apps.ledger.models import Company, Debtor

    cora, _ = world
    acme = Company.objects.get(code="acme")
    Debtor.objects.filter(code="K1").update(
        address_line1="Hauptstr. 1", postcode="10115", city="Berlin"
    )
    factories.sender(acme, reference_format="R-{debtor}")
    pdf = tmp_path / "k1.pdf"
    terminal.run("letter", "K1", f"--as-of={DAY}", f"--pdf={pdf}", "--company=acme", as_=cora)
    text = "".join(p.extract_text() for p in PdfReader(pdf).pages)
    for shown in (
        "Werkstr. 5",
        "Hauptstr. 1",
        "10115 Berlin",
        "IBAN DE89 3704 0044 0532 0130 00",
        "R-K1",
    ):
        assert shown in text, shown
