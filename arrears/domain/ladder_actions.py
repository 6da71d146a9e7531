"""§1-3 The run's side of an action's life, as pure Polars over the company's pending actions
(the states and moves themselves are `arrears.domain.actions`): the contact a case gets today
(one per case and step, and none twice the same day), the next call, task or review a person
owes on each case, the typed next action stored on the case (§2: every open case carries a
dated next action: a person's call or task first when it is due no later than the run's own
choice), and the reviews the run books. The adapter (`apps/cases/services/run_plan.py`) only
selects the frames and stores what these decide.
"""

from __future__ import annotations

from datetime import date

import polars as pl

from arrears.domain.actions import CASE_KEY, REVIEW, NextActionKind, next_kind_expr
from arrears.domain.ladder import PERSON_CHANNELS, Channel, Role

PERSON = sorted(str(c) for c in PERSON_CHANNELS)


def contacts(
    cases: pl.DataFrame, steps: pl.DataFrame, pending: pl.DataFrame, as_of: date
) -> pl.DataFrame:
    """Today's contacts (debtor_id, currency, step_code, channel, role): one per case and step,
    the firmest step its items reached today when that is above the case's step before
    (`daily_run.decide`: `contact_step`; a letter at final notice already covers the invoice
    that only reached the reminder), and never a second one of a step already pending today
    (an item imported since today's earlier run)."""
    return (
        cases.filter(pl.col("contact_step").is_not_null())
        .join(steps, left_on=["strategy", "contact_step"], right_on=["strategy", "step"])
        .select(*CASE_KEY, "step_code", "channel", "role")
        .join(
            pending.filter(pl.col("due_on") == as_of).select(*CASE_KEY, "step_code"),
            on=[*CASE_KEY, "step_code"],
            how="anti",
        )
        .sort([*CASE_KEY, "step_code"])
    )


def person_next(
    pending: pl.DataFrame, cancelled: pl.DataFrame, new: pl.DataFrame, as_of: date
) -> pl.DataFrame:
    """Per case, the earliest call, task or review a person still has to do (pending and not
    cancelled today, or created now), and whether a review is already booked."""
    still = pending.filter(pl.col("channel").is_in(PERSON)).join(cancelled, on="id", how="anti")
    today = new.filter(pl.col("channel").is_in(PERSON)).select(
        *CASE_KEY, due_on=pl.lit(as_of), step_code="step_code", channel="channel", role="role"
    )
    both = pl.concat([still.select(today.columns), today])
    booked = both.group_by(CASE_KEY).agg(review_booked=(pl.col("step_code") == REVIEW).any())
    first = (
        both.sort([*CASE_KEY, "due_on", "step_code"])
        .group_by(CASE_KEY, maintain_order=True)
        .first()
        .select(
            *CASE_KEY,
            person_on="due_on",
            person_step="step_code",
            person_channel="channel",
            person_role="role",
        )
    )
    return first.join(booked, on=CASE_KEY)


def next_action() -> list[pl.Expr]:
    """The typed next action of each decided case (joined with `person_next` and the ladder's
    next, first and current steps as `steps_for_next` gives them).

    The run's own choice (`daily_run.decide`): the next climb, or the review of the current
    step. A review already booked (an open review action) stands in for the run's review, so
    the run's review gives way to it. A call or task a person still has to do comes first when
    it is due no later (§2: a person's action is never skipped)."""
    booked = pl.col("review_booked").fill_null(False)
    climb = pl.col("next_climb_on").is_not_null()
    run_kind = (
        pl.when(~booked)
        .then(pl.col("next_action_kind"))
        .when(climb)
        .then(pl.lit(NextActionKind.STEP.value))
    )
    run_on = pl.when(booked).then(pl.col("next_climb_on")).otherwise(pl.col("next_action_on"))
    person = pl.col("person_on").is_not_null() & (
        run_on.is_null() | (pl.col("person_on") <= run_on)
    )
    step = run_kind == NextActionKind.STEP.value
    return [
        pl.when(person)
        .then(next_kind_expr("person_channel", "person_step"))
        .otherwise(run_kind)
        .fill_null("")
        .alias("next_action_kind"),
        pl.when(person).then(pl.col("person_on")).otherwise(run_on).alias("next_action_on"),
        pl.when(person)
        .then(pl.col("person_step"))
        .when(step)
        .then(pl.coalesce("next_code", "first_code"))
        .otherwise(pl.lit(REVIEW))
        .fill_null("")
        .alias("next_action_step_code"),
        pl.when(person)
        .then(pl.col("person_channel"))
        .when(step)
        .then(pl.coalesce("next_channel", "first_channel"))
        .otherwise(pl.lit(Channel.TASK.value))
        .fill_null("")
        .alias("next_action_channel"),
        pl.when(person)
        .then(pl.col("person_role"))
        .when(step)
        .then(pl.coalesce("next_role", "first_role"))
        .otherwise(pl.col("here_role").fill_null(Role.COLLECTOR.value))
        .fill_null("")
        .alias("next_action_role"),
        # the run's own review, no action booked for it yet (`reviews_due` books it when due)
        (~person & (run_kind == NextActionKind.REVIEW.value)).fill_null(False).alias("review_due"),
    ]


def steps_for_next(steps: pl.DataFrame) -> tuple[pl.DataFrame, pl.DataFrame, pl.DataFrame]:
    """(following, first, here): per strategy and step, the code, channel and role of the step
    the case climbs to next (`next_climb_step`); the first step's; the current step's role."""
    following = steps.select(
        "strategy",
        pl.col("step").alias("next_climb_step"),
        next_code="step_code",
        next_channel="channel",
        next_role="role",
    )
    first = steps.filter(pl.col("step") == 0).select(
        "strategy", first_code="step_code", first_channel="channel", first_role="role"
    )
    here = steps.select("strategy", "step", here_role="role")
    return following, first, here


def reviews_due(new: pl.DataFrame, as_of: date) -> pl.DataFrame:
    """The review actions the run books: on open cases whose next action is the run's own review
    of the step, due by today (debtor_id, currency, step_code, channel, role, due_on)."""
    return new.filter(pl.col("review_due") & (pl.col("next_action_on") <= as_of)).select(
        *CASE_KEY,
        step_code=pl.lit(REVIEW),
        channel=pl.lit(Channel.TASK.value),
        role="next_action_role",
        due_on="next_action_on",
    )
