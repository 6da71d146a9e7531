"""The words of communications: refusals about templates, interest and limitation, and the
labels a letter's PDF shows in each shipped language. Amounts and dates are formatted for the
letter's language by Babel (CLDR data), never by hand."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date
from decimal import Decimal
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from babel import Locale
from babel.dates import format_date
from babel.numbers import format_currency, get_decimal_symbol, get_group_symbol

from arrears.apps.accounts.presentation import ROLE_WORDS
from arrears.apps.cases.presentation import say
from arrears.domain.access import PersonRole
from arrears.domain.interest.contract import rate_text
from arrears.domain.money import Money, exponent

if TYPE_CHECKING:
    from arrears.apps.communications.models import SenderDetails

LANGUAGES = ("en", "de", "fr", "zh")
LOCALES = {"en": "en_GB", "de": "de_DE", "fr": "fr_FR", "zh": "zh_CN"}

WORDS = {
    "communications.step_not_written": "the step {step} has no letter: it is not a written "
    "step (a call or a hand-over, done by a person); give --step with a written one: "
    "{written}",
    "communications.no_template": "there is no {language} template for the step {step}: "
    "shipped languages are {languages}",
    "communications.unknown_language": "{language!r} is not a language we write in: use one of "
    "{languages}",
    "communications.hedging": "the {language} text of {step} hedges or apologises: "
    "{found!r} (rule 10: concise, firm; remove it)",
    "communications.template_error": "the {language} template for {step} cannot be read: {why}",
    "communications.no_case": "{debtor} has no case{currency_words}: check the code, or run "
    "the day first",
    "communications.which_currency": "{debtor} has cases in several currencies: say which "
    "(--currency)",
    "communications.no_step": "the {currency} case of {debtor} has not reached a step of the "
    "ladder yet: nothing is sent (give --step to see a step's message)",
    "communications.nothing_open": "the {currency} case of {debtor} has nothing overdue to dun "
    "on that day (items not yet due are not demanded)",
    "communications.cjk_font_missing": "Chinese letters cannot be printed: {setting} names "
    "{path}, which is not a file (name a TrueType font file, or unset it for the shipped font)",
    "communications.cjk_font_unreadable": "the Chinese font {path} cannot be embedded ({why}): "
    "name a font with TrueType outlines (.ttf or .ttc), not PostScript (CFF) ones",
    "interest.no_rate": "no rate is known for {day} in {series}.csv (it runs from {first} to "
    "{covers_until}): import a newer {series}.csv, in the shipped tables' format, with "
    "`arrears rates import FILE` (a credit manager or an administrator; "
    "docs/interest-rates.md)",
    "interest.rates_folder": "the reference-rate table {file} cannot be read: {problem}. Mend "
    "it or take it out of {folder} (`arrears rates import FILE` checks a table before it goes "
    "there); until then no letter or email is made: they wait in the outbox",
    "interest.table_encoding": "{origin}: the file is not UTF-8 text (save it as UTF-8)",
    "interest.table_unreadable": "{origin} cannot be read: {why}",
    "interest.table_unwritable": "{origin} cannot be written: {why} (nothing was changed)",
    "interest.table_series": "{origin}: there is no rate series {series} (the regimes read: "
    "{known})",
    "interest.table_covers_less": "{origin}: the table covers {series} until {covers_until}, "
    "but the one in use covers it until {in_use}: a newer table covers at least as much",
    "interest.table_starts_later": "{origin}: the table starts on {first}, but the one in use "
    "has rates from {in_use}: keep the earlier rates in it (letters of those days need them)",
    "interest.no_table": "the interest regime {regime} needs the rate table {series}, which is "
    "not loaded",
    "interest.not_for_debtor": "the interest regime {regime} has no rate for a {debtor} debtor",
    "interest.no_contract_rate": "the contract's own interest rate is missing ({regime}): give "
    "the debtor's in the debtors file (contract_rate, contract_rate_per), or the company's "
    "default (`arrears interest set --contract-rate R --per year|month`, a credit manager)",
    "interest.contract_rate_value": "{value!r} is not a contractual rate: a percentage from 0 "
    "to {most} of its period (a year or a month), at most 6 decimals, e.g. 1 or 8.5",
    "interest.contract_rate_per": "{per!r} is not the period of a contractual rate: year or month",
    "interest.markup_fixed": "the interest regime {regime} has no markup a company sets",
    "interest.markup_value": "{value!r} is not a markup this regime allows: a multiplier from "
    "{least} to {most}",
    "interest.regime_choice": "{regime!r} is not a regime a company chooses: {choices}",
    "interest.payment_currency": "a payment of {paid} cannot be set against a debt of {debt}",
    "interest.table_header": "{origin}, line {line}: the header must be {expected}",
    "interest.table_line": "{origin}, line {line}: {why}",
    "interest.table_order": "{origin}, line {line}: {day} is not after the line before (rates "
    "ascend by date; covers_until is on or after the last)",
    "interest.table_meta": "{origin}: missing or wrong {missing} (give '# series:', "
    "'# source:' and '# covers_until: YYYY-MM-DD' lines)",
    "interest.table_empty": "{origin}: no rates",
    "interest.regime_file": "the regimes file cannot be read: {why}",
    "interest.regime_key": "regime {regime}: unknown setting {key}",
    "interest.regime_value": "regime {regime}: {key} cannot be {value!r}",
    "outbox.unknown": "there is no outbox message {message}: `arrears outbox list` lists them",
    "outbox.wrong_state": "outbox message {message} is {state}: it cannot become {to}",
    "outbox.not_failed": "outbox message {message} is {state}, not failed: only a failed message "
    "is retried (an uncertain one: `arrears outbox resend`)",
    "outbox.retry_which": "say which failed messages to queue again: one (`arrears outbox retry "
    "M12`) or all of the company's (`arrears outbox retry --failed`), not both",
    "outbox.not_uncertain": "outbox message {message} is {state}, not uncertain: only a message "
    "a crashed worker may have sent is resent",
    "outbox.cannot_mark_sent": "outbox message {message} is a {channel} {state}: a person marks "
    "sent a letter printed and posted, or an uncertain email found to have arrived",
    "outbox.no_reason": "say how outbox message {message} was handled (--reason)",
    "outbox.reason_too_long": "the reason for outbox message {message} is longer than {most} "
    "characters",
    "outbox.not_to_send": "outbox message {message} is not to be sent: its case was paid in "
    "full or closed since the run",
    "outbox.pdf_changed": "outbox message {message}'s letter no longer makes the same PDF as "
    "when it was first sent: it is not sent again (a person checks it)",
    "outbox.no_sender": "{company} has no sender details yet: a letter or an email needs the "
    "sender and the account to pay to (an administrator sets them{hint})",
    "outbox.bad_channel": "{channel!r} is not how a message goes: a letter or an email",
    "outbox.no_email": "{debtor} has no contact with an email address: add one in the ERP, or "
    "send a letter",
    "outbox.no_address": "{debtor} has no postal address: add it in the ERP, or send an email",
    "outbox.not_written": "{step_words} is not a letter or an email of the ladder of {debtor}'s "
    "{currency} case",
    "outbox.case_closed": "the {currency} case of {debtor} is closed: nothing is sent",
    "communications.step_not_allowed": "the {step_words} is ahead of the case's own step: "
    "{reason_words}",
    "communications.already_queued": "the {step_words} of this case is already queued today as "
    "{queued} (M{message}): send that one, or ask again tomorrow",
    "outbox.step_pending": "the case already has {step_words} pending today (A{action}, "
    "{channel}): send that one, or wait for tomorrow",
    "sender.bad_iban": "{iban!r} is not an IBAN: its check digits do not hold",
    "sender.bad_bic": "{bic!r} is not a BIC (8 or 11 letters and digits: bank, country, place)",
    "sender.bad_reference": "the payment reference {format!r} may use only {fields}, and at "
    "least one of them",
    "sender.incomplete": "the sender's {missing} is missing: a letter needs it",
    "sender.bad_email": "{email!r} is not an email address",
    "sender.no_account": "give the account to pay to: --iban (and --bic), or --account",
    "sender.bad_country": "{country!r} is not a country code ISO 3166 assigns (two capitals, "
    "e.g. DE; the United Kingdom is GB)",
    "limitation.no_rule": "no limitation rule is known for {jurisdiction}: known are {known}",
    "limitation.lead_days": "{days} days: legal is asked between 1 and {most} days before a "
    "claim becomes time-barred",
    "fee.unknown": "there is no fee {fee} in {company}: `arrears fee list` lists them",
    "fee.no_reason": "say why (--reason): a waiver and its decision are kept with their reasons",
    "fee.waived": "fee {fee} was waived on {on} already",
    "fee.waiver_pending": "a waiver of fee {fee} is already waiting for a credit manager",
    "fee.no_waiver": "no waiver of fee {fee} is waiting for a decision: ask first "
    "(`arrears fee waive {fee} --reason ...`)",
    "fee.export_format": "{file}: an export is a .csv or an .xlsx file",
    "acknowledge.unknown_item": "there is no item {item} in {company}",
    "acknowledge.future": "{on} is after today ({today}): record an acknowledgement once it "
    "happened",
    "acknowledge.before_issue": "{on} is before item {item} was issued ({issued})",
    "acknowledge.kind": "{kind!r} is not a kind of acknowledgement: use one of {kinds}",
    "statement.no_debtor": "there is no debtor {debtor}: check the code",
    "claim_pack.role": "{person} is {role} here: a claim pack for legal is made by a {roles}",
}


# Why a message the run decided on is not sent after all (`outbox.render_row`): the row's
# last error and, by its code, its action's cancel reason.
NOT_SENT_WORDS = {
    "paid": "not sent: the case was paid in full after the run decided on it",
    "case_closed": "not sent: the case closed after the run decided on it",
}


FEE_KIND_WORDS = {
    "fixed": "fixed fee",
    "percent": "percentage fee",
    "compensation": "statutory compensation",
}


def fee_line_words(fee: Any) -> str:
    """One fee as `explain`, `arrears fee list` and the case page say it."""
    state = (
        f"waived on {fee.waived_on}"
        if fee.waived_on
        else {"requested": "owed, waiver asked", "refused": "owed, waiver refused"}.get(
            fee.waiver, "owed"
        )
    )
    return (
        f"fee {fee.id}: {fee.item} {say(fee.step_code)} {FEE_KIND_WORDS.get(fee.kind, fee.kind)} "
        f"{fee.amount}, charged {fee.charged_on}, {state}"
    )


def limitation_words(lim: Any) -> str:
    """One item's limitation as `explain` and the case page say it."""
    restarted = (
        f" (restarted by {_RESTARTED_BY.get(lim.restarted_by, lim.restarted_by)} on "
        f"{lim.restarted_on})"
        if lim.restarted_on
        else ""
    )
    barred = " - TIME-BARRED" if lim.barred else ""
    return f"{lim.item}: time-barred after {lim.expires_on} ({lim.rule}){restarted}{barred}"


def interest_terms_words(terms: Any, regime: Any) -> str:
    """A company's interest terms (`selectors.InterestTerms`) and the regime they charge."""
    lines = [
        "regime: "
        + (
            f"{regime.name} ({regime.source})"
            if regime is not None
            else "none: no late-interest regime is known for the jurisdiction"
        )
        + ("" if terms.regime else ", the jurisdiction's"),
        "default contractual rate: "
        + (
            rate_words_of_contract(terms.contract, "en")
            if terms.contract is not None
            else "none (a debtor's own, from the debtors file, only)"
        ),
    ]
    if regime is not None and regime.multiplier_least is not None:
        own = "the company's" if terms.markup is not None else "the regime's default"
        lines.append(f"markup on {SERIES_WORDS['en'].get(regime.series or '', regime.series)}: "
                     f"x{regime.multiplier} ({own}; {regime.multiplier_least} to "
                     f"{regime.multiplier_most})")  # fmt: skip
    return "\n".join(lines) + "\n"


def lead_days_words(lead: Any) -> str:
    """How long before a claim expires legal is asked (`arrears limitation show|set`)."""
    whose = "the company's setting" if lead.own else "the default: no company setting"
    return f"legal is asked {lead.days} days before a claim becomes time-barred ({whose})\n"


def fee_waiting_figures(fee: Any) -> tuple[str, ...]:
    """A fee waiver asked for, as the approvals page lists it: the fee and where it was charged."""
    amount = Money.from_minor(fee.amount_minor, fee.currency)
    return (
        f"{FEE_KIND_WORDS.get(fee.kind, fee.kind)} {amount} on item {fee.item.number}",
        f"charged at step {say(fee.step_code)} on {fee.charged_on}",
    )


def waiver_words(waiver: Any) -> str:
    """What became of a waiver: asked (for a credit manager), approved or refused."""
    if waiver.status == "requested":
        return f"fee {waiver.fee_id}: waiver asked; a credit manager who did not ask decides"
    if waiver.status == "approved":
        return f"fee {waiver.fee_id}: waived (no longer owed)"
    return f"fee {waiver.fee_id}: waiver refused (still owed)"


def cost_lines(costs: Any) -> list[str]:
    """What the delay has cost so far and when each claim becomes time-barred (`explain`)."""
    if not costs.lines:
        return []
    out = ["cost of the delay (interest to today, fees owed):"]
    for line in costs.lines:
        interest = "unknown" if line.interest is None else str(line.interest)
        out.append(f"  {line.item}: open {line.open}, interest {interest}, fees {line.fees_owed}")
    interest_total, fees_total = costs.total("interest"), costs.total("fees_owed")
    out.append(
        f"  total: interest {'unknown' if interest_total is None else interest_total}, "
        f"fees {fees_total}" + (f" ({costs.regime})" if costs.regime else "")
    )
    if costs.interest_problem is not None:
        from arrears.words import say

        out.append(f"  interest unknown: {say(costs.interest_problem)}")
    for fee in costs.fees:
        out.append(f"  {fee_line_words(fee)}")
    limits = [line.limitation for line in costs.lines if line.limitation is not None]
    if limits:
        ask = f" (legal is asked {costs.lead_days} days before)" if costs.lead_days else ""
        out.append(f"limitation{ask}:")
        out += [f"  {limitation_words(lim)}" for lim in limits]
    return out


FEE_ACTIONS_WORDS = {
    "waive": "say which fee: `arrears fee waive FEE --reason ...` (`arrears fee list`)",
    "approve": "say which fee: `arrears fee approve FEE --reason ...` (`arrears fee list --pending`)",
    "refuse": "say which fee: `arrears fee refuse FEE --reason ...` (`arrears fee list --pending`)",
    "export": "say where: `arrears fees export FILE.csv` or `FILE.xlsx`",
}


def fees_exported_words(lines: int, path: Any) -> str:
    return (
        f"wrote {lines} lines (new fees, reversed waivers, interest since the last export) "
        f"to {path}; they are marked exported and will not be in the next file"
    )


def interest_not_exported_words(items: int, why: str) -> str:
    """The items whose interest an export could not state: left for the next one."""
    many = "1 item" if items == 1 else f"{items} items"
    return (
        f"the interest of {many} is not in this file: {why}; it goes in the next export once "
        "the table is imported (their fees are in this one)"
    )


def no_fees_words(company: str) -> str:
    return f"no fees in {company} match"


_RESTARTED_BY = {
    "acknowledgement": "an acknowledgement",
    "part_payment": "a part payment",
    "written_demand": "a written demand",
}


# What an acknowledgement recorded on the desk was (the case page's choices).
ACK_KIND_WORDS = {
    "written": "the debtor acknowledged it in writing",
    "part_payment": "the debtor paid part of it",
    "demand": "we demanded it in writing (outside the outbox)",
}


def ack_item_words(line: Any) -> str:
    """An item the case page offers to record an acknowledgement of: its number, what is open,
    its last day."""
    last = f", time-barred after {line.limitation.expires_on}" if line.limitation else ""
    return f"{line.item} (open {line.open}{last})"


def acknowledged_words(row: Any, item: str) -> str:
    """An acknowledgement recorded (`arrears acknowledge`)."""
    return (
        f"{item}: {row.kind.replace('_', ' ')} of {row.on} recorded (limitation: `arrears explain`)"
    )


def not_sent_words(why: str) -> str:
    return NOT_SENT_WORDS.get(why, f"not sent: {why}")


# Why a step ahead of the case is not queued from the desk (`arrears.domain.outbox.desk_step`).
AHEAD_WORDS = {
    "not_your_role": "only {whose} sends it before the ladder reaches it",
    "waiting": "the case's last letter or email is not out yet: send it, or mark it handled, "
    "first (the next written step waits for it)",
}


def _ahead_words(figures: dict[str, Any]) -> str:
    reason, role = str(figures.get("reason", "")), str(figures.get("role", ""))
    if reason not in AHEAD_WORDS:
        return reason
    whose = "a credit manager"
    if role and role != PersonRole.CREDIT_MANAGER:
        name = ROLE_WORDS[PersonRole(role)] if role in set(PersonRole) else say(role)
        whose = f"a {name} or a credit manager"
    return AHEAD_WORDS[reason].format(whose=whose)


def enrich(figures: dict[str, Any]) -> dict[str, Any]:
    from arrears.apps.communications.selectors import rate_tables_folder

    currency = figures.get("currency")
    return {
        **figures,
        "reason_words": _ahead_words(figures),
        "currency_words": f" in {currency}" if currency else "",
        "folder": rate_tables_folder(),
        "hint": figures.get("hint", ""),
        "step_words": say(figures.get("step", "")),
    }


LABELS = {
    "en": {
        "invoice": "Invoice",
        "due": "Due",
        "days": "Days overdue",
        "open": "Open",
        "interest": "Interest",
        "fees": "Compensation and fees",
        "total": "Total",
        "total_due": "Total due",
        "reference": "Reference",
        "date": "Date",
        "pay_to": "Pay to",
        "pay_by": "Pay by",
    },
    "de": {
        "invoice": "Rechnung",
        "due": "Fällig",
        "days": "Tage überfällig",
        "open": "Offen",
        "interest": "Zinsen",
        "fees": "Pauschale und Gebühren",
        "total": "Summe",
        "total_due": "Gesamtforderung",
        "reference": "Zeichen",
        "date": "Datum",
        "pay_to": "Zahlung an",
        "pay_by": "Zahlbar bis",
    },
    "fr": {
        "invoice": "Facture",
        "due": "Échéance",
        "days": "Jours de retard",
        "open": "Restant dû",
        "interest": "Intérêts",
        "fees": "Indemnité et frais",
        "total": "Total",
        "total_due": "Total dû",
        "reference": "Référence",
        "date": "Date",
        "pay_to": "Paiement à",
        "pay_by": "À régler avant le",
    },
    "zh": {
        "invoice": "发票",
        "due": "到期日",
        "days": "逾期天数",
        "open": "未付金额",
        "interest": "利息",
        "fees": "补偿金及费用",
        "total": "合计",
        "total_due": "应付总额",
        "reference": "编号",
        "date": "日期",
        "pay_to": "收款账户",
        "pay_by": "付款期限",
    },
}


def outbox_line(line: Any) -> str:
    """One outbox message in a line: id, debtor, step, channel, state, attempts, recipient."""
    extra = ""
    if line.state in ("queued", "failed", "uncertain") and line.last_error:
        extra = f" ({line.last_error})"
    if line.state == "queued" and line.attempts and line.next_attempt_at:
        extra += f", next attempt {line.next_attempt_at:%Y-%m-%d %H:%M}"
    if line.state == "handled":
        extra = f" ({line.handled_reason})"
    recipient = line.recipient.splitlines()[0] if line.recipient else "(nobody)"
    return (
        f"M{line.id}  {line.run_on}  {line.debtor} {line.currency}  {line.step_code} by "
        f"{line.channel} to {recipient}: {line.state}, {line.attempts} attempt"
        f"{'' if line.attempts == 1 else 's'}{extra}  (action A{line.action_id})"
    )


# --- how interest was computed: the rate a letter states (issue #14) ---------------------

SERIES_WORDS: dict[str, dict[str, str]] = {
    "en": {
        "ecb_mro": "ECB",
        "de_base_rate": "base rate",
        "boe_bank_rate": "Bank of England base rate",
        "cn_lpr_1y": "one-year LPR",
    },
    "de": {
        "ecb_mro": "EZB",
        "de_base_rate": "Basiszinssatz",
        "boe_bank_rate": "Leitzins der Bank of England",
        "cn_lpr_1y": "LPR (ein Jahr)",
    },
    "fr": {
        "ecb_mro": "BCE",
        "de_base_rate": "taux de base allemand",
        "boe_bank_rate": "taux de base de la Banque d'Angleterre",
        "cn_lpr_1y": "LPR à un an",
    },
    "zh": {
        "ecb_mro": "欧洲央行主要再融资利率",
        "de_base_rate": "德国基础利率",
        "boe_bank_rate": "英格兰银行基准利率",
        "cn_lpr_1y": "一年期LPR",
    },
}
NNBSP = "\u202f"  # French typography: a narrow no-break space before : ; ! ? and %
NBSP = "\u00a0"  # German: a no-break space before %
# how a rate reads in a letter's sentence ("Interest to ... at {rate}"): the rate a year, then
# how it was made of the reference rate ({how}: the series' rate, x multiplier, + margin)
_RATE_SHAPES = {
    "en": ("{rate}% a year: {how}", "{series} {reference}%", " × {times}", " + {margin} points"),
    "de": (
        "Zinssatz von {rate}" + NBSP + "% p.a. ({how})",
        "{series} {reference}" + NBSP + "%",
        " × {times}",
        " + {margin} Prozentpunkte",
    ),
    "fr": (
        "taux de {rate}" + NNBSP + "% l'an ({how})",
        "{series} {reference}" + NNBSP + "%",
        " × {times}",
        " + {margin} points",
    ),
    "zh": ("年利率{rate}%（{how}）", "{series}{reference}%", " × {times}", " + {margin}个百分点"),
}
# the contract's own terms, in the same sentence
_CONTRACT_SHAPES = {
    "en": {"year": "the contractual {rate}% a year", "month": "the contractual {rate}% a month"},
    "de": {
        "year": "vertraglichen Zinssatz von {rate}" + NBSP + "% im Jahr",
        "month": "vertraglichen Zinssatz von {rate}" + NBSP + "% im Monat",
    },
    "fr": {
        "year": "taux contractuel de {rate}" + NNBSP + "% par an",
        "month": "taux contractuel de {rate}" + NNBSP + "% par mois",
    },
    "zh": {"year": "合同约定的年利率{rate}%", "month": "合同约定的月利率{rate}%"},
}
_RATES_JOIN = {"en": "; ", "de": "; ", "fr": NNBSP + "; ", "zh": "；"}


def colon(language: str) -> str:
    """A label's colon and the space after it: French puts a narrow no-break space before."""
    return NNBSP + ": " if language == "fr" else ": "


INTEREST_AT = {
    "en": "Interest to {day} at {rates}.",
    "de": "Zinsen berechnet bis zum {day} zum {rates}.",
    "fr": "Intérêts calculés jusqu'au {day} au {rates}.",
    "zh": "利息计算至{day}，适用{rates}。",
}


def interest_at_words(rates: Any, day: date, language: str) -> str:
    """The day interest is calculated to and the rates: "Interest to 4 December 2026 at 8.00% a
    year: ECB 0.00% + 8 points." (a statement's, a claim's; a letter's template says it so)."""
    shape = INTEREST_AT.get(language, INTEREST_AT["en"])
    return shape.format(day=date_words(day, language), rates=rates_words(rates, language))


def _number(value: Decimal, places: int | None, language: str) -> str:
    """A percentage as the language writes it: 8.00 / 8,00; `places` None: as stated."""
    text = f"{value:.{places}f}" if places is not None else rate_text(value)
    return text.replace(".", ",") if language in ("de", "fr") else text


def rate_words_of_contract(contract: Any, language: str) -> str:
    """The debtor's own terms: "the contractual 1% a month"."""
    shape = _CONTRACT_SHAPES.get(language, _CONTRACT_SHAPES["en"])[contract.per.value]
    return shape.format(rate=_number(contract.percent, None, language))


def rate_words(used: Any, language: str) -> str:
    """How a rate was made (`RateUsed`): "8.00% a year: ECB 0.00% + 8 points", or the
    contract's own terms ("the contractual 1% a month")."""
    if used.contract is not None:
        return rate_words_of_contract(used.contract, language)
    whole, reference, times, margin = _RATE_SHAPES.get(language, _RATE_SHAPES["en"])
    series = SERIES_WORDS.get(language, SERIES_WORDS["en"]).get(used.series or "", used.series)
    how = reference.format(
        series=series, reference=_number(used.reference or Decimal(0), 2, language)
    )
    if used.multiplier != 1:
        how += times.format(times=_number(used.multiplier, None, language))
    if used.margin:
        how += margin.format(margin=_number(used.margin, None, language))
    return whole.format(rate=_number(used.rate, 2, language), how=how)


def rates_words(rates: Any, language: str) -> str:
    """Every rate used, in the order first used."""
    return _RATES_JOIN.get(language, "; ").join(rate_words(r, language) for r in rates)


def money_words(amount: Money, language: str) -> str:
    """EUR 1,234.50 / 1.234,50 € / 1 234,50 € / €1,234.50, as the language writes it."""
    places = exponent(amount.currency)
    exact = amount.amount.quantize(Decimal(1).scaleb(-places))
    shape = _money_shape(amount.currency, language)
    if shape is None or exact < 0:
        return format_currency(exact, amount.currency, locale=_locale(language))
    prefix, suffix, group, decimal = shape
    return f"{prefix}{_digits(exact, places, group, decimal)}{suffix}"


def _digits(exact: Decimal, places: int, group: str, decimal: str) -> str:
    whole, _, fraction = f"{exact:.{places}f}".partition(".")
    chunks = [whole[max(0, i - 3) : i] for i in range(len(whole), 0, -3)][::-1]
    return group.join(chunks) + (decimal + fraction if places else "")


@lru_cache(maxsize=256)
def _money_shape(currency: str, language: str) -> tuple[str, str, str, str] | None:
    """What Babel writes around an amount in this currency and language, learnt once from a
    probe (Babel's formatting is most of a letter's cost): the text before and after the
    number, and the group and decimal marks (these locales group by three). None: the probe
    does not split so, and Babel formats each amount."""
    locale = _locale(language)
    places = exponent(currency)
    group, decimal = get_group_symbol(locale=locale), get_decimal_symbol(locale=locale)
    probe = Decimal("1234567.125").quantize(Decimal(1).scaleb(-places))
    written = format_currency(probe, currency, locale=locale)
    number = _digits(probe, places, group, decimal)
    if written.count(number) != 1:
        return None
    prefix, _, suffix = written.partition(number)
    return prefix, suffix, group, decimal


def date_words(day: date, language: str) -> str:
    """4 December 2026 / 4. Dezember 2026 / 4 décembre 2026 / 2026年12月4日."""
    return format_date(day, format="long", locale=_locale(language))


def date_short_words(day: date, language: str) -> str:
    """04/12/2026 / 04.12.26 / 04/12/2026 / 2026/12/4: a date in a table."""
    return format_date(day, format="short", locale=_locale(language))


@lru_cache(maxsize=16)
def _locale(language: str) -> Locale:
    """The language's CLDR locale, parsed once per process (Babel parses a name on each call)."""
    return Locale.parse(LOCALES[language])


def queued_words(m: Any) -> str:
    """A message the desk queued: 'M12: letter of final notice queued (sent by the worker)'."""
    how = "the worker sends it" if m.channel == "email" else "it goes out in the next print batch"
    return f"M{m.pk}: {m.channel} of {say(m.step_code)} {say(m.state)} to {m.recipient.splitlines()[0]}; {how}"


def retried_words(done: Any) -> str:
    """What `outbox retry --failed` queued again (`services.Retried`), and what it could not."""
    if not (done.count or done.no_address):
        return "no failed messages: nothing queued again\n"
    ids = ", ".join(f"M{pk}" for pk in (*done.emails, *done.letters))
    lines = []
    if done.count:
        lines.append(
            f"queued again: {done.count} failed message{'s' if done.count != 1 else ''} "
            f"({len(done.emails)} email{'s' if len(done.emails) != 1 else ''}, the worker sends "
            f"them; {len(done.letters)} letter{'s' if len(done.letters) != 1 else ''}, in the "
            f"next print batch): {ids}"
        )
    if done.no_address:
        still = ", ".join(f"M{pk}" for pk in done.no_address)
        lines.append(
            f"still failed, nobody to send them to (add the debtor's email or postal address "
            f"in the ERP, or mark them handled): {still}"
        )
    return "\n".join(lines) + "\n"


def letter_preview_words(subject: str, body: str) -> str:
    """A letter shown as text: its subject, a blank line, its body."""
    return f"Subject: {subject}\n\n{body}"


def interest_not_shown_words(refusal_words: str) -> str:
    """A letter whose interest is claimed without a figure, and why (the refusal in words):
    what is missing is said, never a silent zero; the compensation and fees are still shown."""
    return f"statutory interest claimed without a figure: {refusal_words}\n"


def without_interest_words(count: int, refusal_words: str) -> str:
    """How many queued messages claim their interest without a figure (a day past the rate
    table), and what to do about it (the refusal names the file to put)."""
    many = "message claims" if count == 1 else "messages claim"
    return f"{count} queued {many} statutory interest without a figure: {refusal_words}\n"


def case_without_interest_words(sent: int, to_send: int, refusal_words: str) -> str:
    """The case page's warning: how many of the case's letters and emails went out, and how
    many will, claiming statutory interest without a figure, and what to put (the refusal
    names the file) so that the next ones state it."""
    parts = []
    if sent:
        parts.append(f"{sent} {'message' if sent == 1 else 'messages'} went out")
    if to_send:
        parts.append(f"{to_send} {'message' if to_send == 1 else 'messages'} will go out")
    return f"{' and '.join(parts)} claiming statutory interest without a figure: {refusal_words}"


def sender_details_words(s: SenderDetails) -> str:
    """A company's sender details: name, email and address; where to pay; the reference."""
    address = " · ".join(s.address.splitlines())
    account = " ".join(x for x in (s.iban, s.bic, s.account, s.bank) if x)
    imprint = " · ".join(
        f"{k}: {v}"
        for k, v in (("phone", s.phone), ("country", s.country), ("VAT id", s.vat_id),
                     ("registration", s.registration), ("directors", s.directors))
        if v
    )  # fmt: skip
    return (
        f"{s.name} <{s.email}>, {address}\npay to: {account}\nreference: {s.reference_format}\n"
        + (f"imprint: {imprint}\n" if imprint else "")
    )


# --- a credit manager's own templates and tone phrases (`template_settings`) -----------------

TEMPLATE_WORDS = {
    "template.unknown_language": "{language!r} is not a language we write in: use one of {known}",
    "template.unknown_channel": "{channel!r} is not a channel a template is written for: use "
    "one of {known}",
    "template.unknown_step": "{step!r} is not a step a letter or email is sent at: use one of "
    "{known}",
    "template.empty": "the template is empty: give its text (a first line 'subject: ...', "
    "then the body)",
    "template.too_long": "the template is longer than {most} characters",
    "template.hedging": "line {line}: {found!r} hedges or apologises (rule 10: concise, firm; "
    "remove it)",
    "template.unknown_placeholder": "line {line}: {name!r} is not a figure a letter has: use "
    "one of {known}",
    "template.tag_not_allowed": "line {line}: the tag {tag!r} may not be used in a template: "
    "use one of {known}",
    "template.bad_for": "line {line}: a loop reads 'for l in lines'",
    "template.missing_figure": "the template must say how much and by when (rule 10): it names "
    "neither {names}",
    "tone.empty": "give the phrase to refuse",
    "tone.too_long": "the phrase is longer than {most} characters",
    "tone.in_use": "{phrase!r} is in the {language} {channel} template of {step} (line "
    "{line}): change that template first, or its messages could not be sent",
    "tone.shipped": "{phrase!r} is on the shipped {language} list: the list is extended, never "
    "shortened",
    "tone.not_listed": "{phrase!r} is not one of the company's own {language} phrases",
}

TEMPLATE_SOURCE = {True: "the company's own", False: "shipped"}


def template_row_line(step: str, channel: str, language: str, own: bool, shipped: bool) -> str:
    """`arrears template list`: one template a line, and whose it is."""
    whose = TEMPLATE_SOURCE[own] if (own or shipped) else "none (a step without a template)"
    return f"{step:<14} {channel:<7} {language}  {whose}"


def template_saved_words(step: str, channel: str, language: str, changed: bool) -> str:
    if not changed:
        return f"the {language} {channel} template of {step} already says that: nothing changed"
    return f"the {language} {channel} template of {step} is now the company's own (checked)"


def template_reset_words(step: str, channel: str, language: str, changed: bool) -> str:
    if not changed:
        return f"the {language} {channel} template of {step} is the shipped one already"
    return f"the {language} {channel} template of {step} is the shipped one again"


def template_heading_words(step: str, channel: str, language: str, own: bool) -> str:
    return f"# {step}, {channel}, {language}: {TEMPLATE_SOURCE[own]}"


def tone_lines(language: str, shipped: tuple[str, ...], own: tuple[str, ...]) -> list[str]:
    """`arrears tone list`: a language's refused phrases, shipped then the company's own."""
    return [
        f"{language}:",
        *(f"  {p}" for p in shipped),
        *(f"  {p}  (the company's own)" for p in own),
    ]


def tone_changed_words(language: str, phrase: str, changed: bool, added: bool) -> str:
    if not changed:
        return f"{phrase!r} is refused in {language} already: nothing changed"
    if added:
        return f"{phrase!r} is now refused in the company's {language} templates"
    return f"{phrase!r} is no longer on the company's {language} list"


# The statement of account (`pdf.statement_pdf`, `statements.statement_xlsx`), by language.
_STATEMENT_EN = {
    "statement": "Statement of account",
    "debtor": "Customer",
    "as_of": "As of",
    "from": "From",
    "to": "To",
    "item": "Item",
    "kind": "Kind",
    "date": "Date",
    "due": "Due",
    "days_overdue": "Days overdue",
    "currency": "Currency",
    "amount": "Amount",
    "paid": "Paid",
    "open": "Open",
    "interest": "Interest",
    "compensation": "Compensation",
    "fees": "Fees",
    "total_due": "Total due",
    "unapplied": "Unapplied payments",
    "received": "Received",
    "payment_reference": "Payment reference",
    "applied_to": "Applied to",
    "payments": "Payments received",
    "none": "none",
    "totals": "Totals",
    "pay_to": "Pay to",
    "regime": "Late interest",
    "rate": "Rate",
    "no_interest": "late interest not shown: no regime applies",
    "interest_under": "Interest to {day} under {regime} ({source}).",
    # the workbook's sheets, and the kinds of item
    "sheet_items": "items",
    "sheet_payments": "payments",
    "sheet_totals": "totals",
    "sheet_about": "about",
    "invoice": "invoice",
    "debit_note": "debit note",
    "instalment": "instalment",
    "credit_note": "credit note",
}
STATEMENT_LABELS: dict[str, dict[str, str]] = {
    "en": _STATEMENT_EN,
    "de": {
        **_STATEMENT_EN,
        "statement": "Kontoauszug",
        "debtor": "Kunde",
        "as_of": "Stand",
        "from": "Von",
        "to": "An",
        "item": "Beleg",
        "kind": "Art",
        "date": "Datum",
        "due": "Fällig",
        "days_overdue": "Tage überfällig",
        "currency": "Währung",
        "amount": "Betrag",
        "paid": "Bezahlt",
        "open": "Offen",
        "interest": "Zinsen",
        "compensation": "Pauschale",
        "fees": "Gebühren",
        "total_due": "Gesamtforderung",
        "unapplied": "Nicht zugeordnete Zahlungen",
        "received": "Eingang",
        "payment_reference": "Zahlungsreferenz",
        "applied_to": "Verrechnet mit",
        "payments": "Zahlungseingänge",
        "none": "keine",
        "totals": "Summen",
        "pay_to": "Zahlung an",
        "regime": "Verzugszinsen",
        "rate": "Zinssatz",
        "interest_under": "Zinsen bis {day} nach {regime} ({source}).",
        "no_interest": "Verzugszinsen nicht ausgewiesen: keine Regelung anwendbar",
        "sheet_items": "Belege",
        "sheet_payments": "Zahlungen",
        "sheet_totals": "Summen",
        "sheet_about": "Angaben",
        "invoice": "Rechnung",
        "debit_note": "Belastungsanzeige",
        "instalment": "Rate",
        "credit_note": "Gutschrift",
    },
    "fr": {
        **_STATEMENT_EN,
        "statement": "Relevé de compte",
        "debtor": "Client",
        "as_of": "Au",
        "from": "De",
        "to": "À",
        "item": "Pièce",
        "kind": "Type",
        "date": "Date",
        "due": "Échéance",
        "days_overdue": "Jours de retard",
        "currency": "Devise",
        "amount": "Montant",
        "paid": "Payé",
        "open": "Restant dû",
        "interest": "Intérêts",
        "compensation": "Indemnité",
        "fees": "Frais",
        "total_due": "Total dû",
        "unapplied": "Paiements non affectés",
        "received": "Reçu le",
        "payment_reference": "Référence du paiement",
        "applied_to": "Affecté à",
        "payments": "Paiements reçus",
        "none": "aucun",
        "totals": "Totaux",
        "pay_to": "Paiement à",
        "regime": "Intérêts de retard",
        "rate": "Taux",
        "interest_under": "Intérêts au {day} selon {regime} ({source}).",
        "no_interest": "intérêts de retard non indiqués : aucun régime applicable",
        "sheet_items": "Pièces",
        "sheet_payments": "Paiements",
        "sheet_totals": "Totaux",
        "sheet_about": "Informations",
        "invoice": "facture",
        "debit_note": "note de débit",
        "instalment": "échéance",
        "credit_note": "avoir",
    },
    "zh": {
        **_STATEMENT_EN,
        "statement": "对账单",
        "debtor": "客户",
        "as_of": "截至",
        "from": "发件人",
        "to": "收件人",
        "item": "单据",
        "kind": "类型",
        "date": "日期",
        "due": "到期日",
        "days_overdue": "逾期天数",
        "currency": "币种",
        "amount": "金额",
        "paid": "已付",
        "open": "未付金额",
        "interest": "利息",
        "compensation": "补偿金",
        "fees": "费用",
        "total_due": "应付总额",
        "unapplied": "未核销付款",
        "received": "收款日",
        "payment_reference": "付款编号",
        "applied_to": "核销至",
        "payments": "已收付款",
        "none": "无",
        "totals": "合计",
        "pay_to": "收款账户",
        "regime": "逾期利息",
        "rate": "利率",
        "interest_under": "截至{day}的利息，依据{regime}（{source}）。",
        "no_interest": "未列逾期利息：无适用规定",
        "sheet_items": "单据",
        "sheet_payments": "付款",
        "sheet_totals": "合计",
        "sheet_about": "说明",
        "invoice": "发票",
        "debit_note": "借项通知单",
        "instalment": "分期付款",
        "credit_note": "贷项通知单",
    },
}


def statement_written_words(debtor: str, as_of: date, items: int, currencies: int) -> str:
    return (
        f"statement of {debtor} as of {as_of}: {items} open item{'' if items == 1 else 's'}, "
        f"{currencies} currenc{'y' if currencies == 1 else 'ies'}\n"
    )


# The claim pack's own PDF (`pdf.claim_pdf`), in the debtor's language as its statement is
# (the history's lines are the desk's own words, in English).
_CLAIM_EN = {
    "title": "Claim against {debtor} ({currency}) as of {day}",
    "regime": "Late interest: {regime} ({source}), computed to and including {day}, each rate "
    "period shown.",
    "no_regime": "Late interest not computed: {why}",
    "item": "Item",
    "first": "From",
    "last": "To",
    "days": "Days",
    "principal": "Principal",
    "rate": "Rate % p.a.",
    "interest": "Interest",
    "compensation": "Statutory compensation: {amount}",
    "no_periods": "no interest: not overdue, or no regime",
    "summary": "Claimed",
    "open": "Open principal overdue",
    "not_due": "Not yet due (not claimed)",
    "interest_total": "Interest to the day",
    "compensation_total": "Fixed compensation",
    "fees": "Fees",
    "unapplied": "Less unapplied payments",
    "total": "Total claimed",
    "history": "Contact history ({n} entries, in order)",
    "entry": "What happened, day by day",
    "limitation": "Limitation ({rule}): legal is asked {days} days before each claim's last day",
    "last_day": "Last day",
    "ask_legal": "Legal asked from",
    "restarted": "Restarted on",
    "barred": "time-barred",
}
CLAIM_LABELS: dict[str, dict[str, str]] = {
    "en": _CLAIM_EN,
    "de": {
        **_CLAIM_EN,
        "title": "Forderung gegen {debtor} ({currency}) zum {day}",
        "regime": "Verzugszinsen: {regime} ({source}), berechnet bis einschließlich {day}, je "
        "Zinsperiode ausgewiesen.",
        "no_regime": "Verzugszinsen nicht berechnet: {why}",
        "item": "Beleg",
        "first": "Von",
        "last": "Bis",
        "days": "Tage",
        "principal": "Hauptforderung",
        "rate": "Zinssatz % p.a.",
        "interest": "Zinsen",
        "compensation": "Gesetzliche Pauschale: {amount}",
        "no_periods": "keine Zinsen: nicht überfällig, oder keine Regelung",
        "summary": "Gefordert",
        "open": "Offene Hauptforderung",
        "interest_total": "Zinsen bis heute",
        "compensation_total": "Pauschalen",
        "fees": "Gebühren",
        "unapplied": "Abzüglich nicht zugeordneter Zahlungen",
        "total": "Gesamtforderung",
        "history": "Kontaktverlauf ({n} Einträge, in Reihenfolge)",
        "entry": "Was geschah, Tag für Tag",
        "limitation": "Verjährung ({rule}): die Rechtsabteilung wird {days} Tage vor dem "
        "letzten Tag jeder Forderung befasst",
        "last_day": "Letzter Tag",
        "ask_legal": "Rechtsabteilung ab",
        "restarted": "Neubeginn am",
        "barred": "verjährt",
    },
    "fr": {
        **_CLAIM_EN,
        "title": "Créance sur {debtor} ({currency}) au {day}",
        "regime": "Intérêts de retard : {regime} ({source}), calculés jusqu'au {day} inclus, "
        "par période de taux.",
        "no_regime": "Intérêts de retard non calculés : {why}",
        "item": "Pièce",
        "first": "Du",
        "last": "Au",
        "days": "Jours",
        "principal": "Principal",
        "rate": "Taux % l'an",
        "interest": "Intérêts",
        "compensation": "Indemnité forfaitaire : {amount}",
        "no_periods": "pas d'intérêts : non échu, ou aucun régime",
        "summary": "Montant réclamé",
        "open": "Principal restant dû",
        "interest_total": "Intérêts à ce jour",
        "compensation_total": "Indemnités forfaitaires",
        "fees": "Frais",
        "unapplied": "Moins les paiements non affectés",
        "total": "Total réclamé",
        "history": "Historique des contacts ({n} entrées, dans l'ordre)",
        "entry": "Ce qui s'est passé, jour par jour",
        "limitation": "Prescription ({rule}) : le service juridique est saisi {days} jours "
        "avant le dernier jour de chaque créance",
        "last_day": "Dernier jour",
        "ask_legal": "Juridique saisi le",
        "restarted": "Nouveau délai le",
        "barred": "prescrite",
    },
    "zh": {
        **_CLAIM_EN,
        "title": "截至{day}对{debtor}（{currency}）的债权",
        "regime": "逾期利息：{regime}（{source}），计算至{day}（含当日），按利率期间列示。",
        "no_regime": "未计算逾期利息：{why}",
        "item": "单据",
        "first": "起",
        "last": "止",
        "days": "天数",
        "principal": "本金",
        "rate": "年利率 %",
        "interest": "利息",
        "compensation": "法定补偿金：{amount}",
        "no_periods": "无利息：未逾期，或无适用规定",
        "summary": "主张金额",
        "open": "未付本金",
        "interest_total": "截至当日利息",
        "compensation_total": "固定补偿金",
        "fees": "费用",
        "unapplied": "减：未核销付款",
        "total": "主张总额",
        "history": "联系记录（{n}条，按时间顺序）",
        "entry": "逐日经过",
        "limitation": "诉讼时效（{rule}）：每项债权最后一日前{days}天交法务处理",
        "last_day": "最后一日",
        "ask_legal": "交法务日期",
        "restarted": "重新起算日",
        "barred": "已过诉讼时效",
    },
}


def claim_pack_written_words(path: object, size: int, entries: int) -> str:
    return f"claim pack written to {path} ({size:,} bytes; {entries} history entries)\n"


def call_script_lines(s: Any) -> list[str]:
    """A call script (`call_scripts.CallScript`) as the collector reads it: who to call, what
    to say (amount, how long overdue, the cost so far, what by when, what follows), and the
    answer to each likely excuse. Firm and concise (rule 10)."""
    lines = [f"Call script: {s.debtor_code} {s.debtor_name}, {s.currency}, step {s.step_name}"]
    if not s.contacts:
        lines.append("  who: no contact recorded: find the debtor's accounts payable first")
    for c in s.contacts:
        reach = " · ".join(x for x in (c.phone, c.email) if x) or "no phone or email"
        lines.append(f"  who: {c.name}{' (primary)' if c.primary else ''}: {reach}")
    lines.append(f"  say: {s.say or call_script_say(s)}")
    lines.append("  if they say:")
    for a in s.excuses:
        before = " (said before on this case)" if a.excuse in s.heard_before else ""
        lines.append(f"    {a.heard}{before}")
        lines.append(f"      answer: {a.answer}")
    return lines


# What the collector says on the phone (`call_script_say`), in the debtor's language as its
# letters are written: firm and concise (rule 10), as the letters are.
CALL_SAY = {
    "en": {
        "open1": "This is {company} about your account {code}. 1 invoice of {overdue} is "
        "overdue, by {days} days.",
        "open": "This is {company} about your account {code}. {n} invoices totalling {overdue} "
        "are overdue, the oldest by {days} days.",
        "cost": " The delay has cost {interest} in interest and {fees} in compensation for "
        "recovery costs and fees so far ({regime}); the interest keeps running until payment.",
        "cost_unknown": " The delay has cost {fees} in compensation for recovery costs and fees "
        "so far, and interest on top ({regime}), which keeps running until payment.",
        "pay": " We need payment of {total} by {pay_by}. Give me the date and the amount you "
        "will pay.",
        "next": " If it is not paid by then, {next} follows.",
    },
    "de": {
        "open1": "Hier spricht {company} wegen Ihres Kontos {code}. 1 Rechnung über {overdue} "
        "ist überfällig, seit {days} Tagen.",
        "open": "Hier spricht {company} wegen Ihres Kontos {code}. {n} Rechnungen über "
        "insgesamt {overdue} sind überfällig, die älteste seit {days} Tagen.",
        "cost": " Der Zahlungsverzug hat bisher {interest} Zinsen und {fees} "
        "Beitreibungspauschale und Gebühren gekostet ({regime}); die Zinsen laufen bis zur "
        "Zahlung weiter.",
        "cost_unknown": " Der Zahlungsverzug hat bisher {fees} Beitreibungspauschale und "
        "Gebühren gekostet, dazu Zinsen ({regime}), die bis zur Zahlung weiterlaufen.",
        "pay": " Wir brauchen die Zahlung von {total} bis zum {pay_by}. Nennen Sie mir das "
        "Datum und den Betrag Ihrer Zahlung.",
        "next": " Geht die Zahlung bis dahin nicht ein, folgt der nächste Schritt: {next}.",
    },
    "fr": {
        "open1": "Ici {company}, au sujet de votre compte {code}. 1 facture de {overdue} est en "
        "retard, depuis {days} jours.",
        "open": "Ici {company}, au sujet de votre compte {code}. {n} factures d'un total de "
        "{overdue} sont en retard, la plus ancienne depuis {days} jours.",
        "cost": " Le retard a déjà coûté {interest} d'intérêts et {fees} d'indemnité "
        "forfaitaire pour frais de recouvrement et de frais ({regime})\u202f; les intérêts "
        "courent jusqu'au paiement.",
        "cost_unknown": " Le retard a déjà coûté {fees} d'indemnité forfaitaire pour frais de "
        "recouvrement et de frais, et des intérêts en plus ({regime})\u202f; les intérêts "
        "courent jusqu'au paiement.",
        "pay": " Nous exigeons le paiement de {total} au plus tard le {pay_by}. Donnez-moi la "
        "date et le montant de votre paiement.",
        "next": " À défaut de paiement à cette date, l'étape suivante s'applique\u202f: {next}.",
    },
    "zh": {
        "open1": "这里是{company}，关于贵方账户{code}。1张发票计{overdue}已逾期{days}天。",
        "open": "这里是{company}，关于贵方账户{code}。{n}张发票合计{overdue}已逾期，最早一张已"
        "逾期{days}天。",
        "cost": "逾期至今已产生利息{interest}，以及追偿费用补偿和费用{fees}（{regime}）；利息"
        "持续计算至付款之日。",
        "cost_unknown": "逾期至今已产生追偿费用补偿和费用{fees}，另加利息（{regime}）；利息持续计算至"
        "付款之日。",
        "pay": "我方要求贵方于{pay_by}前支付{total}。请告诉我贵方的付款日期和金额。",
        "next": "届时仍未付款的，我方将采取下一步措施：{next}。",
    },
}


def call_script_say(s: Any) -> str:
    """What the collector says at this step, in the script's language (the debtor's, as its
    letters): the amount, how long overdue, the cost so far, what must happen by when, and
    what follows if not."""
    language = getattr(s, "language", "en")
    words = CALL_SAY[language]

    def m(amount: Money) -> str:
        return money_words(amount, language)

    say_ = words["open1" if s.items == 1 else "open"].format(
        company=s.company, code=s.debtor_code, n=s.items, overdue=m(s.overdue),
        days=s.most_days_overdue,
    )  # fmt: skip
    if s.regime and not getattr(s, "interest_known", True):
        say_ += words["cost_unknown"].format(fees=m(s.fees), regime=s.regime)
    elif s.regime and (s.interest.amount or s.fees.amount):
        say_ += words["cost"].format(interest=m(s.interest), fees=m(s.fees), regime=s.regime)
    say_ += words["pay"].format(total=m(s.total), pay_by=date_words(s.pay_by, language))
    if s.next_step:
        following = s.next_step.lower() if language == "en" else s.next_step
        say_ += words["next"].format(next=following)
    return say_


# The shipped ladder steps' names (`arrears.domain.ladder.DEFAULT_STRATEGIES`) in each language
# a letter or a call script is written in: what follows if the debtor does not pay. A step the
# company named itself keeps its own name, as written.
STEP_NAMES: dict[str, dict[str, str]] = {
    "courtesy": {
        "en": "Courtesy reminder",
        "de": "Zahlungserinnerung",
        "fr": "Rappel de courtoisie",
        "zh": "友情提醒",
    },
    "reminder": {"en": "Reminder", "de": "Mahnung", "fr": "Relance", "zh": "催款通知"},
    "call": {
        "en": "Phone call",
        "de": "Telefonanruf",
        "fr": "Appel téléphonique",
        "zh": "电话催收",
    },
    "firm_demand": {
        "en": "Firm demand",
        "de": "Nachdrückliche Zahlungsaufforderung",
        "fr": "Mise en demeure",
        "zh": "正式催告函",
    },
    "final_notice": {
        "en": "Final notice",
        "de": "Letzte Mahnung",
        "fr": "Dernier avis avant poursuites",
        "zh": "最后通知",
    },
    "legal": {
        "en": "Hand-over to legal",
        "de": "Übergabe an die Rechtsabteilung",
        "fr": "Transmission au service juridique",
        "zh": "移交法务处理",
    },
}


def step_name_words(code: str, name: str, language: str) -> str:
    """The name of a ladder step in `language`: a shipped step's (`STEP_NAMES`) when the
    company kept its shipped English name, else the name as the company wrote it."""
    shipped = STEP_NAMES.get(code)
    if shipped is None or " ".join(name.split()).casefold() != shipped["en"].casefold():
        return name
    return shipped.get(language, name)


# The likely excuses and their prepared answers (`arrears.domain.excuses.CATALOGUE`, whose
# English they are) in the other languages a call script is written in: (heard, answer).
EXCUSE_WORDS: dict[str, dict[str, tuple[str, str]]] = {
    "de": {
        "no_money": (
            "Wir haben kein Geld / wir haben Liquiditätsprobleme.",
            "Dann zahlen Sie heute einen Teil, und wir legen jetzt die Termine für den Rest "
            "fest. Für jeden Tag, an dem der Betrag offen bleibt, laufen Zinsen.",
        ),
        "others_owe_us": (
            "Andere schulden uns Geld.",
            "Was Ihre Kunden Ihnen schulden, ist Sache zwischen Ihnen und ihnen. Wo wir Ihnen "
            "etwas schulden, rechnen wir heute auf. Für den Rest brauche ich ein Datum.",
        ),
        "invoice_not_received": (
            "Wir haben die Rechnung nie erhalten.",
            "Ich schicke Ihnen jetzt eine Kopie. Bestätigen Sie den Eingang und zahlen Sie "
            "innerhalb von 48 Stunden.",
        ),
        "signatory_away": (
            "Die Person, die unterschreibt / zahlt, ist nicht da.",
            "Wer ist die Vertretung? Verbinden Sie mich mit ihr. Wir legen das Zahlungsdatum "
            "heute fest.",
        ),
        "payment_in_process": (
            "Das wird gerade bearbeitet / die Zahlung ist unterwegs.",
            "Nennen Sie mir jetzt die Zahlungsreferenz, den Betrag und das Valutadatum, damit "
            "ich es prüfen kann.",
        ),
        "goods_problem": (
            "Es gibt ein Problem mit der Ware.",
            "Sagen Sie mir, welche Positionen und welcher Betrag. Für diesen Teil eröffne ich "
            "eine Reklamation mit Frist; der unstrittige Teil ist jetzt fällig.",
        ),
        "pay_when_business_picks_up": (
            "Wir zahlen, wenn das Geschäft wieder besser läuft.",
            "Wir haben Ihnen Kredit gewährt und tragen die Zinsen dafür. Das ist kein "
            "Gefallen, den Sie uns tun. Ich brauche ein Datum.",
        ),
        "already_paid": (
            "Wir haben schon bezahlt.",
            "Schicken Sie mir den Zahlungsnachweis: Datum, Betrag und das Konto, auf das Sie "
            "gezahlt haben. Ich prüfe es heute.",
        ),
        "missing_purchase_order": (
            "Auf der Rechnung fehlt unsere Bestellnummer.",
            "Nennen Sie mir die Nummer jetzt. Ich schicke Ihnen die Rechnung heute mit der "
            "Nummer, und das Fälligkeitsdatum bleibt.",
        ),
        "next_payment_run": (
            "Das geht in unseren nächsten Zahlungslauf.",
            "Diese Rechnung ist überfällig, also kommt sie in den Zahlungslauf dieser Woche. "
            "An welchem Tag ist er, und wer gibt ihn frei?",
        ),
        "sales_promised_other_terms": (
            "Ihr Vertrieb hat uns andere Konditionen zugesagt.",
            "Es gelten die Bedingungen aus Vertrag und Rechnung. Ich kläre das heute mit dem "
            "Vertrieb; bis dahin ist der Betrag wie in Rechnung gestellt fällig.",
        ),
    },
    "fr": {
        "no_money": (
            "Nous n'avons pas d'argent / nous avons des problèmes de trésorerie.",
            "Alors payez une partie aujourd'hui, et nous fixons maintenant les dates pour le "
            "reste. Les intérêts courent chaque jour où le solde reste impayé.",
        ),
        "others_owe_us": (
            "D'autres nous doivent de l'argent.",
            "Ce que vos clients vous doivent ne regarde que vous et eux. Là où nous vous "
            "devons de l'argent, nous compensons aujourd'hui. Pour le reste, il me faut une "
            "date.",
        ),
        "invoice_not_received": (
            "Nous n'avons jamais reçu la facture.",
            "Je vous en envoie une copie maintenant. Confirmez sa réception et payez sous "
            "48 heures.",
        ),
        "signatory_away": (
            "La personne qui signe / qui paie est absente.",
            "Qui la remplace\u202f? Passez-la-moi. Nous fixons la date de paiement aujourd'hui.",
        ),
        "payment_in_process": (
            "C'est en cours de traitement / le paiement est en route.",
            "Donnez-moi maintenant la référence du paiement, le montant et la date de valeur, "
            "pour que je le vérifie.",
        ),
        "goods_problem": (
            "Il y a un problème avec la marchandise.",
            "Dites-moi quels articles et quel montant. J'ouvre un litige avec une échéance pour "
            "cette partie\u202f; la partie non contestée est due maintenant.",
        ),
        "pay_when_business_picks_up": (
            "Nous paierons quand les affaires reprendront.",
            "Nous vous avons fait crédit et nous en payons les intérêts. Ce n'est pas une "
            "faveur que vous nous faites. Il me faut une date.",
        ),
        "already_paid": (
            "Nous avons déjà payé.",
            "Envoyez-moi l'avis de paiement\u202f: date, montant et compte crédité. Je le "
            "vérifie aujourd'hui.",
        ),
        "missing_purchase_order": (
            "La facture ne porte pas notre numéro de bon de commande.",
            "Donnez-moi le numéro maintenant. Je vous envoie la facture avec ce numéro "
            "aujourd'hui, et l'échéance reste la même.",
        ),
        "next_payment_run": (
            "Ce sera dans notre prochaine campagne de paiements.",
            "Cette facture est en retard, elle entre donc dans la campagne de cette semaine. "
            "Quel jour a-t-elle lieu, et qui la valide\u202f?",
        ),
        "sales_promised_other_terms": (
            "Votre commercial nous a promis d'autres conditions.",
            "Les conditions du contrat et de la facture s'appliquent. Je vérifie aujourd'hui "
            "auprès du service commercial\u202f; d'ici là, le montant est dû tel que facturé.",
        ),
    },
    "zh": {
        "no_money": (
            "我们没有钱 / 我们资金周转困难。",
            "那就今天先付一部分，其余部分我们现在就约定日期。余额每拖欠一天，利息就继续计算。",
        ),
        "others_owe_us": (
            "别人也欠我们钱。",
            "贵方客户欠贵方的款项与我方无关。我方欠贵方的部分，今天即可抵销。其余部分，我需要"
            "一个付款日期。",
        ),
        "invoice_not_received": (
            "我们从未收到发票。",
            "我现在就把副本发给您。请确认收到，并在48小时内付款。",
        ),
        "signatory_away": (
            "负责签字 / 付款的人不在。",
            "谁是代理人？请把电话转给他。我们今天就确定付款日期。",
        ),
        "payment_in_process": (
            "正在处理中 / 款项已在途中。",
            "请现在告诉我付款参考号、金额和起息日，以便我核实。",
        ),
        "goods_problem": (
            "货物有问题。",
            "请告诉我是哪些货品、涉及多少金额。我将就这部分登记争议并设定期限；无争议的部分现在"
            "就应支付。",
        ),
        "pay_when_business_picks_up": (
            "等生意好转了我们再付。",
            "我方给予了贵方信用账期，并为此承担利息。付款不是贵方给我方的恩惠。我需要一个付款"
            "日期。",
        ),
        "already_paid": (
            "我们已经付过了。",
            "请把付款凭证发给我：付款日期、金额和收款账户。我今天核实。",
        ),
        "missing_purchase_order": (
            "发票上没有我们的采购订单号。",
            "请现在告诉我订单号。我今天就把注明订单号的发票发给您，付款到期日不变。",
        ),
        "next_payment_run": (
            "这笔款会放在我们下一次付款批次里。",
            "这张发票已经逾期，所以必须放进本周的付款批次。具体是哪一天？由谁审批？",
        ),
        "sales_promised_other_terms": (
            "贵方销售人员答应过我们其他条件。",
            "以合同和发票上的条款为准。我今天向销售部门核实；在此之前，款项按发票金额到期应付。",
        ),
    },
}


def excuse_words(excuse: str, heard: str, answer: str, language: str) -> tuple[str, str]:
    """An excuse as the debtor puts it and the prepared answer, in `language`: the
    catalogue's English (`heard`, `answer`) where no other words are given."""
    return EXCUSE_WORDS.get(language, {}).get(excuse, (heard, answer))


def call_script_heading(is_call: bool) -> str:
    return "call script:" if is_call else "call script (the pending action is not a call):"


def no_call_script_words(reason: str) -> str:
    """Why a pending call has no script (`reason`: the refusal in words), e.g. an approved
    set-off covers all that was overdue."""
    return f"no call script: {reason}"


# --- the letterhead and the imprint of a letter (`pdf`) ---------------------------------------

LETTERHEAD_LABELS: dict[str, dict[str, str]] = {
    "en": {
        "phone": "Phone",
        "email": "Email",
        "vat_id": "VAT no.",
        "registration": "Registered",
        "directors": "Directors",
        "payment_reference": "Payment reference",
    },
    "de": {
        "phone": "Telefon",
        "email": "E-Mail",
        "vat_id": "USt-IdNr.",
        "registration": "Registergericht",
        "directors": "Geschäftsführung",
        "payment_reference": "Verwendungszweck",
    },
    "fr": {
        "phone": "Tél.",
        "email": "E-mail",
        "vat_id": "N° TVA",
        "registration": "Immatriculation",
        "directors": "Dirigeants",
        "payment_reference": "Référence du paiement",
    },
    "zh": {
        "phone": "电话",
        "email": "电子邮件",
        "vat_id": "税号",
        "registration": "注册登记",
        "directors": "法定代表人",
        "payment_reference": "付款备注",
    },
}


def country_words(code: str, language: str) -> str:
    """The country `code` (ISO, e.g. "GB") named in `language` ("Vereinigtes Königreich");
    the code itself where Babel does not know it."""
    return str(Locale.parse(language).territories.get(code.upper(), code))


def iban_words(iban: str) -> str:
    """An IBAN as printed: in groups of four ("DE02 1203 0000 ...")."""
    flat = "".join(iban.split()).upper()
    return " ".join(flat[i : i + 4] for i in range(0, len(flat), 4))


def pay_to_words(parts: Iterable[str]) -> str:
    """Where to pay, as every letter, statement (PDF and XLSX) and email prints it: the
    account's parts (name, "IBAN ...", "BIC ...", account, bank) joined by " · ", the IBAN in
    groups of four (`iban_words`), however it was stored."""
    return " · ".join(f"IBAN {iban_words(p[5:])}" if p.startswith("IBAN ") else p for p in parts)


def email_payment_words(parts: Sequence[str], reference: str, language: str) -> str:
    """The last lines of an email that asks for payment: where to pay (`pay_to_words`) and,
    apart, the payment reference, in the message's language (as the letter prints them)."""
    pay_to = pay_to_words(p for p in parts if not (reference and p == reference))
    lines = [f"{LABELS[language]['pay_to']}{colon(language)}{pay_to}"]
    if reference and reference in parts:
        lines.append(
            f"{LETTERHEAD_LABELS[language]['payment_reference']}{colon(language)}{reference}"
        )
    return "\n".join(lines) + "\n"


# --- `arrears rates`: the reference-rate tables ------------------------------------------------


def rate_table_words(t: Any) -> str:
    """One table in use: its series, what it covers and where it comes from."""
    where = f"from {t.file}" if t.file else "shipped with arrears"
    return (
        f"{t.series}: {t.name}; {t.rates} rates from {t.first} to {t.covers_until} ({where}); "
        f"source: {t.source}"
    )


def rate_tables_words(tables: Any, refused: Any) -> str:
    """`arrears rates list`: each table in use, then each file of the folder that is refused."""
    from arrears.words import say as say_refusal

    lines = [rate_table_words(t) for t in tables]
    lines += [f"REFUSED: {path}: {say_refusal(why)}" for path, why in refused]
    lines.append(
        "The tables end where their sources' published rates end: a day after a table's last "
        "day is refused by name, never charged at a guessed rate."
    )
    return "\n".join(lines)


def rate_table_imported_words(done: Any) -> str:
    """What `arrears rates import` did."""
    t = done.table
    if not done.changed:
        return f"{t.series}: the same table is in use already (until {t.covers_until}): unchanged"
    return (
        f"{t.series}: imported, {t.rates} rates from {t.first} to {t.covers_until}, into {t.file}"
    )
