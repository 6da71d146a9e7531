"""The company's payment-propensity models (issue #16): each trained model kept with its
window, features and metrics, the fitted estimator serialised with joblib beside its SHA-256.

A stored model is loaded only when its bytes hash to the SHA-256 it was stored with (checked
before anything is unpickled) and its features are those `arrears.domain.propensity` computes
(`FEATURES`, in their order, and as many as the estimator reads); anything else is refused
(`propensity.tampered`, `propensity.features_differ`), never used."""

from __future__ import annotations

import hashlib
import io
from typing import Any

import joblib
from django.db import transaction

from arrears.apps.accounts.access import require
from arrears.apps.accounts.services import audit_record
from arrears.apps.cases.models import PropensityModel
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
