"""The company's payment-propensity models (issue #16): each trained model kept with its
window, features and metrics, the fitted estimator serialised with joblib beside its SHA-256.

A stored model is loaded only when its bytes hash to the SHA-256 it was stored with (checked
before anything is unpickled) and its features are those `arrears.domain.propensity` computes
(`FEATURES`, in their order, and as many as the estimator reads) with their present meaning
(`FEATURE_SET`); anything else is refused (`propensity.tampered`,
`propensity.features_differ`), never used.

The desk's dated history the features read (`propensity.Desk`) comes from this app (the
ladder's step events) and from the apps above it (the negotiation desk's promises, disputes
and excuses), which register a reader when Django starts (`desk_frames_register`): cases
never imports them."""

from __future__ import annotations

import hashlib
import io
from collections.abc import Mapping, Sequence
from typing import Any, Protocol

import joblib
import polars as pl
from django.db import connection, transaction

from arrears.apps.accounts.access import require
from arrears.apps.accounts.services import audit_record
from arrears.apps.cases.models import Case, CaseEvent, EventKind, PropensityModel, StrategyStep
from arrears.apps.common.bulk import read_frame
from arrears.apps.ledger.models import Company
from arrears.domain import propensity as P
from arrears.domain.access import Verb
from arrears.domain.refusal import Refusal


def dumped(model: P.Model) -> tuple[bytes, str]:
    """The estimator's bytes (joblib) and their SHA-256."""
    buffer = io.BytesIO()
    joblib.dump(model.estimator, buffer)
    blob = buffer.getvalue()
    return blob, hashlib.sha256(blob).hexdigest()


def model_store(
    *, actor: Any, company: Company, model: P.Model, trained_at: Any
) -> PropensityModel:
    """Keep a trained model and make it the company's active one (the others stay, inactive)."""
    require(actor, Verb.SET_POLICY, company_id=company.pk, what="train a propensity model")
    blob, sha = dumped(model)
    with transaction.atomic():
        PropensityModel.objects.filter(company=company, active=True).update(active=False)
        made = PropensityModel.objects.create(
            company=company,
            trained_at=trained_at,
            trained_from=model.trained_from,
            trained_until=model.trained_until,
            horizon=model.horizon,
            features=list(model.features),
            feature_set=model.feature_set,
            metrics=dict(model.metrics),
            medians=dict(model.medians),
            estimator=blob,
            sha256=sha,
            trained_by=actor,
            active=True,
        )
        audit_record(
            action="propensity.train",
            actor=actor,
            object_type="propensity_model",
            object_id=made.pk,
            detail={
                "company": company.code,
                "trained_from": str(model.trained_from),
                "trained_until": str(model.trained_until),
                "metrics": {k: float(v) for k, v in model.metrics.items()},
            },
        )
        return made


def model_load(row: PropensityModel) -> P.Model:
    """The stored model, ready to score; refused if its bytes or its features are not right."""
    blob = bytes(row.estimator)
    if hashlib.sha256(blob).hexdigest() != row.sha256:
        raise Refusal("propensity.tampered", model=row.pk)
    features = tuple(row.features) if isinstance(row.features, list) else ()
    expected = tuple(f for f in P.FEATURES if f in features)
    if row.feature_set != P.FEATURE_SET:
        # trained when the features meant something else (set 1: no desk history, and
        # `disputed` read as today's flag): its splits do not fit what is computed now
        raise Refusal(
            "propensity.features_differ",
            missing=", ".join(f for f in P.FEATURES if f not in features) or "-",
            model=", ".join(map(str, features)) or "-",
        )
    if not features or features != expected:
        raise Refusal(
            "propensity.features_differ",
            missing=", ".join(f for f in features if f not in P.FEATURES) or "-",
            model=", ".join(map(str, features)) or "-",
        )
    estimator = joblib.load(io.BytesIO(blob))
    if getattr(estimator, "n_features_in_", len(features)) != len(features):
        raise Refusal("propensity.features_differ", missing="-", model=", ".join(features))
    return P.Model(
        estimator=estimator,
        features=features,
        trained_from=row.trained_from,
        trained_until=row.trained_until,
        horizon=row.horizon,
        metrics=dict(row.metrics),
        medians={f: row.medians.get(f) for f in features} if isinstance(row.medians, dict) else {},
        feature_set=row.feature_set,
    )


def active_model_row(company: Company) -> PropensityModel | None:
    """The company's active model's row (not loaded): for the worklist and `show`."""
    return PropensityModel.objects.filter(company=company, active=True).first()


def active_model_read(*, actor: Any, company: Company) -> PropensityModel | None:
    """The active model of the company, for anyone of the company to see what ranks the list."""
    require(actor, Verb.READ, company_id=company.pk, what="see the propensity model")
    return active_model_row(company)


def active_model(company: Company) -> P.Model | None:
    """The company's active model, loaded and checked (None: the company has none)."""
    row = active_model_row(company)
    return None if row is None else model_load(row)


# --- the desk's dated history, as `propensity.snapshot` reads it -------------------------

# Which debtors' history to read: a SELECT of debtor ids and its parameters (the worklist's
# listed actions, as a subquery), or None for the whole company (training, the backtest).
Debtors = tuple[str, Sequence[Any]] | None


class DeskFrames(Protocol):
    """An app above this one gives its part of `propensity.Desk` (frame name -> frame)."""

    def __call__(self, *, company_id: int, debtors: Debtors) -> Mapping[str, pl.DataFrame]: ...


_DESK_FRAMES: dict[str, DeskFrames] = {}


def desk_frames_register(name: str, reader: DeskFrames) -> None:
    """The negotiation desk registers its promises, disputes and excuses reader
    (`negotiation.apps`)."""
    _DESK_FRAMES[name] = reader


def desk_history(*, company_id: int, debtors: Debtors = None) -> P.Desk:
    """The company's desk history (of `debtors` only, when given): the ladder's step events
    read here, the rest from the registered readers (absent ones stay empty)."""
    frames: dict[str, pl.DataFrame] = {"steps": step_events(company_id=company_id, debtors=debtors)}
    for reader in _DESK_FRAMES.values():
        frames.update(reader(company_id=company_id, debtors=debtors))
    return P.Desk(**frames)


def debtors_clause(alias: str, debtors: Debtors) -> tuple[str, list[Any]]:
    """` AND <alias>.debtor_id IN (...)` and its parameters (nothing for the whole company)."""
    if debtors is None:
        return "", []
    sql, params = debtors
    return f" AND {alias}.debtor_id IN ({sql})", list(params)


_STEP_EVENTS = (
    'SELECT k.debtor_id, k.currency, e."on", e.kind, e.to_step, {strategy} AS strategy '
    "FROM {event} e JOIN {case} k ON k.id = e.case_id "
    "WHERE k.company_id = %s AND e.kind IN ('opened', 'reopened', 'step', 'closed'){only} "
    'ORDER BY e."on", e.id'
)
_STEP_EVENTS_READ: dict[str, pl.DataType] = {
    "debtor_id": pl.Int64(),
    "currency": pl.String(),
    "on": pl.Date(),
    "kind": pl.String(),
    "to_step": pl.String(),
    "strategy": pl.String(),
}
assert {"opened", "reopened", "step", "closed"} <= set(EventKind.values)


def step_events(*, company_id: int, debtors: Debtors = None) -> pl.DataFrame:
    """Each case's rung on its ladder from the day of each event (`propensity.STEPS`): a step
    event's rung is the step's position in the strategy named in its reason, and so is that of
    a case opened at its first step (one event: `CaseEvent.took_step`); opening (at no step),
    reopening or closing a case sets it back to 0."""
    only, params = debtors_clause("k", debtors)
    strategy = (
        "e.reason->>'strategy'"
        if connection.vendor == "postgresql"
        else "json_extract(e.reason, '$.strategy')"
    )
    events = read_frame(
        _STEP_EVENTS.format(
            strategy=strategy,
            event=CaseEvent._meta.db_table,
            case=Case._meta.db_table,
            only=only,
        ),
        [company_id, *params],
        _STEP_EVENTS_READ,
    )
    rungs = pl.DataFrame(
        list(
            StrategyStep.objects.filter(strategy__company_id=company_id).values_list(
                "strategy__code", "code", "position"
            )
        ),
        schema={"strategy": pl.String, "to_step": pl.String, "rung": pl.Int32},
        orient="row",
    )
    return events.join(rungs, on=["strategy", "to_step"], how="left", maintain_order="left").select(
        "debtor_id",
        "currency",
        "on",
        step=pl.when(pl.col("kind").is_in(["step", "opened"]) & (pl.col("to_step") != ""))
        .then(pl.col("rung").fill_null(0))
        .otherwise(0),
    )
