"""The statement's workbook and the claim pack's PDF speak the debtor's language (issue #14),
as its letters and statement PDF do: English, German, French and Chinese, their words in
`communications.presentation` (one place); a language we do not ship reads English."""

from __future__ import annotations

import io
import zipfile

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader

from tests import factories, terminal
from tests.apps.communications import support

pytestmark = pytest.mark.django_db

# what each language's workbook heads its sheets and items table with, and calls an invoice
XLSX = {
    "en": (["items", "payments", "totals", "about"], ("Item", "Kind", "Date", "Due"), "invoice"),
    "de": (["Belege", "Zahlungen", "Summen", "Angaben"], ("Beleg", "Art", "Datum", "Fällig"),
           "Rechnung"),
    "fr": (["Pièces", "Paiements", "Totaux", "Informations"],
           ("Pièce", "Type", "Date", "Échéance"), "facture"),
    "zh": (["单据", "付款", "合计", "说明"], ("单据", "类型", "日期", "到期日"), "发票"),
}  # fmt: skip
# the claim's title, its interest table's head and its summary, in each language
CLAIM = {
    "en": ("Claim against Kunde GmbH (K1) (EUR)", "From To Days Principal", "Total claimed"),
    "de": ("Forderung gegen Kunde GmbH (K1) (EUR)", "Von Bis Tage Hauptforderung",
           "Gesamtforderung"),
    "fr": ("Créance sur Kunde GmbH (K1) (EUR)", "Du Au Jours Principal", "Total réclamé"),
    "zh": ("对Kunde GmbH (K1)（EUR）的债权", "起 止 天数 本金", "主张总额"),
}  # fmt: skip


def speaking(language: str) -> dict:
    w = support.world()
    w["k1"].language = language
    w["k1"].save()
    return w


def pdf_text(data: bytes) -> str:
    return " ".join(" ".join(p.extract_text().split()) for p in PdfReader(io.BytesIO(data)).pages)


@pytest.mark.parametrize("language", sorted(XLSX))
def test_the_statement_workbook_is_headed_in_the_debtors_language(language, tmp_path):
    speaking(language)
    path = tmp_path / "k1.xlsx"
    terminal.run("statement", "K1", "--as-of", "2025-07-31", "--xlsx", path, as_="maria")
    sheets, head, invoice = XLSX[language]
    wb = load_workbook(path)
    assert wb.sheetnames == sheets
    rows = list(wb[sheets[0]].iter_rows(values_only=True))
    assert rows[0][:4] == head
    assert rows[1][:2] == ("INV-1", invoice)
    # the amounts stay exact numbers whatever the language
    assert str(rows[1][8]) == "1000"


@pytest.mark.parametrize("language", sorted(CLAIM))
def test_the_claim_pack_pdf_is_headed_in_the_debtors_language(language, tmp_path):
    w = speaking(language)
    factories.run_as_admin(company=w["acme"], as_of=support.DAY1)
    out = tmp_path / "k1.zip"
    terminal.run("claim-pack", "K1", "--as-of", "2025-07-31", "--out", out, as_="maria")
    with zipfile.ZipFile(out) as z:
        claim, statement = z.read("claim.pdf"), z.read("statement.pdf")
    title, table, total = CLAIM[language]
    text = pdf_text(claim)
    for shown in (title, table, total):
        assert shown in text, (shown, text)
    # the statement beside it is in the same language
    assert XLSX[language][1][0] in pdf_text(statement)


def test_a_debtor_in_a_language_we_do_not_ship_gets_the_english_workbook(tmp_path):
    speaking("it")
    path = tmp_path / "k1.xlsx"
    terminal.run("statement", "K1", "--as-of", "2025-07-31", "--xlsx", path, as_="maria")
    assert load_workbook(path).sheetnames == XLSX["en"][0]


def test_the_wrong_person_gets_no_workbook_in_any_language(tmp_path):
    speaking("de")
    path = tmp_path / "k1.xlsx"
    for who, company in (("carl", None), ("olga", "acme")):  # another collector; another firm
        args = ["statement", "K1", "--as-of", "2025-07-31", "--xlsx", path]
        with pytest.raises(Exception):  # noqa: B017 - the command's refusal
            terminal.run(*args, *(["--company", company] if company else []), as_=who)
        assert not path.exists()
