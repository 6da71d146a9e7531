"""Letters and emails in words (rules 9-10): every shipped template, in every shipped language,
renders a letter's figures, passes the tone check, and becomes a PDF whose text (extracted
from the PDF) shows the items, the interest and fees, the total and the date to pay by."""

from __future__ import annotations

import io
import re
from datetime import date

import pytest
from pypdf import PdfReader

from arrears.apps.communications.pdf import Address, letter_pdf
from arrears.apps.communications.presentation import LABELS, LANGUAGES, date_words, money_words
from arrears.apps.communications.rendering import render, shipped_steps
from arrears.domain.interest import shipped_regimes
from arrears.domain.letters import OpenLine, letter
from arrears.domain.money import Money
from arrears.domain.refusal import Refusal

AS_OF = date(2025, 6, 30)
STEPS = {"courtesy": 1, "reminder": 2, "firm_demand": 4, "final_notice": 5}


def eur(text: str) -> Money:
    return Money.of(text, "EUR")


def the_letter(step: str, as_of: date = AS_OF):
    lines = [
        OpenLine("INV-1001", date(2025, 4, 1), date(2025, 5, 1), eur("1000.00"), eur("1000.00")),
        OpenLine(
            "INV-1002",
            date(2025, 4, 15),
            date(2025, 5, 15),
            eur("2500.00"),
            eur("1500.00"),
            payments=((date(2025, 6, 1), eur("1000.00")),),
            fees=eur("15.00"),
        ),
    ]
    return letter(
        step_code=step,
        step_number=STEPS[step],
        lines=lines,
        as_of=as_of,
        regime=shipped_regimes()["de_bgb"],
        next_step="Final notice",
        lead_days=20 if step == "courtesy" else 0,  # a courtesy reminder goes before the due date
    )


def test_the_letter_shows_interest_and_compensation_computed_to_the_day():
    got = the_letter("reminder")
    # § 288 BGB, base rate 2.27 to 30 June 2025 -> 11.27%:
    # INV-1001: 2 May - 30 Jun, 60 days x 1,000 x 11.27% / 365 = 18.526 -> 18.53
    # INV-1002: 16 May - 1 Jun, 17 days x 2,500 x 11.27% / 365 = 13.123 -> 13.12;
    #           2 Jun - 30 Jun, 29 days x 1,500 x 11.27% / 365 = 13.431 -> 13.43
    assert [line.interest for line in got.lines] == [eur("18.53"), eur("26.55")]
    # fees: EUR 40 compensation per invoice, and the 15.00 step fee already charged
    assert [line.fees for line in got.lines] == [eur("40.00"), eur("55.00")]
    assert got.total_due == eur("2500.00") + eur("45.08") + eur("95.00")
    assert got.pay_by == date(2025, 7, 9)  # seven business days after Monday 30 June


def test_a_letter_demands_only_the_items_overdue_on_its_day():
    lines = [
        OpenLine("INV-1", date(2025, 10, 1), date(2025, 11, 1), eur("1000.00"), eur("1000.00")),
        OpenLine("INV-2", date(2025, 11, 13), date(2025, 12, 13), eur("700.00"), eur("700.00")),
        OpenLine("INV-3", date(2025, 11, 17), date(2025, 12, 17), eur("300.00"), eur("300.00")),
    ]
    got = letter(
        step_code="final_notice",
        step_number=5,
        lines=lines,
        as_of=date(2025, 12, 5),
        regime=shipped_regimes()["de_bgb"],
        next_step=None,
    )
    # INV-2 and INV-3 fall due after the day: neither listed, nor counted, nor demanded
    assert [line.number for line in got.lines] == ["INV-1"]
    assert got.total_open == eur("1000.00")
    # § 288(2) BGB: base rate 1.27 (from 1 July 2025) + 9 = 10.27 %; 2 Nov - 5 Dec, 34 days:
    # 1,000 x 10.27 % x 34 / 365 = 9.566 -> 9.57; EUR 40 compensation
    assert got.total_due == eur("1000.00") + eur("9.57") + eur("40.00")


def test_a_letter_leaves_out_the_part_the_run_holds_back():
    disputed = OpenLine(
        "INV-1", date(2025, 4, 1), date(2025, 5, 1), eur("1000.00"), eur("1000.00"),
        held_back=eur("1000.00"),
    )  # fmt: skip
    part = OpenLine(
        "INV-2", date(2025, 4, 1), date(2025, 5, 1), eur("800.00"), eur("800.00"),
        held_back=eur("300.00"),
    )  # fmt: skip
    got = letter(step_code="reminder", step_number=2, lines=[disputed, part], as_of=AS_OF,
                 regime=None, next_step=None)  # fmt: skip
    assert [(line.number, line.open) for line in got.lines] == [("INV-2", eur("500.00"))]


def test_the_courtesy_reminder_shows_no_cost_yet():
    got = the_letter("courtesy", as_of=date(2025, 4, 28))
    assert got.total_interest == eur("0") and got.total_fees == eur("0")


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("step", sorted(STEPS))
def test_every_shipped_template_renders_the_figures_firmly(language, step):
    assert step in shipped_steps(language)
    figures = the_letter(step, as_of=date(2025, 4, 28) if step == "courtesy" else AS_OF)
    message = render(figures, language, debtor="Kunde GmbH", company="Acme GmbH", reference="D0042")
    text = message.subject + "\n" + message.body
    assert "D0042" in message.subject and "Kunde GmbH" in message.body
    assert "INV-1001" in text and "INV-1002" in text
    assert money_words(figures.total_due, language) in text
    if step != "courtesy":
        assert date_words(figures.pay_by, language) in text
        assert money_words(figures.total_interest, language) in text
    assert "{{" not in text and "{%" not in text


def test_a_credit_manager_s_template_that_hedges_is_refused():
    own = "subject: Invoice {{ reference }}\nDear {{ debtor }}, please pay whenever you can.\n"
    with pytest.raises(Refusal) as refused:
        render(the_letter("reminder"), "en", debtor="X", company="Y", reference="R", text=own)
    assert refused.value.code == "communications.hedging"
    assert refused.value.figures["found"] == "whenever you can"


def test_a_language_we_do_not_write_is_refused():
    with pytest.raises(Refusal) as refused:
        render(the_letter("reminder"), "it", debtor="X", company="Y", reference="R")
    assert refused.value.code == "communications.unknown_language"


def pdf_text(data: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("step", sorted(STEPS))
def test_every_shipped_letter_becomes_a_pdf_showing_its_items_costs_and_total(language, step):
    figures = the_letter(step, as_of=date(2025, 4, 28) if step == "courtesy" else AS_OF)
    message = render(
        figures,
        language,
        debtor="Kunde GmbH",
        company="Acme GmbH",
        reference="D0042",
        as_table=True,
    )
    data = letter_pdf(
        letter=figures,
        message=message,
        sender=Address("Acme GmbH", ("Hauptstraße 1", "10115 Berlin")),
        recipient=Address("Kunde GmbH", ("Marktplatz 5", "80331 München")),
        reference="D0042",
        payment_details=("IBAN DE02 1203 0000 0000 2020 51", "BIC BYLADEM1001"),
    )
    assert data.startswith(b"%PDF")
    text = " ".join(pdf_text(data).split())
    cost = (
        (money_words(figures.total_interest, language), money_words(figures.total_fees, language))
        if step != "courtesy"  # before the due date: no cost yet
        else ()
    )
    for shown in (
        "INV-1001",
        "INV-1002",
        "D0042",
        money_words(figures.total_due, language),
        *cost,
        date_words(figures.pay_by, language),
        "IBAN DE02 1203 0000 0000 2020 51",
    ):
        assert " ".join(shown.split()) in text, shown
    assert " ".join(message.subject.split()) in text  # the step's own words, not only figures
    assert "- INV-1001" not in text  # a table, not the email's list
    labels = LABELS[language]
    assert labels["total_due"] in text
    if cost:
        assert labels["interest"] in text and labels["fees"] in text


def test_a_letter_claims_interest_only_on_what_a_credit_note_left_open():
    reduced = OpenLine("INV-9", date(2024, 2, 15), date(2024, 3, 15), eur("10000.00"),
                       eur("100.00"))  # fmt: skip
    got = letter(step_code="reminder", step_number=2, lines=[reduced], as_of=date(2024, 9, 30),
                 regime=shipped_regimes()["de_bgb"], next_step=None,
                 reductions_known_on=date(2024, 7, 1))  # fmt: skip
    # as in tests/domain/test_interest.py: 369.96 + 3.39 on 10,000, then 3.08 on 100
    assert got.lines[0].interest == eur("376.43")
    assert got.lines[0].open == eur("100.00")


def test_a_letter_past_the_rate_table_still_claims_the_compensation_and_the_interest_in_words():
    # the German base rate table ends on 31 December 2025: no figure for 2026, never a zero
    late = [OpenLine("INV-7", date(2026, 9, 1), date(2026, 10, 1), eur("900.00"), eur("900.00"))]
    got = letter(step_code="reminder", step_number=2, lines=late, as_of=date(2026, 12, 5),
                 regime=shipped_regimes()["de_bgb"], next_step=None)  # fmt: skip
    assert not got.interest_known and got.interest_missing == "de_base_rate"
    assert got.total_fees == eur("40.00")  # § 288(5) needs no rate
    assert got.total_due == eur("940.00")
    for language, said in [("en", "Statutory interest"), ("de", "Verzugszinsen"),
                           ("fr", "intérêts de retard légaux"), ("zh", "法定逾期利息")]:  # fmt: skip
        message = render(got, language, debtor="K", company="A", reference="R")
        assert said in message.body and money_words(eur("40.00"), language) in message.body
        assert not re.search(r"(?<![\d.,])0[.,]00", message.body)  # no zero interest shown


def test_a_german_letter_to_a_business_cites_the_business_paragraph_of_288_bgb():
    got = the_letter("reminder")
    assert got.regime_source == "§ 288 (2), (5) BGB; § 247 BGB"
    consumer = letter(step_code="reminder", step_number=2, lines=[], as_of=AS_OF,
                      regime=shipped_regimes()["de_bgb"], next_step=None, consumer=True)  # fmt: skip
    assert consumer.regime_source == "§ 288 (1) BGB; § 247 BGB"


def test_a_step_that_writes_no_letter_is_refused_as_such_not_as_a_missing_language():
    with pytest.raises(Refusal) as refused:
        render(the_letter("reminder").__class__(**{**the_letter("reminder").__dict__,
                                                   "step_code": "legal"}),
               "de", debtor="X", company="Y", reference="R")  # fmt: skip
    assert refused.value.code == "communications.step_not_written"
    assert refused.value.figures["step"] == "legal"


@pytest.mark.parametrize(
    "language, said",
    [("en", "compensation"), ("de", "Pauschale"), ("fr", "indemnité"), ("zh", "补偿金")],
)
def test_the_statutory_compensation_is_labelled_as_compensation_not_as_fees(language, said):
    message = render(the_letter("final_notice"), language, debtor="K", company="A",
                     reference="R")  # fmt: skip
    assert said in message.body
    assert said.lower() in LABELS[language]["fees"].lower()


def test_where_no_interest_regime_is_known_a_letter_still_claims_the_fees_charged():
    # a company whose jurisdiction has no regime (say, Switzerland): no interest is claimed,
    # but the EUR 25.00 fee its ladder charged at this step is, in the total and in words
    charged = [OpenLine("INV-5", date(2025, 4, 1), date(2025, 5, 1), eur("1000.00"),
                        eur("1000.00"), fees=eur("25.00"))]  # fmt: skip
    got = letter(step_code="firm_demand", step_number=4, lines=charged, as_of=AS_OF,
                 regime=None, next_step=None)  # fmt: skip
    assert got.fees_only and not got.interest_unknown and not got.shows_cost
    assert got.total_fees == eur("25.00") and got.total_due == eur("1025.00")
    for language, said in [("en", "Fees charged so far"), ("de", "Bisher berechnete Gebühren"),
                           ("fr", "Frais facturés à ce jour"), ("zh", "迄今已收取的费用")]:  # fmt: skip
        body = render(got, language, debtor="K", company="A", reference="R").body
        assert said in body and money_words(eur("25.00"), language) in body
        assert "Statutory interest" not in body
    nothing = letter(step_code="firm_demand", step_number=4, lines=[charged[0].__class__(
        "INV-6", date(2025, 4, 1), date(2025, 5, 1), eur("10.00"), eur("10.00"))], as_of=AS_OF,
        regime=None, next_step=None)  # fmt: skip
    assert not nothing.claims_cost and nothing.total_due == eur("10.00")  # no fee: no cost line
