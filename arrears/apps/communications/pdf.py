"""A dunning letter as a PDF that looks like a business letter (ReportLab): the sender, the
recipient's address where a window envelope shows it, the date and reference, the subject, the
body, a table of the items with interest and fees and their totals, and how to pay."""

from __future__ import annotations

import hashlib
import io
import os
import re
from dataclasses import dataclass
from datetime import timedelta
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.enums import TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfbase.ttfonts import TTFError, TTFont
from reportlab.platypus import (
    Flowable,
    PageBreak,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)

from arrears.apps.communications.presentation import (
    CLAIM_LABELS,
    LABELS,
    LETTERHEAD_LABELS,
    STATEMENT_LABELS,
    colon,
    country_words,
    date_short_words,
    date_words,
    interest_at_words,
    money_words,
    pay_to_words,
)
from arrears.apps.communications.rendering import TABLE_MARK, Message
from arrears.domain.letters import Letter
from arrears.domain.refusal import Refusal

if TYPE_CHECKING:
    from arrears.apps.communications.claim_pack import ClaimPack
    from arrears.apps.communications.statements import DebtorStatement

# Chinese is set in Kurinto Sans SC (SIL Open Font License 1.1, TrueType outlines), which the
# `weblate-fonts` package ships, embedded as a subset of the glyphs used: every reader shows
# it. $ARREARS_CJK_FONT names another TrueType font file (.ttf/.ttc) instead.
CJK_FONT_ENV = "ARREARS_CJK_FONT"
CJK_PACKAGE = "weblate_fonts"
CJK_SHIPPED = (
    "static/weblate_fonts/kurinto/ttf/KurintoSansSC-Rg.ttf",
    "static/weblate_fonts/kurinto/ttf/KurintoSansSC-Bd.ttf",
)
_CJK_FILE = "ArrearsCJK"
_CJK = "STSong-Light"  # Adobe's CID font, not embedded: only where no font file is there


@dataclass(frozen=True)
class Address:
    name: str
    lines: tuple[str, ...] = ()
    country: str = ""  # ISO code; a sender's, to leave a recipient's at home unprinted
    # the letterhead's and imprint's (key, value): phone, email, vat_id, registration, directors
    details: tuple[tuple[str, str], ...] = ()


_CONTACT = ("phone", "email")  # in the letterhead; the rest in the imprint at each page's foot
_COUNTRY = re.compile(r"[A-Z]{2}")
_IMPRINT_SIZE = 7
_WIDTH = 165 * mm - 12  # the text's width: A4 less the margins and the frame's padding


class _Imprint(Flowable):  # type: ignore[misc]
    """No space of its own: from here on, each page's foot carries these lines."""

    def __init__(self, font: str, lines: tuple[str, ...]) -> None:
        super().__init__()
        self.font, self.lines = font, lines

    def wrap(self, *_: Any) -> tuple[float, float]:
        return 0, 0

    def draw(self) -> None:
        self.canv._doctemplate.imprint = (self.font, self.lines)


class _Document(SimpleDocTemplate):  # type: ignore[misc]
    imprint: tuple[str, tuple[str, ...]] | None = None

    def afterPage(self) -> None:
        font, lines = self.imprint or ("", ())
        if not lines:
            return
        c, left, width = self.canv, self.leftMargin, self.width
        top = self.bottomMargin - 4 * mm
        c.saveState()
        c.setLineWidth(0.4)
        c.line(left, top, left + width, top)
        c.setFont(font, _IMPRINT_SIZE)
        for n, line in enumerate(lines):
            # the canvas's Helvetica has no narrow no-break space (French: "N° TVA : "): the
            # no-break space it has, as a paragraph draws it
            line = line.replace("\u202f", "\u00a0")
            c.drawCentredString(left + width / 2, top - (n + 1) * (_IMPRINT_SIZE + 2.5), line)
        c.restoreState()


def _drawable(rows: list[list[str]]) -> list[list[str]]:
    """A table's cells as the standard fonts draw them: the narrow no-break space French
    groups thousands with has no glyph in Helvetica (a black box), a no-break space has."""
    return [[c.replace("\u202f", "\u00a0") for c in row] for row in rows]


def _imprint_lines(sender: Address, language: str) -> tuple[str, ...]:
    """The imprint at the foot of each page: who the sender is in law (name and seat), then
    its VAT id, its registration and its managing directors, where set."""
    labels = LETTERHEAD_LABELS[language]
    legal = [f"{labels[k]}{colon(language)}{v}" for k, v in sender.details if k not in _CONTACT]
    if not legal:
        return ()
    return (" · ".join([sender.name, *sender.lines]), " · ".join(legal))


def _recipient_lines(recipient: Address, sender_country: str, language: str) -> list[str]:
    """The recipient's address lines, its country (the last line, an ISO code) named in the
    letter's language and in capitals where it is not the sender's, left out where it is."""
    lines = list(recipient.lines)
    if lines and _COUNTRY.fullmatch(lines[-1]):
        code = lines.pop()
        if code != sender_country:
            lines.append(country_words(code, language).upper())
    return lines


def _payment_words(parts: tuple[str, ...], reference: str) -> tuple[str, str]:
    """Where to pay (`pay_to_words`: the IBAN in groups of four) and, apart, the payment
    reference."""
    shown = pay_to_words(p for p in parts if not (reference and p == reference))
    return shown, reference if reference in parts else ""


def cjk_font_files() -> tuple[Path, Path] | None:
    """The regular and bold font files Chinese PDFs embed: $ARREARS_CJK_FONT (both), else
    the Kurinto Sans SC that `weblate-fonts` ships; None where neither is there (a broken
    install). A setting naming no file is refused, not passed over."""
    named = os.environ.get(CJK_FONT_ENV, "").strip()
    if named:
        if not Path(named).is_file():
            raise Refusal("communications.cjk_font_missing", path=named, setting=CJK_FONT_ENV)
        return Path(named), Path(named)
    try:
        root = resources.files(CJK_PACKAGE)
    except ModuleNotFoundError:
        return None
    regular, bold = (Path(str(root.joinpath(f))) for f in CJK_SHIPPED)
    return (regular, bold) if regular.is_file() and bold.is_file() else None


def _fonts(language: str) -> tuple[str, str]:
    """Helvetica for the Latin languages. Chinese: the CJK font files (`cjk_font_files`),
    embedded as subsets of the glyphs used, so every reader shows the letter; only without
    them Adobe's STSong-Light, which Acrobat, Preview and Chinese systems supply but which is
    not embedded (elsewhere a reader shows blanks)."""
    if language != "zh":
        return "Helvetica", "Helvetica-Bold"
    registered = pdfmetrics.getRegisteredFontNames()
    files = cjk_font_files()
    if files is None:
        if _CJK not in registered:
            pdfmetrics.registerFont(UnicodeCIDFont(_CJK))
        return _CJK, _CJK
    names = []
    for path in files:
        # one name per file: ReportLab keeps the first font registered under a name
        name = f"{_CJK_FILE}-{hashlib.sha256(str(path).encode()).hexdigest()[:12]}"
        if name not in registered:
            try:
                pdfmetrics.registerFont(TTFont(name, str(path), subfontIndex=0))
            except TTFError as e:  # e.g. PostScript (CFF) outlines, which ReportLab cannot embed
                raise Refusal(
                    "communications.cjk_font_unreadable", path=str(path), why=str(e)
                ) from None
        names.append(name)
    return names[0], names[1]


def letter_pdf(
    *,
    letter: Letter,
    message: Message,
    sender: Address,
    recipient: Address,
    reference: str,
    payment_details: tuple[str, ...],
) -> bytes:
    """The PDF of `message` (rendered with `as_table=True`) about `letter`: the same bytes
    for the same input (ReportLab's invariant mode: no creation time, no random id)."""
    return letters_pdf(
        [
            PrintedLetter(
                letter=letter,
                message=message,
                sender=sender,
                recipient=recipient,
                reference=reference,
                payment_details=payment_details,
            )
        ]
    )


@dataclass(frozen=True)
class PrintedLetter:
    letter: Letter
    message: Message
    sender: Address
    recipient: Address
    reference: str
    payment_details: tuple[str, ...]
    statement: DebtorStatement | None = None  # attached: its pages follow the letter's


def letters_pdf(letters: list[PrintedLetter]) -> bytes:
    """One PDF of these letters, each from a new page (a print batch)."""
    story: list[Any] = []
    for n, one in enumerate(letters):
        if n:
            story.append(PageBreak())
        story += _story(one)
        if one.statement is not None:
            story += [PageBreak(), *_statement_story(one.statement)]
    first = letters[0]
    footed = any(_imprint_lines(one.sender, one.message.language) for one in letters)
    return _build(story, first.message.subject if len(letters) == 1 else f"{len(letters)} letters",
                  first.sender.name, first.message.language,
                  bottom=32 * mm if footed else 20 * mm)  # fmt: skip


def statement_pdf(s: DebtorStatement) -> bytes:
    """The statement of account as a PDF: the same bytes for the same statement."""
    title = f"{STATEMENT_LABELS[s.language]['statement']} {s.debtor_code}"
    return _build(_statement_story(s), title, s.sender.name, s.language)


def _build(
    story: list[Any], title: str, author: str, language: str, *, bottom: float = 20 * mm
) -> bytes:
    out = io.BytesIO()
    doc = _Document(
        out,
        pagesize=A4,
        leftMargin=25 * mm,
        rightMargin=20 * mm,
        topMargin=20 * mm,
        bottomMargin=bottom,
        title=title,
        author=author,
        lang=language,
        invariant=True,
    )
    doc.build(story)
    return out.getvalue()


def _story(one: PrintedLetter) -> list[Any]:
    letter, message, sender, recipient = one.letter, one.message, one.sender, one.recipient
    reference, payment_details = one.reference, one.payment_details
    language = message.language
    labels = LABELS[language]
    regular, bold = _fonts(language)
    body = ParagraphStyle("body", fontName=regular, fontSize=10, leading=14, spaceAfter=6)
    small = ParagraphStyle("small", parent=body, fontSize=8, leading=10, spaceAfter=0)
    strong = ParagraphStyle("strong", parent=body, fontName=bold, fontSize=11, spaceBefore=6)
    right = ParagraphStyle("right", parent=body, alignment=TA_RIGHT, spaceAfter=0)

    def para(text: str, style: ParagraphStyle = body) -> Paragraph:
        return Paragraph(escape(text).replace("\n", "<br/>"), style)

    head = LETTERHEAD_LABELS[language]
    contact = [
        *sender.lines,
        *(f"{head[k]}{colon(language)}{v}" for k, v in sender.details if k in _CONTACT),
    ]
    letterhead = Table(
        [[para(sender.name, ParagraphStyle("name", parent=strong, fontSize=15, leading=18)),
          para("\n".join(contact), ParagraphStyle("contact", parent=small, alignment=TA_RIGHT))]],
        colWidths=[_WIDTH * 0.55, _WIDTH * 0.45],
        hAlign="LEFT",
    )  # fmt: skip
    letterhead.setStyle(
        TableStyle(
            [
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LEFTPADDING", (0, 0), (-1, -1), 0),
                ("RIGHTPADDING", (0, 0), (-1, -1), 0),
                ("LINEBELOW", (0, 0), (-1, -1), 0.6, colors.black),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 4),
            ]
        )
    )
    story: list[Any] = [
        _Imprint(regular, _imprint_lines(sender, language)),
        letterhead,
        Spacer(1, 10 * mm),
        para(
            " · ".join([sender.name, *sender.lines]),
            ParagraphStyle("back", parent=small, fontSize=6.5),
        ),
        Spacer(1, 2 * mm),
        para("\n".join([recipient.name, *_recipient_lines(recipient, sender.country, language)])),
        Spacer(1, 6 * mm),
        para(f"{labels['date']}{colon(language)}{date_words(letter.as_of, language)}", right),
        para(f"{labels['reference']}{colon(language)}{reference}", right),
        Spacer(1, 6 * mm),
        para(message.subject, strong),
    ]
    before, _, after = message.body.partition(TABLE_MARK)
    for chunk in before.strip().split("\n\n"):
        story.append(para(chunk.strip()))
    if _:
        story.append(_items_table(letter, language, regular, bold))
        story.append(Spacer(1, 4 * mm))
    for chunk in after.strip().split("\n\n"):
        if chunk.strip():
            story.append(para(chunk.strip()))
    if letter.lines:  # a letter listing no items (a set-off's) asks for no payment
        pay_to, pay_reference = _payment_words(payment_details, reference)
        story += [
            Spacer(1, 4 * mm),
            para(f"{labels['pay_to']}{colon(language)}{pay_to}", small),
        ]
        if pay_reference:
            story.append(
                para(f"{head['payment_reference']}{colon(language)}{pay_reference}", small)
            )
        story.append(
            para(f"{labels['pay_by']}{colon(language)}{date_words(letter.pay_by, language)}", small)
        )
    return story


def _items_table(letter: Letter, language: str, regular: str, bold: str) -> Table:
    labels = LABELS[language]
    cost, interest = letter.claims_cost, letter.shows_cost  # no interest column without rates
    head = [labels["invoice"], labels["due"], labels["days"], labels["open"]]
    if cost:
        head += [labels["interest"]] if interest else []
        head += [labels["fees"], labels["total"]]
    rows = [head]
    for line in letter.lines:
        row = [
            line.number,
            date_words(line.due_on, language),
            str(line.days_overdue),
            money_words(line.open, language),
        ]
        if cost:
            shown = (line.interest, line.fees, line.due) if interest else (line.fees, line.due)
            row += [money_words(x, language) for x in shown]
        rows.append(row)
    totals = [labels["total_due"], "", "", money_words(letter.total_open, language)]
    if cost:
        totals += [money_words(letter.total_interest, language)] if interest else []
        totals += [
            money_words(letter.total_fees, language),
            money_words(letter.total_due, language),
        ]
    rows.append(totals)
    table = Table(_drawable(rows), repeatRows=1, hAlign="LEFT")
    table.setStyle(
        TableStyle(
            [
                ("FONT", (0, 0), (-1, -1), regular, 8.5),
                ("FONT", (0, 0), (-1, 0), bold, 8.5),
                ("FONT", (0, -1), (-1, -1), bold, 8.5),
                ("ALIGN", (2, 0), (-1, -1), "RIGHT"),
                ("LINEBELOW", (0, 0), (-1, 0), 0.6, colors.black),
                ("LINEABOVE", (0, -1), (-1, -1), 0.6, colors.black),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
                ("TOPPADDING", (0, 0), (-1, -1), 3),
            ]
        )
    )
    return table


def _statement_story(s: DebtorStatement) -> list[Any]:
    """The statement: sender, recipient, the day; per currency a table of the open items with
    interest, compensation and fees and its totals; the payments received; where to pay."""
    st, language = s.statement, s.language
    labels = STATEMENT_LABELS[language]
    regular, bold = _fonts(language)
    body = ParagraphStyle("sbody", fontName=regular, fontSize=9.5, leading=13, spaceAfter=4)
    small = ParagraphStyle("ssmall", parent=body, fontSize=8, leading=10, spaceAfter=0)
    strong = ParagraphStyle("sstrong", parent=body, fontName=bold, fontSize=12, spaceBefore=4)
    head = ParagraphStyle("shead", parent=body, fontName=bold, fontSize=10, spaceBefore=8)
    right = ParagraphStyle("sright", parent=body, alignment=TA_RIGHT, spaceAfter=0)

    def para(text: str, style: ParagraphStyle = body) -> Paragraph:
        return Paragraph(escape(text).replace("\n", "<br/>"), style)

    def m(x: Any) -> str:
        return money_words(x, language)

    def d(x: Any) -> str:
        return date_short_words(x, language)

    refs = dict(s.references)
    story: list[Any] = [
        para(" · ".join([s.sender.name, *s.sender.lines]), small),
        Spacer(1, 8 * mm),
        para("\n".join([s.recipient.name, *s.recipient.lines])),
        Spacer(1, 6 * mm),
        para(f"{labels['as_of']}{colon(language)}{date_words(st.as_of, language)}", right),
        para(f"{labels['debtor']}{colon(language)}{s.debtor_code}", right),
        Spacer(1, 4 * mm),
        para(f"{labels['statement']} {s.debtor_code}", strong),
    ]
    if st.regime_name:
        story.append(
            para(
                labels["interest_under"].format(
                    day=date_words(st.as_of, language), regime=st.regime_name,
                    source=st.regime_source,
                ),
                small,
            )
        )  # fmt: skip
        if st.rates:
            story.append(para(interest_at_words(st.rates, st.as_of, language), small))
    else:
        story.append(para(s.interest_note or labels["no_interest"], small))
    cols = ["item", "date", "due", "days_overdue", "amount", "paid", "open", "interest",
            "compensation", "fees", "total_due"]  # fmt: skip
    for t in st.totals:
        story.append(para(f"{t.currency}", head))
        rows: list[list[str]] = [[labels[c] for c in cols]]
        for i in (x for x in st.items if x.open.currency == t.currency):
            rows.append(
                [i.number, d(i.issued_on), d(i.due_on), str(i.days_overdue), m(i.amount),
                 m(i.paid), m(i.open), m(i.interest), m(i.compensation), m(i.fees), m(i.due)]
            )  # fmt: skip
        if t.unapplied.amount:
            rows.append([labels["unapplied"], "", "", "", "", "", "", "", "", "", m(-t.unapplied)])
        rows.append(
            [labels["totals"], "", "", "", m(t.amount), m(t.paid), m(t.open), m(t.interest),
             m(t.compensation), m(t.fees), m(t.due)]
        )  # fmt: skip
        story.append(_grid(rows, regular, bold, numbers_from=3, size=6.8))
        if t.currency in refs:
            story.append(
                para(f"{labels['payment_reference']}{colon(language)}{refs[t.currency]}", small)
            )
    story.append(para(labels["payments"], head))
    if st.payments:
        prow = [[labels[c] for c in ("received", "payment_reference", "amount", "unapplied",
                                     "applied_to")]]  # fmt: skip
        prow += [
            [d(p.received_on), p.reference, m(p.amount), m(p.unapplied), ", ".join(p.applied_to)]
            for p in st.payments
        ]
        story.append(
            _grid(prow, regular, bold, numbers_from=2, numbers_to=3, size=7.5, total=False)
        )
    else:
        story.append(para(labels["none"], small))
    story += [
        Spacer(1, 5 * mm),
        para(f"{labels['pay_to']}{colon(language)}{pay_to_words(s.payment)}", small),
    ]
    return story


def _grid(
    rows: list[list[str]],
    regular: str,
    bold: str,
    *,
    numbers_from: int,
    numbers_to: int = -1,
    size: float = 8,
    total: bool = True,
    header: bool = True,
) -> Table:
    table = Table(_drawable(rows), repeatRows=1, hAlign="LEFT")
    style = [
        ("FONT", (0, 0), (-1, -1), regular, size),
        ("ALIGN", (numbers_from, 0), (numbers_to, -1), "RIGHT"),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
        ("TOPPADDING", (0, 0), (-1, -1), 2),
        ("LEFTPADDING", (0, 0), (-1, -1), 3),
        ("RIGHTPADDING", (0, 0), (-1, -1), 3),
    ]
    if header:
        style += [
            ("FONT", (0, 0), (-1, 0), bold, size),
            ("LINEBELOW", (0, 0), (-1, 0), 0.6, colors.black),
        ]
    if total:
        style += [
            ("FONT", (0, -1), (-1, -1), bold, size),
            ("LINEABOVE", (0, -1), (-1, -1), 0.6, colors.black),
        ]
    table.setStyle(TableStyle(style))
    return table


def _claim_limitation(
    pack: ClaimPack, labels: dict[str, str], language: str, regular: str, bold: str, head: Any
) -> list[Any]:
    """Each item's last day, the day legal was to be asked (the company's lead days before),
    and what restarted it (rule 12)."""
    lead = pack.lead_days or 0
    rows = [[labels[c] for c in ("item", "last_day", "ask_legal", "restarted")]]
    for lim in pack.limitation:
        last = date_short_words(lim.expires_on, language)
        rows.append(
            [
                lim.item,
                f"{last} ({labels['barred']})" if lim.barred else last,
                date_short_words(lim.expires_on - timedelta(days=lead), language),
                date_short_words(lim.restarted_on, language) if lim.restarted_on else "-",
            ]
        )
    title = labels["limitation"].format(rule=pack.limitation[0].rule, days=lead)
    return [
        Paragraph(escape(title), head),
        _grid(rows, regular, bold, numbers_from=1, size=8, total=False),
    ]


def claim_pdf(pack: ClaimPack) -> bytes:
    """The claim for legal: per item the interest to the day by rate period (regime, dates,
    principal, rate), the statutory compensation, what is claimed in all, then the case's
    whole contact history in order."""
    language = pack.statement.language
    labels = CLAIM_LABELS.get(language, CLAIM_LABELS["en"])
    st = pack.statement.statement
    regular, bold = _fonts(language)
    body = ParagraphStyle("cbody", fontName=regular, fontSize=9, leading=12, spaceAfter=4)
    small = ParagraphStyle("csmall", parent=body, fontSize=8, leading=10, spaceAfter=0)
    strong = ParagraphStyle("cstrong", parent=body, fontName=bold, fontSize=12, spaceBefore=4)
    head = ParagraphStyle("chead", parent=body, fontName=bold, fontSize=10, spaceBefore=8)

    def para(text: str, style: ParagraphStyle = body) -> Paragraph:
        return Paragraph(escape(text).replace("\n", "<br/>"), style)

    def m(x: Any) -> str:
        return money_words(x, language)

    day = date_words(st.as_of, language)
    story: list[Any] = [
        para(" · ".join([pack.statement.sender.name, *pack.statement.sender.lines]), small),
        Spacer(1, 4 * mm),
        para(
            labels["title"].format(debtor=pack.statement.recipient.name + f" ({pack.debtor_code})",
                                   currency=pack.currency, day=day),
            strong,
        ),
        para(" · ".join(pack.statement.recipient.lines), small),
    ]  # fmt: skip
    if st.regime_name:
        story.append(
            para(labels["regime"].format(regime=st.regime_name, source=st.regime_source, day=day))
        )
        if st.rates:
            story.append(para(interest_at_words(st.rates, st.as_of, language)))
    else:
        story.append(para(labels["no_regime"].format(why=pack.statement.interest_note or "-")))
    for i in (x for x in st.items if x.open.currency == pack.currency):
        story.append(
            para(f"{i.number} · {date_short_words(i.due_on, language)} · {m(i.open)}", head)
        )
        if i.periods:
            rows = [[labels[c] for c in ("first", "last", "days", "principal", "rate",
                                         "interest")]]  # fmt: skip
            rows += [
                [date_short_words(p.first, language), date_short_words(p.last, language),
                 str(p.days), m(p.principal), f"{p.rate}", m(p.interest)]
                for p in i.periods
            ]  # fmt: skip
            rows.append(["", "", "", "", "", m(i.interest)])
            story.append(_grid(rows, regular, bold, numbers_from=2, size=8))
        else:
            story.append(para(labels["no_periods"], small))
        if i.compensation.amount:
            story.append(para(labels["compensation"].format(amount=m(i.compensation)), small))
    total = next((t for t in st.totals if t.currency == pack.currency), None)
    if total is not None:
        story.append(para(labels["summary"], head))
        rows = [
            [labels["open"], m(total.overdue)],
            [labels["interest_total"], m(total.interest)],
            [labels["compensation_total"], m(total.compensation)],
            [labels["fees"], m(total.fees)],
            [labels["unapplied"], m(-total.unapplied)],
            [labels["total"], m(total.claimable)],
        ]
        if total.overdue != total.open:  # said apart, never claimed before it falls due
            rows.append([labels["not_due"], m(total.open - total.overdue)])
        story.append(_grid(rows, regular, bold, numbers_from=1, size=9, header=False))
    if pack.limitation:
        story += _claim_limitation(pack, labels, language, regular, bold, head)
    story.append(para(labels["history"].format(n=len(pack.history)), head))
    cell = ParagraphStyle("ccell", parent=body, fontSize=8, leading=10, spaceAfter=0)
    # each line says its day first (the history's own words)
    rows_h: list[list[Any]] = [[labels["entry"]]]
    rows_h += [[para(e.text, cell)] for e in pack.history]
    table = Table(rows_h, colWidths=[165 * mm], repeatRows=1, hAlign="LEFT")
    table.setStyle(
        TableStyle(
            [
                ("FONT", (0, 0), (-1, -1), regular, 8),
                ("FONT", (0, 0), (-1, 0), bold, 8),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LINEBELOW", (0, 0), (-1, 0), 0.6, colors.black),
            ]
        )
    )
    story.append(table)
    return _build(story, labels["title"].format(debtor=pack.debtor_code, currency=pack.currency,
                                                day=st.as_of), pack.statement.sender.name,
                  language)  # fmt: skip
