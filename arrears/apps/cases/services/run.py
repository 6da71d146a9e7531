"""The daily run (§1-3): load the ledger in bulk, let the domain decide, store the changes.

Repeatable: the domain leaves an item alone once it has been decided for `as_of`, and every
write below is a difference against what is stored, so running the same date twice writes
nothing. Catch-up: a run decides from the ledger as it stands, so after missed days it acts
once. Atomic: all writes are one transaction; the lock keeps two runs apart.
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Iterator, Mapping
from contextvars import ContextVar
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from typing import Any, Protocol

import polars as pl
from django.db import OperationalError, connection, transaction
from django.db.models import Count, Max
from django.utils import timezone

from arrears.apps.accounts.access import require
from arrears.apps.accounts.services import audit_record
from arrears.apps.cases import selectors
from arrears.apps.cases.models import Action, Run, RunFailure, RunLock, RunStatus
from arrears.apps.cases.services.lock import BUSY, RunLocked, is_busy, lock_break, lock_take
from arrears.apps.cases.services.run_plan import RunPlan, closing_cases, plan_run
from arrears.apps.cases.services.sequences import sequences_kept
from arrears.apps.common import clock
from arrears.apps.common.bulk import (
    LARGE_WRITE,
    delete_ids,
    insert_frame,
    read_frame,
    statistics_refresh,
    update_frame,
)
from arrears.apps.ledger import items_cache
from arrears.apps.ledger.models import Company, Debtor
from arrears.domain.access import Verb
from arrears.domain.actions import ActionState, first_state_expr
from arrears.domain.batch.daily_run import RunConfig, decide
from arrears.domain.dates import FIRST_DAY
from arrears.domain.ladder import Channel
from arrears.domain.plans.acceleration import due_after_acceleration
from arrears.domain.refusal import Refusal


class RunRefused(Refusal, ValueError):
    """The run cannot start as asked (an as-of date before the last run, a bad ladder...):
    nothing was written; `code` and figures say why (`run.*`, in `cases.presentation`)."""


@dataclass
class RunResult:
    """What a run decided, for the terminal and the audit trail."""

    run_id: int | None
    as_of: date
    dry_run: bool
    counts: dict[str, int] = field(default_factory=dict)
    by_step: dict[str, int] = field(default_factory=dict)
    actions_by_channel: dict[str, int] = field(default_factory=dict)
    orphans: list[str] = field(default_factory=list)  # debtor codes of open cases, no owner
    negotiation: dict[str, int] = field(default_factory=dict)  # promises kept/broken, plans...
    seconds: dict[str, float] = field(default_factory=dict)
    # the letters and emails queued (a dry run: that would be) that claim their interest
    # without a figure, and why (`without_interest_register`): (0, None) when none
    without_interest: tuple[int, Refusal | None] = (0, None)


def run_daily(
    *,
    actor: Any,
    company: Company,
    as_of: date,
    dry_run: bool = False,
    break_lock: bool = False,
    asked_at: datetime | None = None,
) -> RunResult:
    """Decide and store today's steps, next actions and credit holds for every open case.

    The company's administrator runs it (a scheduled run too: with an administrator's token);
    anyone else is refused (`NotAllowed`) before anything is read or written. Refused too,
    writing nothing: an as-of date after today (`clock.today`), before `FIRST_DAY`, or before
    the last finished run (`selectors.last_run`: a failed run blocks nothing). A run that fails
    once started is kept as `failed`, with nothing it decided and why (`summary["failed"]`, a
    `RunFailure`: interrupted by Ctrl-C, busy, error); one refused as it reads (a currency
    without a rate...) leaves no run row, as one refused before it starts."""
    require(actor, Verb.ADMINISTER, company_id=company.pk, what="run the daily run")
    now = clock.today()
    if as_of > now:
        raise RunRefused("run.after_today", as_of=as_of, today=now)
    if as_of < FIRST_DAY:
        raise RunRefused("run.too_early", as_of=as_of, first=FIRST_DAY)
    last = selectors.last_run(company=company)
    if last is not None and as_of < last.as_of:
        raise RunRefused("run.backwards", company=company.code, last=last.as_of, as_of=as_of)
    if dry_run:  # everything a real run would do, then rolled back: an exact preview
        with transaction.atomic(), _items_kept():
            with sequences_kept():
                sweep, plan, timings = _sweep_and_plan(company, as_of, None, actor)
            transaction.set_rollback(True)
        return replace(
            _result(plan, None, as_of, dry_run=True, timings=timings, sweep=sweep),
            without_interest=_without_interest(company, as_of, None, plan),
        )
    if break_lock:
        lock_break(company=company)
    # refused before anything is written, no run row left
    lock = lock_take(company=company, since=asked_at)
    try:
        with _items_kept():
            return _run(company, as_of, actor, lock)
    finally:
        RunLock.objects.filter(pk=lock.pk).delete()


# The open items the run read (`selectors.run_items_stored`), with its company's id, while it
# runs: the stages after the ladder (the daily snapshot) use them instead of reading the
# million-row ledger again. The run changes no item, so they are the items as they stand.
_ITEMS: ContextVar[tuple[int, pl.DataFrame] | None] = ContextVar("run_items", default=None)


@contextlib.contextmanager
def _items_kept() -> Iterator[None]:
    token = _ITEMS.set(None)
    try:
        yield
    finally:
        _ITEMS.reset(token)


def run_items_read(company: Company) -> pl.DataFrame | None:
    """For a stage after the ladder (`after_ladder_register`): `company`'s open dunnable items
    as this run read them (`selectors.run_items_stored`: item_id, debtor_id, currency,
    due_date as stored, accelerated_on, open_minor...); None outside a run of `company`."""
    kept = _ITEMS.get()
    return kept[1] if kept is not None and kept[0] == company.pk else None


def _run(company: Company, as_of: date, actor: Any, lock: RunLock) -> RunResult:
    """The real run, holding the lock: kept as `failed`, with nothing it decided, if it fails;
    a database another writer held too long is a refusal in words, not a traceback."""
    run = Run.objects.create(company=company, as_of=as_of, started_at=timezone.now(), actor=actor)
    items_cache.claim(company.pk)  # before the run's transaction reads them (`ledger.items_cache`)
    RunLock.objects.filter(pk=lock.pk).update(run_id=run.pk)
    try:
        with transaction.atomic():
            sweep, plan, timings = _sweep_and_plan(company, as_of, run, actor)
            t = time.perf_counter()
            _apply(plan, company=company, run=run)
            timings["write"] = time.perf_counter() - t
            for name, after in _AFTER_LADDER.items():
                t = time.perf_counter()
                sweep = {**sweep, **after(company=company, as_of=as_of, run=run)}
                timings[name] = time.perf_counter() - t
            result = replace(
                _result(plan, run.pk, as_of, dry_run=False, timings=timings, sweep=sweep),
                without_interest=_without_interest(company, as_of, run, plan),
            )
            _finish(run, result, actor)
    except BaseException as e:  # Ctrl-C too: a run is never left "running" by its own process
        with contextlib.suppress(OperationalError):
            if isinstance(e, RunRefused):  # refused as it read (a missing rate...): nothing
                Run.objects.filter(pk=run.pk).delete()  # written, no run row left behind
            else:
                Run.objects.filter(pk=run.pk).update(
                    status=RunStatus.FAILED,
                    finished_at=timezone.now(),
                    summary={"failed": _failure(e)},
                )
        if is_busy(e):
            raise RunLocked(BUSY, seconds=_timeout()) from None
        raise
    if _rows_added(plan) >= max(LARGE_WRITE, plan.counts["items"] // 10):  # the first run
        t = time.perf_counter()
        statistics_refresh(RUN_TABLES)
        result.seconds["statistics"] = round(time.perf_counter() - t, 3)
    return result


# The tables a run adds rows to in bulk and reads again the next day.
RUN_TABLES = ("cases_itemstep", "cases_case", "cases_action")


def _rows_added(plan: RunPlan) -> int:
    """Rows the run inserted: when they are many against the ledger (the first run, every
    case new), the tables' statistics no longer describe them. An ordinary day, or one when
    many items climb, mostly updates rows in place and leaves the statistics as good as
    they were (and the refresh off the everyday run's time)."""
    return plan.step_inserts.height + plan.case_inserts.height + plan.actions.height


def _failure(e: BaseException) -> str:
    if isinstance(e, KeyboardInterrupt):
        return RunFailure.INTERRUPTED.value
    return (RunFailure.BUSY if is_busy(e) else RunFailure.ERROR).value


def _timeout() -> int:
    return int(connection.settings_dict.get("OPTIONS", {}).get("timeout", 5))


class BeforeLadder(Protocol):
    """Work done in the run's transaction before the ladder decides; returns its counts."""

    def __call__(
        self, *, actor: Any, company: Company, as_of: date, run: Run | None
    ) -> Mapping[str, int]: ...


_BEFORE_LADDER: dict[str, BeforeLadder] = {}


def before_ladder_register(name: str, stage: BeforeLadder) -> None:
    """§5-8 An app above this one (the negotiation desk's sweep: promises, plans and disputes
    set the ladder's inputs) registers its daily work when Django starts (`negotiation.apps`):
    the run calls it first, and cases never imports the apps above it."""
    _BEFORE_LADDER[name] = stage


class AfterLadder(Protocol):
    """Work done in the run's transaction after its writes (the outbox: one row per message
    the run queued); returns its counts."""

    def __call__(self, *, company: Company, as_of: date, run: Run) -> Mapping[str, int]: ...


class Waiting(Protocol):
    """The cases (debtor_id, currency) whose next written step waits (`domain.outbox`)."""

    def __call__(self, *, company: Company) -> pl.DataFrame: ...


_AFTER_LADDER: dict[str, AfterLadder] = {}
_WAITING: dict[str, Waiting] = {}


def after_ladder_register(name: str, stage: AfterLadder, waiting: Waiting | None = None) -> None:
    """An app above this one (communications: the outbox) registers the work it does in the
    run's transaction after the ladder's writes, and the cases whose next written step waits
    for a message it has not sent yet (`communications.apps`)."""
    _AFTER_LADDER[name] = stage
    if waiting is not None:
        _WAITING[name] = waiting


class WithoutInterest(Protocol):
    """How many of the run's letters and emails claim their interest without a figure (their
    day lies past the rate table), and why (the refusal names the file to put), or (0, None).
    A dry run (`run` None) writes no message: `written` letters and emails would be."""

    def __call__(
        self, *, company: Company, as_of: date, run: Run | None, written: int
    ) -> tuple[int, Refusal | None]: ...


_WITHOUT_INTEREST: dict[str, WithoutInterest] = {}
_WRITTEN = (Channel.LETTER.value, Channel.EMAIL.value)


def without_interest_register(name: str, check: WithoutInterest) -> None:
    """An app above this one (communications: the outbox and the rate tables) tells the run's
    summary which of its messages go out without their interest figure (`communications.apps`)."""
    _WITHOUT_INTEREST[name] = check


def _without_interest(
    company: Company, as_of: date, run: Run | None, plan: RunPlan
) -> tuple[int, Refusal | None]:
    written = sum(n for ch, n in plan.actions_by_channel.items() if ch in _WRITTEN)
    for check in _WITHOUT_INTEREST.values():
        n, why = check(company=company, as_of=as_of, run=run, written=written)
        if n:
            return n, why
    return 0, None


def _sweep_and_plan(
    company: Company, as_of: date, run: Run | None, actor: Any
) -> tuple[dict[str, int], RunPlan, dict[str, float]]:
    """§5-8 first (promises, plans, disputes set the ladder's inputs), then the ladder. The
    actions those stages book (a broken promise's follow-up, a dispute's escalation) count
    among the run's actions created, beside the ladder's."""
    if not _BEFORE_LADDER:
        raise RunRefused("run.no_desk")
    counts: dict[str, int] = {}
    timings: dict[str, float] = {}
    mine = Action.objects.filter(case__company=company)
    before = mine.aggregate(last=Max("id"))["last"] or 0
    for name, stage in _BEFORE_LADDER.items():
        t = time.perf_counter()
        counts.update(stage(actor=actor, company=company, as_of=as_of, run=run))
        timings[name] = time.perf_counter() - t
    booked = dict(
        mine.filter(id__gt=before).values_list("channel").annotate(n=Count("id")).order_by()
    )
    plan, ladder = _plan(company, as_of)
    return counts, _with_desk_actions(plan, booked), {**timings, **ladder}


def _with_desk_actions(plan: RunPlan, booked: dict[str, int]) -> RunPlan:
    """The plan's counts with the actions the sweep booked added (by channel, and in all)."""
    if not booked:
        return plan
    by_channel = dict(plan.actions_by_channel)
    for channel, n in booked.items():
        by_channel[channel] = by_channel.get(channel, 0) + n
    counts = {
        **plan.counts,
        "actions_created": plan.counts["actions_created"] + sum(booked.values()),
    }
    counts["desk_actions_created"] = sum(booked.values())
    return replace(plan, counts=counts, actions_by_channel=dict(sorted(by_channel.items())))


def _plan(company: Company, as_of: date) -> tuple[RunPlan, dict[str, float]]:
    t0 = time.perf_counter()
    strategies = selectors.strategies_for(company=company)
    if not strategies:
        raise RunRefused("run.no_strategy", company=company.code)
    config = RunConfig(
        as_of=as_of,
        company_currency=company.currency,
        strategies=strategies,
        hold_policy=selectors.hold_policy_for(company=company),
        factors=selectors.conversion_factors(company=company, as_of=as_of),
    )
    stored = selectors.run_items_stored(company=company)
    _ITEMS.set((company.pk, stored))
    items = due_after_acceleration(stored)
    credits = selectors.run_credits(company=company, as_of=as_of)
    debtors = selectors.run_debtors(company=company)
    cases = selectors.run_cases(company=company)
    pending = selectors.run_pending_actions(company=company)
    seen = selectors.run_case_seen(company=company)
    t1 = time.perf_counter()
    try:
        waiting = [w(company=company) for w in _WAITING.values()]
        decisions = decide(
            items, credits, debtors, config, seen, pl.concat(waiting) if waiting else None
        )
    except ValueError as e:
        raise RunRefused("run.cannot_decide", problem=str(e)) from e
    settlements = selectors.run_settlements(
        company=company, case_ids=closing_cases(decisions.cases, cases), as_of=as_of
    )
    t2 = time.perf_counter()
    plan = plan_run(
        decisions,
        items=items,
        debtors=debtors,
        cases=cases,
        pending=pending,
        config=config,
        settlements=settlements,
    )
    t3 = time.perf_counter()
    return plan, {"read": t1 - t0, "decide": t2 - t1, "plan": t3 - t2}


def _apply(plan: RunPlan, *, company: Company, run: Run) -> None:
    now = timezone.now()
    insert_frame("cases_itemstep", plan.step_inserts)
    update_frame("cases_itemstep", plan.step_updates, key="item_id")
    insert_frame(
        "cases_case",
        plan.case_inserts.with_columns(company_id=pl.lit(company.pk, dtype=pl.Int64)),
    )
    update_frame("cases_case", plan.case_updates)
    ids = read_frame(
        "SELECT id AS case_id, debtor_id, currency FROM cases_case WHERE company_id = %s",
        [company.pk],
        {"case_id": pl.Int64(), "debtor_id": pl.Int64(), "currency": pl.String()},
    )
    key = ["debtor_id", "currency"]
    events = plan.events.join(ids, on=key).select(
        pl.col("case_id"),
        pl.lit(run.pk).alias("run_id"),
        pl.lit(plan.as_of).alias("on"),
        "kind",
        "from_step",
        "to_step",
        "reason",
        pl.lit(now).alias("created_at"),
    )
    insert_frame("cases_caseevent", events)
    # ended first: a review booked today may take the day of one cancelled today
    update_frame("cases_action", plan.cancels)
    ladder = plan.actions.with_columns(due_on=pl.lit(plan.as_of), status=first_state_expr())
    reviews = plan.reviews.with_columns(status=pl.lit(ActionState.OPEN.value))
    actions = (
        pl.concat([ladder, reviews.select(ladder.columns)])
        .join(ids, on=key)
        .select(
            "case_id",
            pl.lit(run.pk).alias("run_id"),
            "step_code",
            "channel",
            "role",
            "due_on",
            "status",
            outcome=pl.lit(""),
            note=pl.lit(""),
            cancelled_reason=pl.lit(""),
        )
    )
    insert_frame("cases_action", actions)
    _holds_store(plan.hold_updates)
    insert_frame(
        "cases_holdchange",
        plan.hold_changes.with_columns(
            run_id=pl.lit(run.pk), on=pl.lit(plan.as_of), created_at=pl.lit(now)
        ),
    )


def _holds_store(changed: pl.DataFrame) -> None:
    """§3 Holds set get a `cases.CreditHold` row, holds lifted lose it (`changed`: id, on_hold)."""
    held = pl.col("on_hold")
    insert_frame("cases_credithold", changed.filter(held).select(pl.col("id").alias("debtor_id")))
    delete_ids("cases_credithold", changed.filter(~held)["id"].to_list(), key="debtor_id")


def _result(
    plan: RunPlan,
    run_id: int | None,
    as_of: date,
    *,
    dry_run: bool,
    timings: dict[str, float],
    sweep: Mapping[str, int],
) -> RunResult:
    orphan_ids = plan.orphan_debtor_ids[:20]
    codes = list(Debtor.objects.filter(id__in=orphan_ids).values_list("code", flat=True))
    return RunResult(
        run_id=run_id,
        as_of=as_of,
        dry_run=dry_run,
        counts=plan.counts,
        by_step=plan.by_step,
        actions_by_channel=plan.actions_by_channel,
        orphans=sorted(codes),
        negotiation={k: v for k, v in sorted(sweep.items()) if v},
        seconds={k: round(v, 3) for k, v in timings.items()},
    )


def _finish(run: Run, result: RunResult, actor: Any) -> None:
    summary = {
        "counts": result.counts,
        "by_step": result.by_step,
        "actions_by_channel": result.actions_by_channel,
        "orphans": result.orphans,
        "negotiation": result.negotiation,
    }
    Run.objects.filter(pk=run.pk).update(
        status=RunStatus.DONE, finished_at=timezone.now(), summary=summary
    )
    audit_record(
        action="run.completed",
        actor=actor,
        object_type="run",
        object_id=run.pk,
        detail={"as_of": run.as_of.isoformat(), **summary},
    )
