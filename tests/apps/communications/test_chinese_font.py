"""Chinese letters, statements and claim packs show their glyphs in every reader (issue #14):
they embed a CJK font that pip installs with the project (Kurinto Sans SC, from
`weblate-fonts`, SIL OFL 1.1), as a subset, instead of naming Adobe's STSong-Light and hoping
the reader has it. `ARREARS_CJK_FONT` names another font file; one that is not there, or not a
TrueType font, is refused in words. Checked three ways: the PDF's fonts carry their font file,
its text extracts as the Chinese words, and the page drawn by PDFium has ink where the Chinese
words stand (a picture of it is written for a person to look at)."""

from __future__ import annotations

import io
import os
from pathlib import Path

import pypdfium2 as pdfium
import pytest
from pypdf import PdfReader

from arrears.apps.communications.pdf import (
    CJK_FONT_ENV,
    Address,
    cjk_font_files,
    letter_pdf,
    statement_pdf,
)
from arrears.apps.communications.rendering import render
from arrears.apps.communications.statements import debtor_statement
from arrears.domain.refusal import Refusal
from tests.apps.communications import support
from tests.apps.communications.test_letterhead import SENDER
from tests.apps.communications.test_letters import the_letter

SUBJECT = "诉前最后通知"  # the final notice's subject begins so


@pytest.fixture(autouse=True)
def shipped_font(monkeypatch):
    monkeypatch.delenv(CJK_FONT_ENV, raising=False)


def chinese_letter() -> bytes:
    figures = the_letter("final_notice")
    message = render(
        figures, "zh", debtor="Widget Ltd", company="Acme GmbH", reference="D0042-EUR",
        as_table=True,
    )  # fmt: skip
    return letter_pdf(
        letter=figures,
        message=message,
        sender=SENDER,
        recipient=Address("Widget Ltd", ("1 High Street", "London SW1A 1AA", "GB")),
        reference="D0042-EUR",
        payment_details=("Acme GmbH", "IBAN DE02120300000000202051", "D0042-EUR"),
    )


def fonts_of(data: bytes) -> dict[str, bool]:
    """Each font the pages use (its BaseFont) and whether the PDF carries its font file."""
    found = {}
    for page in PdfReader(io.BytesIO(data)).pages:
        for f in page["/Resources"]["/Font"].values():
            f = f.get_object()
            if f["/Subtype"] == "/Type0":  # a CID font: its descriptor is its descendant's
                f = f["/DescendantFonts"][0].get_object()
            d = f.get("/FontDescriptor")
            files = {"/FontFile", "/FontFile2", "/FontFile3"}
            found[str(f["/BaseFont"])] = d is not None and bool(files & set(d.get_object()))
    return found


def used_cjk_fonts(data: bytes) -> dict[str, bool]:
    return {name: embedded for name, embedded in fonts_of(data).items() if "Helvetica" not in name}


def text_of(data: bytes) -> str:
    return " ".join(p.extract_text() for p in PdfReader(io.BytesIO(data)).pages)


def ink(data: bytes, words: str, picture: Path | None = None) -> tuple[float, float]:
    """The share of dark pixels where `words` stand on page 1 drawn by PDFium, and in the
    body of the page (between the letterhead and the foot); `picture`: the page as a PNG."""
    pdf = pdfium.PdfDocument(data)
    try:
        page, scale = pdf[0], 2
        image = page.render(scale=scale).to_pil().convert("L")
        if picture is not None:
            image.save(picture)
        text = page.get_textpage()
        at = text.get_text_range().index(words)
        height = page.get_height()
        boxes = [text.get_charbox(i) for i in range(at, at + len(words))]
        left, bottom = min(b[0] for b in boxes), min(b[1] for b in boxes)
        right, top = max(b[2] for b in boxes), max(b[3] for b in boxes)
        where = image.crop(
            (int(left * scale), int((height - top) * scale),
             int(right * scale) + 1, int((height - bottom) * scale) + 1)
        )  # fmt: skip
        body = image.crop((0, int(image.height * 0.25), image.width, int(image.height * 0.75)))
        return dark_share(where), dark_share(body)
    finally:
        pdf.close()


def dark_share(image) -> float:
    counts = image.histogram()  # a greyscale image: how many pixels of each level
    return sum(counts[:128]) / sum(counts)


def blank_page() -> bytes:
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen.canvas import Canvas

    out = io.BytesIO()
    c = Canvas(out, pagesize=A4)
    c.showPage()
    c.save()
    return out.getvalue()


def test_a_chinese_letter_embeds_its_font_and_its_text_extracts_as_the_chinese_words():
    data = chinese_letter()
    used = used_cjk_fonts(data)
    assert used and all(used.values()), used  # every font the words use travels with the PDF
    assert any("KurintoSansSC" in name for name in used), used
    text = text_of(data)
    for words in (SUBJECT, "英国", "收款账户", "应付总额", "付款备注: D0042-EUR"):
        assert words in text, words


def test_a_chinese_letter_is_drawn_with_its_glyphs_not_blanks(tmp_path):
    data = chinese_letter()
    picture = tmp_path / "letter-zh.png"
    where, body = ink(data, SUBJECT, picture)
    assert picture.stat().st_size > 10_000
    # glyphs drawn: the bold Chinese subject inks about half its boxes (none at all when the
    # font is only named, not embedded, and the reader has no CJK font of its own)
    assert where > 0.10, where
    blank = pdfium.PdfDocument(blank_page())
    try:
        empty = dark_share(blank[0].render(scale=2).to_pil().convert("L"))
    finally:
        blank.close()
    # and the body as a whole: about 3.5 % ink with its Chinese words, 1.2 % with the Latin
    # words alone (the font named but not embedded), none on a blank page
    assert empty == 0 and body > 0.02, (empty, body)


@pytest.mark.django_db
def test_a_chinese_statement_embeds_the_font_too():
    w = support.world()
    w["k1"].language = "zh"
    w["k1"].save()
    s = debtor_statement(actor=w["cora"], company=w["acme"], debtor_code="K1", as_of=support.DAY1)
    data = statement_pdf(s)
    used = used_cjk_fonts(data)
    assert used and all(used.values()), used
    assert "单据" in text_of(data)


def test_the_font_setting_names_another_font_file_to_embed(monkeypatch):
    shipped_regular, shipped_bold = cjk_font_files() or (None, None)
    assert shipped_regular is not None and shipped_bold is not None
    monkeypatch.setenv(CJK_FONT_ENV, str(shipped_bold))  # another file: the bold one, for all
    assert cjk_font_files() == (shipped_bold, shipped_bold)
    used = used_cjk_fonts(chinese_letter())
    assert used and all(used.values()) and all("-Bd" in name for name in used), used


def test_a_font_setting_naming_no_file_is_refused_in_words(monkeypatch, tmp_path):
    missing = tmp_path / "nowhere.ttf"
    monkeypatch.setenv(CJK_FONT_ENV, str(missing))
    with pytest.raises(Refusal) as refused:
        chinese_letter()
    said = str(refused.value)
    assert CJK_FONT_ENV in said and str(missing) in said and "not a file" in said


def test_a_font_setting_naming_a_file_that_is_no_truetype_font_is_refused_in_words(
    monkeypatch, tmp_path
):
    bad = tmp_path / "notes.ttf"
    bad.write_bytes(b"OTTO" + os.urandom(64))  # PostScript-flavoured, and broken besides
    monkeypatch.setenv(CJK_FONT_ENV, str(bad))
    with pytest.raises(Refusal) as refused:
        chinese_letter()
    assert "cannot be embedded" in str(refused.value) and str(bad) in str(refused.value)
