"""Reads for communications: the figures of the message a case's step sends, as of a day."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db.models import Count, Max

from arrears.apps.accounts.access import require
from arrears.apps.cases.models import Case
from arrears.apps.cases.selectors import holidays_for, open_items_of, strategies_for
from arrears.apps.common.reads import once
from arrears.apps.communications.models import OutboxMessage, SenderDetails
from arrears.apps.communications.presentation import LANGUAGES, step_name_words
from arrears.apps.ledger.models import (
    Allocation,
    Company,
    Debtor,
    ImportBatch,
    ImportKind,
    OpenItem,
)
from arrears.domain.access import Verb
from arrears.domain.interest import (
    ContractRate,
    Regime,
    applied_regime,
    contract_for,
    rate_table_from_text,
    shipped_regimes,
    shipped_tables,
    stated,
)
from arrears.domain.interest.rates import RateTable
from arrears.domain.ladder import Channel, acting_role
from arrears.domain.letters import Letter, OpenLine, letter
from arrears.domain.money import Money
from arrears.domain.outbox import OutboxState
from arrears.domain.refusal import Refusal
from arrears.words import say

# A letter, statement or script on a day (or for a debtor) the regime gives no rate for (a
# contract regime without a rate stated, the debtor's or the company's) is made without its
# interest and says why, never with a silent zero: these refusals.
INTEREST_NOT_SHOWN = ("interest.no_rate", "interest.not_for_debtor", "interest.no_contract_rate")

# The late-interest regime a company's jurisdiction applies (Company.jurisdiction).
REGIME_OF_JURISDICTION = {
    "EU": "eu_directive",
    "DE": "de_bgb",
    "FR": "fr_commerce",
    "NL": "nl_handelsrente",
    "IT": "it_dlgs_231",
    "ES": "es_ley_3_2004",
    "GB": "uk_late_payment",
    "UK": "uk_late_payment",
    "CN": "cn_lpr",
}


@dataclass(frozen=True)
class CaseLetter:
    letter: Letter
    language: str
    debtor: str
    company: str
    reference: str


def rate_tables_folder() -> Path:
    """Where newer reference-rate tables go (the shipped format, one CSV file per series): a
    file here replaces the shipped table of its series, no code change needed."""
    return Path(settings.DATA_DIR) / "rates"


def rate_tables() -> dict[str, RateTable]:
    """The shipped reference-rate tables, each replaced by a newer file in the folder. A file
    there that is not a table is refused in words naming it and its line
    (`interest.rates_folder`): never read as no rates, never a silent zero."""
    tables = shipped_tables()
    for path, table in rate_table_files():
        if isinstance(table, Refusal):
            raise Refusal(
                "interest.rates_folder", file=str(path), problem=say(table), folder=path.parent
            )
        tables[table.series] = table
    return tables


def rate_table_files() -> list[tuple[Path, RateTable | Refusal]]:
    """Each CSV file of the rates folder, read as a table or refused (why, with its line)."""
    folder = rate_tables_folder()
    out: list[tuple[Path, RateTable | Refusal]] = []
    for path in sorted(folder.glob("*.csv")) if folder.is_dir() else []:
        try:
            text = path.read_bytes().decode("utf-8-sig")
            out.append((path, rate_table_from_text(text, origin=path.name)))
        except Refusal as e:
            out.append((path, e))
        except UnicodeDecodeError:
            out.append((path, Refusal("interest.table_encoding", origin=path.name)))
        except OSError as e:
            out.append((path, Refusal("interest.table_unreadable", origin=path.name, why=e)))
    return out


def reductions_known_on(company: Company, as_of: date) -> date:
    """The day arrears learned what the ERP reduced its items by other than a payment (a
    credit note set against one): the latest items import up to `as_of`, else `as_of` (the
    KPIs' day). Interest on that part stops from then (`interest.debt_on_open`)."""
    at = once(
        ("reductions_known_on", company.pk, as_of),
        lambda: ImportBatch.objects.filter(
            company=company, kind=ImportKind.ITEMS, at__date__lte=as_of
        ).aggregate(at=Max("at"))["at"],
    )
    return at.date() if at is not None else as_of


# The regimes a credit manager may choose instead of the jurisdiction's (`interest_terms_set`).
CHOSEN_REGIMES = ("contract",)


@dataclass(frozen=True)
class InterestTerms:
    """A company's interest terms (`models.InterestSetting`; all empty without one)."""

    regime: str  # a regime chosen instead of the jurisdiction's ("": the jurisdiction's)
    contract: ContractRate | None  # the default contractual rate (None: none set)
    markup: Decimal | None  # the courts' markup where the regime makes it a setting


NO_TERMS = InterestTerms("", None, None)


def interest_terms_of(company: Company) -> InterestTerms:
    from arrears.apps.communications.models import InterestSetting

    own = once(
        ("interest_terms_of", company.pk),
        lambda: InterestSetting.objects.filter(company=company).first(),
    )
    if own is None:
        return NO_TERMS
    return InterestTerms(
        own.regime,
        stated(own.contract_rate, own.contract_rate_per),
        Decimal(own.markup) if own.markup else None,
    )


def regime_for(company: Company, terms: InterestTerms | None = None) -> Regime | None:
    """The regime the company charges: the one its credit manager chose, else its
    jurisdiction's (None: no regime is known for it), with its markup where that is a
    setting. Which one a debtor's debts are charged under is `regime_for_debtor`'s."""
    terms = interest_terms_of(company) if terms is None else terms
    code = terms.regime or REGIME_OF_JURISDICTION.get(company.jurisdiction.upper())
    if code is None:
        return None
    return applied_regime(shipped_regimes()[code], contract=None, markup=terms.markup)


@dataclass(frozen=True)
class Charged:
    """The regime a debtor's debts are charged under, and the contractual rate it charges."""

    regime: Regime | None
    contract: ContractRate | None


def regime_for_debtor(
    company: Company, debtor: Debtor, terms: InterestTerms | None = None
) -> Charged:
    """The debtor's contractual rate (the ERP's, else the company's default) and the regime
    it is charged under (`applied_regime`: China gives way to a stated contract rate)."""
    terms = interest_terms_of(company) if terms is None else terms
    regime = regime_for(company, terms)
    contract = contract_for(debtor.contract, terms.contract)
    if regime is None:
        return Charged(None, contract)
    return Charged(applied_regime(regime, contract=contract, markup=terms.markup), contract)


def case_message_pdf(
    *, actor: Any, company: Company, case_id: int, message_id: int
) -> tuple[str, bytes] | None:
    """A message of the case on paper, as the outbox printed it (or prints it when it goes),
    with its file name; for a person who may read the case (`NotAllowed` otherwise); None
    when the case or the message is not this company's and this case's."""
    from arrears.apps.communications.outbox import message_pdf  # the outbox reads these too

    m = (
        OutboxMessage.objects.select_related("case__debtor")
        .filter(pk=message_id, case_id=case_id, company=company)
        .first()
    )
    if m is None:
        return None
    require(
        actor,
        Verb.READ_OTHERS,
        company_id=company.pk,
        owner_id=m.case.debtor.owner_id,
        what=f"read {m.case.debtor.code}'s case",
    )
    return f"{m.reference or m.case.debtor.code}-M{m.pk}.pdf", message_pdf(m)


@dataclass(frozen=True)
class LeadDays:
    days: int
    own: bool  # the company's own setting (False: the installation's default)


def lead_days_of(company: Company) -> LeadDays:
    """How many days before a claim expires legal is asked to act: the company's setting,
    else the installation's (`ARREARS_LIMITATION_LEAD_DAYS`, default 90)."""
    from arrears.apps.communications.models import LimitationSetting

    own = (
        LimitationSetting.objects.filter(company=company).values_list("lead_days", flat=True)
    ).first()
    if own is not None:
        return LeadDays(int(own), True)
    return LeadDays(int(getattr(settings, "ARREARS_LIMITATION_LEAD_DAYS", 90)), False)


def case_letter(
    *,
    actor: Any,
    company: Company,
    debtor_code: str,
    currency: str | None,
    as_of: date,
    language: str | None = None,
    step_code: str | None = None,
    with_interest: bool = True,
) -> CaseLetter:
    """The message the case's step (or `step_code`) sends on `as_of`, in the debtor's
    language (or `language`), for a person who may read the case."""
    cases = Case.objects.select_related("debtor").filter(company=company, debtor__code=debtor_code)
    if currency:
        cases = cases.filter(currency=currency.upper())
    found = list(cases[:2])
    if len(found) != 1:
        raise Refusal(
            "communications.no_case" if not found else "communications.which_currency",
            debtor=debtor_code,
            currency=currency or "",
        )
    case = found[0]
    # another collector's debtor as the statement: only where the company lets them read it
    require(actor, Verb.READ_OTHERS, company_id=company.pk, owner_id=case.debtor.owner_id)
    return _case_letter(
        case,
        company,
        as_of,
        strategies=strategies_for(company=company),
        items=_open_items([case.debtor_id], case.currency),
        paid=_payments(as_of, [case.debtor_id]),
        tables=rate_tables(),
        holidays=holidays_for(company=company),
        language=language,
        step_code=step_code,
        with_interest=with_interest,
        debtor_code=debtor_code,
    )


@dataclass(frozen=True)
class WrittenSteps:
    """The letters and emails of a case's ladder, and the one the desk offers first: the
    case's own step when it writes, else the last written step at or before it, else the
    ladder's first."""

    steps: list[tuple[str, str, str]]  # code, name, channel
    chosen: str
    roles: dict[str, str] = field(default_factory=dict)  # code: the step's role


def case_written_steps(*, case: Case) -> WrittenSteps:
    """The written steps of the case's ladder (none before the run chose one)."""
    strategy = next(
        (s for s in strategies_for(company=case.company) if s.code == case.strategy_code), None
    )
    if strategy is None:
        return WrittenSteps([], "")
    written = {Channel.LETTER, Channel.EMAIL}
    steps = [(s.code, s.name, str(s.channel)) for s in strategy.steps if s.channel in written]
    if not steps:
        return WrittenSteps([], "")
    codes = [s.code for s in strategy.steps]
    at = codes.index(case.step_code) if case.step_code in codes else -1
    before = [s.code for s in strategy.steps[: at + 1] if s.channel in written]
    roles = {s.code: acting_role(s).value for s in strategy.steps if s.channel in written}
    return WrittenSteps(steps, before[-1] if before else steps[0][0], roles)


def case_letter_preview(**asked: Any) -> tuple[CaseLetter, Refusal | None]:
    """`case_letter` for a preview: on a day beyond the rate tables, the letter without its
    interest and the refusal that says what is missing (never a silent zero)."""
    try:
        found = case_letter(**asked)
        return found, _rates_missing(found.letter)
    except Refusal as e:
        if e.code not in INTEREST_NOT_SHOWN:
            raise
        return case_letter(**asked, with_interest=False), e


def _table_of(company: Company) -> RateTable | None:
    """The rate table the company's regime reads (None: no regime, or one without a table)."""
    regime = regime_for(company)
    return rate_tables().get(regime.series or "") if regime is not None else None


def _no_rate(table: RateTable, day: date) -> Refusal:
    """Why a message of `day` claims its interest without a figure: the table ends before it
    (the refusal names the file to put)."""
    return Refusal(
        "interest.no_rate",
        series=table.series,
        day=day,
        first=table.changes[0][0] if table.changes else None,
        covers_until=table.covers_until,
    )


def messages_without_interest(*, company: Company, run: Any = None) -> tuple[int, Refusal | None]:
    """The company's queued letters and emails (or `run`'s) dated past its regime's rate
    table (they claim their interest without a figure), and the refusal naming the table to
    put (or 0, None). While the rates folder holds a bad table, every queued message waits:
    their count, and the refusal naming the file."""
    try:
        table = _table_of(company)
    except Refusal as e:
        if e.code != "interest.rates_folder":
            raise
        queued = OutboxMessage.objects.filter(company=company, state=OutboxState.QUEUED.value)
        return (queued if run is None else queued.filter(run=run)).count(), e
    if table is None:
        return 0, None
    late = OutboxMessage.objects.filter(
        company=company,
        state=OutboxState.QUEUED.value,
        channel__in=[Channel.LETTER.value, Channel.EMAIL.value],
        run_on__gt=table.covers_until,
    )
    if run is not None:
        late = late.filter(run=run)
    found = late.aggregate(n=Count("id"), day=Max("run_on"))
    if not found["n"]:
        return 0, None
    return found["n"], _no_rate(table, found["day"])


def run_messages_without_interest(
    *, company: Company, as_of: date, run: Any, written: int
) -> tuple[int, Refusal | None]:
    """For the run's summary (`cases.services.run.without_interest_register`): the letters and
    emails the run queued that claim their interest without a figure, and why. A dry run
    (`run` None) writes no outbox: its `written` letters and emails would, where the company
    has an outbox and `as_of` lies past the rate table."""
    if run is not None:
        return messages_without_interest(company=company, run=run)
    try:
        table = _table_of(company)
    except Refusal as e:
        if e.code != "interest.rates_folder":
            raise
        return written, e
    if table is None or not written or as_of <= table.covers_until:
        return 0, None
    if not SenderDetails.objects.filter(company=company).exists():
        return 0, None  # no outbox: its messages stay actions for a person
    return written, _no_rate(table, as_of)


@dataclass(frozen=True)
class CaseWithoutInterest:
    """A case's letters and emails that claim their interest without a figure: `sent` went
    out so, `to_send` will (queued, or waiting for a person), and why (None when none)."""

    sent: int
    to_send: int
    why: Refusal | None


def case_messages_without_interest(*, case: Case) -> CaseWithoutInterest:
    """For the case page: the case's messages, as rendered (their figures say which rate table
    ended before their day) or, not rendered yet, dated past the company's table."""
    try:
        table = _table_of(case.company)
    except Refusal as e:  # a bad table in the rates folder: every message to send waits
        if e.code != "interest.rates_folder":
            raise
        queued = OutboxMessage.objects.filter(case=case, state=OutboxState.QUEUED.value)
        return CaseWithoutInterest(0, queued.count(), e)
    sent = to_send = 0
    why: Refusal | None = None
    rows = OutboxMessage.objects.filter(
        case=case, channel__in=[Channel.LETTER.value, Channel.EMAIL.value]
    ).exclude(state__in=[OutboxState.CANCELLED.value, OutboxState.HANDLED.value])
    tables = rate_tables()
    for m in rows.order_by("run_on", "pk"):
        if m.figures is not None:
            series = (m.figures.get("letter") or {}).get("interest_missing")
            missing = tables.get(series) if series else None
        else:
            late = table is not None and m.run_on > table.covers_until
            missing = table if late else None
        if missing is None:
            continue
        if m.state == OutboxState.SENT.value:
            sent += 1
        else:
            to_send += 1
        why = _no_rate(missing, m.run_on)
    return CaseWithoutInterest(sent, to_send, why)


def _rates_missing(figures: Letter) -> Refusal | None:
    """Why the letter claims its interest without a figure: the rate table ends before its
    day (the refusal names the file to put), or None."""
    table = rate_tables().get(figures.interest_missing or "")
    return None if table is None else _no_rate(table, figures.as_of)


def _open_items(debtor_ids: list[int], currency: str | None = None) -> dict[Any, list[OpenItem]]:
    """The dunnable open items of these debtors, by (debtor id, currency), oldest due first,
    each with `held_back_minor` and `accelerated_on` (which of them a message concerns is
    `arrears.domain.letters.concerned`'s): `cases.selectors.open_items_of`, read once per page
    (the case page's items, its costs and its call script)."""
    return open_items_of(debtor_ids, currency)


def _payments(as_of: date, debtor_ids: list[int]) -> dict[int, list[tuple[date, Money]]]:
    """What was paid on each item of these debtors by `as_of` (read once per page)."""
    return once(("payments", as_of, tuple(debtor_ids)), lambda: _read_payments(as_of, debtor_ids))


def _read_payments(as_of: date, debtor_ids: list[int]) -> dict[int, list[tuple[date, Money]]]:
    paid: dict[int, list[tuple[date, Money]]] = {}
    for a in Allocation.objects.filter(
        item__debtor_id__in=debtor_ids, payment__received_on__lte=as_of
    ).values("item_id", "amount_minor", "payment__received_on", "item__currency"):
        paid.setdefault(a["item_id"], []).append(
            (a["payment__received_on"], Money.from_minor(a["amount_minor"], a["item__currency"]))
        )
    return paid


def _case_letter(
    case: Case,
    company: Company,
    as_of: date,
    *,
    strategies: Any,
    items: dict[Any, list[OpenItem]],
    paid: dict[int, list[tuple[date, Money]]],
    tables: dict[str, RateTable],
    holidays: frozenset[date] = frozenset(),
    language: str | None = None,
    step_code: str | None = None,
    with_interest: bool = True,
    debtor_code: str = "",
    reference_format: str | None = None,
    fees: tuple[dict[int, int], set[int]] | None = None,
    known_on: date | None = None,
    terms: InterestTerms | None = None,
) -> CaseLetter:
    """The letter of `case` from what was read for many cases at once (the outbox's batch):
    `fees`, when given, is `fees_owed` of (at least) the case's items as of `as_of`; `terms`
    the company's interest terms (read here when not given)."""
    debtor_code = debtor_code or case.debtor.code
    strategy = next((s for s in strategies if s.code == case.strategy_code), None)
    steps = strategy.steps if strategy is not None else ()
    codes = [s.code for s in steps]
    code = step_code or case.step_code
    if not code:
        raise Refusal("communications.no_step", debtor=debtor_code, currency=case.currency)
    index = codes.index(code) if code in codes else (case.step or 0)
    language = language or (case.debtor.language if case.debtor.language in LANGUAGES else "en")
    after = steps[index + 1] if index + 1 < len(steps) else None  # named in the letter's words
    following = step_name_words(after.code, after.name, language) if after else None
    mine = items.get((case.debtor_id, case.currency), [])
    owed, compensated = fees if fees is not None else fees_owed([i.pk for i in mine], as_of)
    lines = [
        OpenLine(
            number=i.number,
            issued_on=i.issue_date,
            due_on=i.due_date,
            amount=Money.from_minor(i.original_minor, i.currency),
            open=Money.from_minor(i.open_minor, i.currency),
            payments=tuple(sorted(paid.get(i.pk, []))),
            fees=Money.from_minor(owed.get(i.pk, 0), i.currency),
            compensation_charged=i.pk in compensated,
            held_back=Money.from_minor(getattr(i, "held_back_minor", 0), i.currency),
            overdue_from=getattr(i, "accelerated_on", None),
        )
        for i in mine
    ]
    charged = regime_for_debtor(company, case.debtor, terms)
    figures = letter(
        step_code=code,
        step_number=index + 1,
        lines=lines,
        as_of=as_of,
        regime=charged.regime if with_interest else None,
        contract=charged.contract,
        next_step=following,
        consumer=case.debtor.consumer,
        tables=tables,
        holidays=holidays,
        lead_days=max(0, -steps[index].min_days_past_due) if index < len(steps) else 0,
        reductions_known_on=known_on or reductions_known_on(company, as_of),
    )
    if not figures.lines:  # nothing overdue (or due within a courtesy reminder's lead)
        raise Refusal("communications.nothing_open", debtor=debtor_code, currency=case.currency)
    return CaseLetter(
        figures,
        language,
        case.debtor.name,
        company.name,
        reference_of(company, case, reference_format),
    )


def fees_owed(item_ids: list[int], as_of: date) -> tuple[dict[int, int], set[int]]:
    """The fees the run charged on these items by `as_of` and not waived (minor units,
    by item), and the items whose statutory compensation was charged (owed or waived): a
    letter claims those and does not add the compensation from the regime again."""
    from arrears.apps.communications.models import Fee

    owed: dict[int, int] = {}
    compensated: set[int] = set()
    rows = Fee.objects.filter(item_id__in=item_ids, charged_on__lte=as_of).values_list(
        "item_id", "kind", "amount_minor", "waived_on"
    )
    for item_id, kind, amount, waived_on in rows:
        if kind == "compensation":
            compensated.add(item_id)
        if waived_on is None:  # a waiver is a decision not to claim it: never again
            owed[item_id] = owed.get(item_id, 0) + amount
    return owed, compensated


def reference_of(company: Company, case: Case, fmt: str | None = None) -> str:
    """The payment reference of a case: the company's format (`SenderDetails`), else
    DEBTOR-CURRENCY."""
    fmt = (
        fmt
        or (
            SenderDetails.objects.filter(company=company).values_list("reference_format", flat=True)
        ).first()
        or "{debtor}-{currency}"
    )
    return fmt.format(debtor=case.debtor.code, currency=case.currency, case=case.pk)


@dataclass(frozen=True)
class OutboxLine:
    """One outbox message as a person reads it."""

    id: int
    debtor: str
    currency: str
    step_code: str
    run_on: date
    channel: str
    state: str
    attempts: int
    next_attempt_at: Any
    recipient: str
    subject: str
    last_error: str
    handled_reason: str
    action_id: int
    message_id: str
    body: str


def _line(m: Any) -> OutboxLine:
    return OutboxLine(
        id=m.pk,
        debtor=m.case.debtor.code,
        currency=m.case.currency,
        step_code=m.step_code,
        run_on=m.run_on,
        channel=m.channel,
        state=m.state,
        attempts=m.attempts,
        next_attempt_at=m.next_attempt_at,
        recipient=m.recipient,
        subject=m.subject,
        last_error=m.last_error,
        handled_reason=m.handled_reason,
        action_id=m.action_id,
        message_id=m.message_id,
        body=m.body,
    )


def outbox_list(
    *,
    actor: Any,
    company: Company,
    state: str | None = None,
    channel: str | None = None,
    debtor: str | None = None,
    limit: int = 200,
) -> list[OutboxLine]:
    """The company's outbox, newest first, as far as the person may read it (a collector: the
    debtors they own, unless the company lets collectors read each other's cases)."""
    from arrears.apps.accounts.access import readable_owner
    from arrears.apps.communications.models import OutboxMessage

    role = require(actor, Verb.READ, company_id=company.pk)
    rows = OutboxMessage.objects.filter(company=company).select_related("case__debtor")
    owner = readable_owner(actor, role, company.pk)
    if owner is not None:
        rows = rows.filter(case__debtor__owner_id=owner)
    if state:
        rows = rows.filter(state=state)
    if channel:
        rows = rows.filter(channel=channel)
    if debtor:
        rows = rows.filter(case__debtor__code=debtor)
    return [_line(m) for m in rows.order_by("-id")[:limit]]


def outbox_show(*, actor: Any, message_id: int) -> OutboxLine:
    """One message, for a person who may read its case: a queued one as it will be sent (the
    case as of the run's day), or why it will not be (paid in full or closed since)."""
    from arrears.apps.communications.models import OutboxMessage

    m = OutboxMessage.objects.select_related("case__debtor").filter(pk=message_id).first()
    if m is None:
        raise Refusal("outbox.unknown", message=message_id)
    require(actor, Verb.READ_OTHERS, company_id=m.company_id, owner_id=m.case.debtor.owner_id)
    if m.rendered_at is None and m.state == OutboxState.QUEUED.value:
        # not sent yet: shown as it will be sent, rendered now as of the run's day (not stored)
        from arrears.apps.communications.outbox import render_row
        from arrears.apps.communications.presentation import not_sent_words

        why = render_row(m)
        if why is not None:
            m.body = not_sent_words(why) + "\n"
    return _line(m)


def case_outbox(*, case_id: int) -> list[OutboxLine]:
    """A case's messages, newest first (for `arrears explain`, which asked access already)."""
    from arrears.apps.communications.models import OutboxMessage

    rows = OutboxMessage.objects.filter(case_id=case_id).select_related("case__debtor")
    return [_line(m) for m in rows.order_by("-id")[:10]]
