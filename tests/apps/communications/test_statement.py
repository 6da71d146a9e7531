"""A debtor's statement of account (issue #14): every open item with its dates, days overdue,
amount, what was paid, what is open, the interest to the day, the statutory compensation and
fees, the payments received, totals per currency, the sender and where to pay; as a PDF (text
checked by extraction) and an XLSX workbook (exact numbers), to the debtor's company only."""

from __future__ import annotations

import io
from datetime import date
from decimal import Decimal

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader

from arrears.apps.communications.pdf import statement_pdf
from arrears.apps.communications.statements import (
    debtor_statement,
    statement_figures,
    statement_from_figures,
)
from arrears.apps.ledger.models import Allocation, Payment
from tests import factories, terminal
from tests.apps.communications.support import world

pytestmark = pytest.mark.django_db

AS_OF = date(2025, 7, 31)


def ledger(w: dict) -> None:
    """K1 owes (besides INV-1, EUR 1,000.00 due 1 June 2025): INV-2, EUR 500.00 due 1 July,
    200.00 of it paid on 11 July; US-1, USD 250.00 due 20 July; a credit note of EUR 100.00;
    and 50.00 received that nobody applied yet."""
    k1, acme = w["k1"], w["acme"]
    inv2 = factories.item(k1, due=date(2025, 7, 1), amount=50_000, open_=30_000, number="INV-2")
    factories.item(k1, due=date(2025, 7, 20), amount=25_000, number="US-1", currency="USD")
    factories.item(k1, due=date(2025, 6, 15), amount=-10_000, number="CN-1", kind="credit_note")
    pay = Payment.objects.create(
        company=acme, debtor=k1, reference="BANK-0711", received_on=date(2025, 7, 11),
        currency="EUR", amount_minor=20_000,
    )  # fmt: skip
    Allocation.objects.create(payment=pay, item=inv2, amount_minor=20_000)
    Payment.objects.create(
        company=acme, debtor=k1, reference="BANK-0725", received_on=date(2025, 7, 25),
        currency="EUR", amount_minor=5_000, unapplied_minor=5_000,
    )  # fmt: skip


def words(data: bytes) -> str:
    return " ".join(" ".join(p.extract_text().split()) for p in PdfReader(io.BytesIO(data)).pages)


def test_the_statement_shows_each_item_with_interest_to_the_day_and_totals_per_currency():
    w = world()
    ledger(w)
    s = debtor_statement(actor=w["cora"], company=w["acme"], debtor_code="K1", as_of=AS_OF)
    st = s.statement
    by = {i.number: i for i in st.items}
    # §288 BGB: base rate 2.27 % to 30 June 2025, 1.27 % from 1 July; + 9 points; 365 days.
    # INV-1: 1,000.00 x 11.27 % x 29/365 (2-30 June) = 8.9543 -> 8.95,
    #        1,000.00 x 10.27 % x 31/365 (1-31 July) = 8.7225 -> 8.72; 17.67 in all.
    assert by["INV-1"].interest.amount == Decimal("17.67")
    assert by["INV-1"].days_overdue == 60
    # INV-2: 500.00 x 10.27 % x 10/365 (2-11 July, the payment day bears interest) = 1.4068
    #        -> 1.41; 300.00 x 10.27 % x 20/365 (12-31 July) = 1.6882 -> 1.69; 3.10 in all.
    assert by["INV-2"].interest.amount == Decimal("3.10")
    assert by["INV-2"].paid.amount == Decimal("200.00")
    assert [(p.first, p.principal.amount) for p in by["INV-2"].periods] == [
        (date(2025, 7, 2), Decimal("500.00")),
        (date(2025, 7, 12), Decimal("300.00")),
    ]
    # EUR 40 fixed compensation per invoice (§288(5)); none on a USD debt; none on a credit
    assert [by[n].compensation.amount for n in ("INV-1", "INV-2", "US-1", "CN-1")] == [
        Decimal("40.00"), Decimal("40.00"), Decimal("0.00"), Decimal("0.00"),
    ]  # fmt: skip
    # US-1: 250.00 x 10.27 % x 11/365 (21-31 July) = 0.7738 -> 0.77
    assert by["US-1"].interest.amount == Decimal("0.77")
    assert by["CN-1"].interest.amount == 0
    eur, usd = st.totals
    assert (eur.currency, usd.currency) == ("EUR", "USD")
    # open 1,000 + 300 - 100 = 1,200.00; interest 20.77; compensation 80; less 50 unapplied
    assert eur.open.amount == Decimal("1200.00")
    assert eur.due.amount == Decimal("1200.00") + Decimal("20.77") + Decimal("80.00") - 50
    assert usd.due.amount == Decimal("250.77")
    assert [p.reference for p in st.payments] == ["BANK-0711", "BANK-0725"]
    assert st.payments[0].applied_to == ("INV-2",)


def test_the_statement_pdf_says_every_figure_with_sender_and_payment_details(tmp_path):
    w = world()
    ledger(w)
    path = tmp_path / "k1.pdf"
    out = terminal.run("statement", "K1", "--as-of", "2025-07-31", "--pdf", path, as_="cora")
    assert "statement of K1 as of 2025-07-31: 4 open items, 2 currencies" in out
    text = words(path.read_bytes())
    for expected in (
        "Statement of account K1",
        "Kunde GmbH",  # to
        "Hauptstr. 1",
        "Acme GmbH · Werkstr. 5 · 80331 München",  # from
        "31 July 2025",
        "INV-1 02/05/2025 01/06/2025 60 €1,000.00 €0.00 €1,000.00 €17.67 €40.00 €0.00 €1,057.67",
        "INV-2 01/06/2025 01/07/2025 30 €500.00 €200.00 €300.00 €3.10 €40.00 €0.00 €343.10",
        "CN-1",
        "US-1 20/06/2025 20/07/2025 11 US$250.00",
        "Unapplied payments -€50.00",
        "Totals €1,400.00 €200.00 €1,200.00 €20.77 €80.00 €0.00 €1,250.77",
        "BANK-0711 €200.00 €0.00 INV-2",
        "BANK-0725 €50.00 €50.00",
        "Payment reference: K1-EUR",
        "Payment reference: K1-USD",
        "IBAN DE89 3704 0044 0532 0130 00",  # in groups of four, as on the letters
        "BIC COBADEFFXXX",
        "§ 288 (1), (2), (5) BGB",
    ):
        assert expected in text, (expected, text)


def test_the_statement_xlsx_holds_exact_numbers_and_no_formula(tmp_path):
    w = world()
    ledger(w)
    w["k1"].name = '=HYPERLINK("http://evil.example","x")'
    w["k1"].save()
    path = tmp_path / "k1.xlsx"
    terminal.run("statement", "K1", "--as-of", "2025-07-31", "--xlsx", path, as_="maria")
    wb = load_workbook(path)
    items = list(wb["items"].iter_rows(values_only=True))
    assert items[0][:5] == ("Item", "Kind", "Date", "Due", "Days overdue")
    inv1 = next(r for r in items if r[0] == "INV-1")
    # amounts are numbers written exactly as their decimals (read back as Python numbers)
    assert [str(x) for x in inv1[4:]] == [
        "60",
        "EUR",
        "1000",
        "0",
        "1000",
        "17.67",
        "40",
        "0",
        "1057.67",
    ]
    totals = {r[0]: r for r in wb["totals"].iter_rows(values_only=True)}
    assert [str(x) for x in totals["EUR"][-2:]] == ["1250.77", "K1-EUR"]
    about = dict(wb["about"].iter_rows(values_only=True))
    assert about["Statement of account"].startswith("'=HYPERLINK")
    assert all(c.data_type != "f" for ws in wb.worksheets for r in ws.iter_rows() for c in r)


def test_a_resent_statement_is_the_same_from_its_stored_figures():
    w = world()
    ledger(w)
    s = debtor_statement(actor=w["cora"], company=w["acme"], debtor_code="K1", as_of=AS_OF)
    again = statement_from_figures(statement_figures(s))
    assert again == s
    assert statement_pdf(again) == statement_pdf(s)


def test_the_wrong_person_is_refused_and_no_file_is_written(tmp_path):
    w = world()
    ledger(w)
    path = tmp_path / "k1.pdf"
    for who, company in (("carl", None), ("olga", "acme")):  # another collector; another firm
        args = ["statement", "K1", "--as-of", "2025-07-31", "--pdf", path]
        if company:
            args += ["--company", company]
        with pytest.raises(Exception):  # noqa: B017 - the command's refusal
            terminal.run(*args, as_=who)
        assert not path.exists()
    with pytest.raises(Exception, match="no debtor NOPE"):
        terminal.run("statement", "NOPE", "--as-of", "2025-07-31", as_="cora")


def test_the_statement_shows_the_fees_still_owed_and_never_the_compensation_twice():
    """INV-1 was charged a EUR 5.00 reminder fee, a EUR 10.00 demand fee (waived) and the
    statutory EUR 40 as a fee: its fees are 5.00 and its compensation column the 40.00 charged
    (a claim of its own, as the claim pack lists it), so its total stays 1,000.00 + 17.67 +
    40.00 + 5.00 = 1,062.67 (not 1,102.67)."""
    from arrears.apps.communications.models import Fee
    from arrears.apps.ledger.models import OpenItem

    w = world()
    ledger(w)
    inv1 = OpenItem.objects.get(debtor=w["k1"], number="INV-1")
    for step, kind, minor, waived in (
        (0, "fixed", 500, None),
        (1, "fixed", 1000, date(2025, 7, 20)),
        (1, "compensation", 4000, None),
    ):
        Fee.objects.create(
            company=w["acme"], item=inv1, step=step, step_code=f"s{step}", kind=kind,
            amount_minor=minor, currency="EUR", charged_on=date(2025, 7, 1), waived_on=waived,
        )  # fmt: skip
    s = debtor_statement(actor=w["cora"], company=w["acme"], debtor_code="K1", as_of=AS_OF)
    by = {i.number: i for i in s.statement.items}
    assert by["INV-1"].fees.amount == Decimal("5.00")
    assert by["INV-1"].compensation.amount == Decimal("40.00")
    assert by["INV-2"].compensation.amount == Decimal("40.00")  # no fee charged: the regime's
    assert by["INV-1"].due.amount == Decimal("1062.67")
