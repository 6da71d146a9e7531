"""§8 Excuses are a sign of weakness; meet each with a prepared answer.

The catalogue holds the seven excuses of DOMAIN.md §8 and a few more, each with the answer a
collector says (firm, concise, no hedging: §10) and the follow-up it implies: what to do at once
when the answer says so ("I am sending you a copy now": `now`, due today) and what to do next,
in how many business days. The log records which answer was used (the prepared one, by its
code, or the collector's own words: `OWN_WORDS`) and what was owed when the excuse was heard.
`outcome_stats` learns from it which excuses and answers end in payment: per excuse and answer,
the share of cases paid in full within 30 days (a partial payment is not "paid") and the share
of the amount owed recovered in those 30 days.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

import polars as pl

from arrears.domain.dates import add_business_days

UNKNOWN_EXCUSE = "unknown excuse code(s) {codes}: use one of the catalogue's codes"
MISSING_COLUMNS = "the {frame} frame lacks column(s) {columns}"
BAD_WINDOW = "the window must be at least one day, not {days}"
OWN_WORDS = "own_words"  # the answer code when the collector answered in their own words


class ExcuseError(ValueError):
    """An excuse log that cannot be read."""


class Excuse(StrEnum):
    NO_MONEY = "no_money"
    OTHERS_OWE_US = "others_owe_us"
    INVOICE_NOT_RECEIVED = "invoice_not_received"
    SIGNATORY_AWAY = "signatory_away"
    PAYMENT_IN_PROCESS = "payment_in_process"
    GOODS_PROBLEM = "goods_problem"
    PAY_WHEN_BUSINESS_PICKS_UP = "pay_when_business_picks_up"
    ALREADY_PAID = "already_paid"
    MISSING_PURCHASE_ORDER = "missing_purchase_order"
    NEXT_PAYMENT_RUN = "next_payment_run"
    SALES_PROMISED_OTHER_TERMS = "sales_promised_other_terms"


class FollowUpAction(StrEnum):
    """What the collector does next."""

    CALL_BACK = "call_back"
    SEND_INVOICE_COPY = "send_invoice_copy"
    VERIFY_PAYMENT = "verify_payment"
    OPEN_DISPUTE = "open_dispute"
    PROPOSE_SET_OFF = "propose_set_off"
    ASK_PLAN = "ask_plan"
    CONFIRM_WITH_SALES = "confirm_with_sales"


@dataclass(frozen=True, slots=True)
class ExcuseAnswer:
    """The prepared answer to one excuse and the follow-up it sets."""

    excuse: Excuse
    heard: str  # how the debtor puts it
    answer: str  # what the collector says
    action: FollowUpAction
    next_in_business_days: int
    code: str  # the answer's code, recorded in the log when it is used
    now: FollowUpAction | None = None  # what the answer promises to do at once (due today)


CATALOGUE: dict[Excuse, ExcuseAnswer] = {
    a.excuse: a
    for a in (
        ExcuseAnswer(
            Excuse.NO_MONEY,
            "We have no money / cash-flow problems.",
            "Then pay part of it today and we fix dates for the rest now. Interest keeps "
            "running on every day the balance stays open.",
            FollowUpAction.ASK_PLAN,
            1,
            "part_payment_and_plan",
        ),
        ExcuseAnswer(
            Excuse.OTHERS_OWE_US,
            "Others owe us money.",
            "What your customers owe you is between you and them. Where we owe you, we set it "
            "off today. For the rest I need a date.",
            FollowUpAction.PROPOSE_SET_OFF,
            2,
            "not_our_affair_set_off",
        ),
        ExcuseAnswer(
            Excuse.INVOICE_NOT_RECEIVED,
            "We never received the invoice.",
            "I am sending you a copy now. Confirm that you have it, and pay within 48 hours.",
            FollowUpAction.CALL_BACK,  # receipt confirmed, payment made?
            2,
            "copy_now_pay_in_48_hours",
            FollowUpAction.SEND_INVOICE_COPY,  # "now": the copy goes out today
        ),
        ExcuseAnswer(
            Excuse.SIGNATORY_AWAY,
            "The person who signs / pays is away.",
            "Who is the deputy? Put me through to them. We fix the payment date today.",
            FollowUpAction.CALL_BACK,
            1,
            "ask_for_the_deputy",
        ),
        ExcuseAnswer(
            Excuse.PAYMENT_IN_PROCESS,
            "It is being processed / the payment is on its way.",
            "Give me the payment reference, the amount and the value date now, so I can check it.",
            FollowUpAction.VERIFY_PAYMENT,
            2,
            "reference_amount_value_date",
        ),
        ExcuseAnswer(
            Excuse.GOODS_PROBLEM,
            "There is a problem with the goods.",
            "Tell me which items and what amount. I open a dispute for that part with a "
            "deadline; the undisputed part is due now.",
            FollowUpAction.OPEN_DISPUTE,
            1,
            "dispute_the_part_collect_the_rest",
        ),
        ExcuseAnswer(
            Excuse.PAY_WHEN_BUSINESS_PICKS_UP,
            "We will pay when business picks up.",
            "We carried you on credit and we pay the interest on it. This is not a favour you "
            "do us. I need a date.",
            FollowUpAction.CALL_BACK,
            1,
            "credit_is_no_favour",
        ),
        ExcuseAnswer(
            Excuse.ALREADY_PAID,
            "We have already paid.",
            "Send me the remittance: date, amount and the account you paid to. I check it today.",
            FollowUpAction.VERIFY_PAYMENT,
            1,
            "send_the_remittance",
        ),
        ExcuseAnswer(
            Excuse.MISSING_PURCHASE_ORDER,
            "The invoice lacks our purchase-order number.",
            "Give me the number now. I send the invoice with it today, and the due date stays.",
            FollowUpAction.CALL_BACK,  # the invoice with the number arrived, payment made?
            2,
            "number_now_invoice_today",
            FollowUpAction.SEND_INVOICE_COPY,  # "today": the invoice goes out today
        ),
        ExcuseAnswer(
            Excuse.NEXT_PAYMENT_RUN,
            "It goes in our next payment run.",
            "This invoice is overdue, so it goes in the run this week. Which day is it, and "
            "who approves it?",
            FollowUpAction.VERIFY_PAYMENT,
            3,
            "this_week_s_run",
        ),
        ExcuseAnswer(
            Excuse.SALES_PROMISED_OTHER_TERMS,
            "Your salesperson promised us other terms.",
            "The terms on the contract and invoice apply. I check with sales today; until then "
            "the amount is due as invoiced.",
            FollowUpAction.CONFIRM_WITH_SALES,
            1,
            "contract_terms_apply",
        ),
    )
}


@dataclass(frozen=True, slots=True)
class NextAction:
    """The dated follow-up an excuse sets on the case."""

    action: FollowUpAction
    on: date
    answer: str


def answer_for(excuse: Excuse) -> ExcuseAnswer:
    """The prepared answer to an excuse."""
    return CATALOGUE[excuse]


def answer_codes(excuse: Excuse) -> tuple[str, str]:
    """The answers a log may record for an excuse: the prepared one, or the collector's own."""
    return (CATALOGUE[excuse].code, OWN_WORDS)


def next_action(
    excuse: Excuse,
    *,
    as_of: date,
    holidays: frozenset[date] = frozenset(),
    days: int | None = None,
) -> NextAction:
    """The follow-up an excuse heard on `as_of` sets (e.g. invoice copy: 2 business days);
    `days` is the company's own delay for it (the catalogue's when None)."""
    a = CATALOGUE[excuse]
    wait = a.next_in_business_days if days is None else days
    return NextAction(a.action, add_business_days(as_of, wait, holidays), a.answer)


EXCUSE_LOG_COLUMNS = ("case_id", "excuse", "answer", "logged_on", "owed_minor", "currency")
PAYMENT_COLUMNS = ("case_id", "received_on", "amount_minor")
STATS_COLUMNS = (
    "excuse",
    "answer",
    "currency",
    "cases",
    "paid",
    "share_pct",
    "owed_minor",
    "recovered_minor",
    "recovered_pct",
)


def outcome_stats(
    excuses: pl.DataFrame, payments: pl.DataFrame, *, as_of: date, window_days: int = 30
) -> pl.DataFrame:
    """Per excuse, answer and currency: cases; how many were paid in full within `window_days`
    of it and the share in percent; what they owed, what was recovered in the window (each
    case's payments up to what it owed) and that share in percent.

    A case counts once per excuse and answer, from the first day that pair was logged, with what
    it owed then; only excuses whose window has closed by `as_of` count, so a recent excuse does
    not look like a failure, and only those with something owed (`owed_minor` > 0; a log
    without the figure cannot be judged). "Paid" means the payments on the case in
    [logged_on, logged_on + window_days] add up to what was owed: a part payment is not paid.
    """
    if window_days < 1:
        raise ExcuseError(BAD_WINDOW.format(days=window_days))
    _require(excuses, EXCUSE_LOG_COLUMNS, "excuse log")
    _require(payments, PAYMENT_COLUMNS, "payments")
    unknown = set(excuses["excuse"].unique().to_list()) - {str(e) for e in Excuse}
    if unknown:
        raise ExcuseError(UNKNOWN_EXCUSE.format(codes=sorted(unknown)))
    cutoff = as_of - timedelta(days=window_days)
    first = (
        excuses.select(EXCUSE_LOG_COLUMNS)
        .filter((pl.col("logged_on") <= cutoff) & (pl.col("owed_minor") > 0))
        .sort("logged_on")
        .group_by("case_id", "excuse", "answer", "currency")
        .agg(pl.col("logged_on").first(), pl.col("owed_minor").first())
    )
    return (
        _recovered_within(first, payments, window_days)
        .group_by("excuse", "answer", "currency")
        .agg(
            pl.len().cast(pl.Int64).alias("cases"),
            pl.col("paid").sum().cast(pl.Int64),
            pl.col("owed_minor").sum().cast(pl.Int64),
            pl.col("recovered_minor").sum().cast(pl.Int64),
        )
        .with_columns(
            share_pct=_share_pct(pl.col("paid"), pl.col("cases")),
            recovered_pct=_share_pct(pl.col("recovered_minor"), pl.col("owed_minor")),
        )
        .sort("excuse", "answer", "currency")
        .select(STATS_COLUMNS)
    )


def _recovered_within(
    first: pl.DataFrame, payments: pl.DataFrame, window_days: int
) -> pl.DataFrame:
    """Per (case, excuse, answer): what was paid in [logged_on, logged_on + window_days], up to
    what was owed (`recovered_minor`), and whether that is all of it (`paid`)."""
    received = pl.col("received_on")
    end = pl.col("logged_on") + pl.duration(days=window_days)
    within = (received >= pl.col("logged_on")) & (received <= end)
    return (
        first.join(payments.filter(pl.col("amount_minor") > 0), on="case_id", how="left")
        .with_columns(got=pl.when(within).then(pl.col("amount_minor")).otherwise(0).fill_null(0))
        .group_by("case_id", "excuse", "answer", "currency")
        .agg(pl.col("owed_minor").first(), pl.col("got").sum())
        .with_columns(recovered_minor=pl.min_horizontal("got", "owed_minor"))
        .with_columns(paid=pl.col("recovered_minor") >= pl.col("owed_minor"))
    )


def _share_pct(part: pl.Expr, whole: pl.Expr) -> pl.Expr:
    """part / whole as a percentage with 2 decimals, rounded half-up in integer basis points."""
    basis_points = (part * 20_000 + whole) // (2 * whole)
    return (basis_points.cast(pl.Decimal(14, 2)) / 100).cast(pl.Decimal(14, 2))


def _require(frame: pl.DataFrame, columns: tuple[str, ...], name: str) -> None:
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise ExcuseError(MISSING_COLUMNS.format(frame=name, columns=missing))
