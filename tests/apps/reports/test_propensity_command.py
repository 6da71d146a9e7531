"""`arrears propensity train|show` (issue #16): a model trained on the company's own ledger is
kept with its window, features and metrics and made active; a stored model whose bytes or
features are not right is refused, never used; only a credit manager trains; a company never
uses another company's model."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

import polars as pl
import pytest
from django.contrib.auth import get_user_model
from django.core.management.base import CommandError
from django.utils import timezone

from arrears.apps.cases.models import Action, Case, PropensityModel
from arrears.apps.cases.presentation import reasons_words
from arrears.apps.cases.propensity import active_model, model_load
from arrears.apps.cases.worklist import worklist
from arrears.apps.ledger.models import Debtor
from arrears.apps.reports.propensity import propensity_train
from arrears.domain import propensity as P
from arrears.domain.refusal import NotAllowed, Refusal
from arrears.words import say
from tests import factories, terminal
from tests.apps.reports.test_backtest_command import AS_OF, acme  # noqa: F401

pytestmark = pytest.mark.django_db


def _train(company, until: date | None = None) -> PropensityModel:
    return propensity_train(
        actor=factories.credit_manager("maria"), company=company, as_of=AS_OF, until=until
    )


def test_training_stores_an_active_model_with_its_window_features_and_metrics(acme):  # noqa: F811
    stored = _train(acme, until=date(2025, 8, 1))
    assert stored.active and stored.trained_by.username == "maria"
    assert stored.trained_from < stored.trained_until
    assert stored.trained_until <= date(2025, 8, 1) - timedelta(days=30)
    assert stored.horizon == P.HORIZON
    assert stored.features and set(stored.features) <= set(P.FEATURES)
    assert stored.feature_set == P.FEATURE_SET
    assert set(stored.metrics) == {"auc", "brier", "base_rate", "rows"}
    assert stored.metrics["auc"] > 0.9 and stored.metrics["rows"] > 0
    loaded = active_model(acme)
    assert loaded is not None and loaded.features == tuple(stored.features)


def test_training_again_leaves_one_active_model(acme):  # noqa: F811
    first, second = _train(acme), _train(acme)
    first.refresh_from_db()
    assert not first.active and second.active
    assert list(PropensityModel.objects.filter(company=acme, active=True)) == [second]


def test_the_command_trains_and_show_prints_the_window_and_metrics(acme):  # noqa: F811
    assert "no propensity model at acme" in terminal.run(
        "propensity", "show", "--company", "acme", as_="cora"
    )
    out = terminal.run(
        "propensity", "train", "--company", "acme", "--as-of", AS_OF.isoformat(), as_="maria"
    )
    assert out.startswith("Propensity model ") and "(active: it ranks the worklist)" in out
    assert "AUC" in out and "Brier" in out and "predicts: paid in full within 30 days" in out
    assert terminal.run("propensity", "show", "--company", "acme", as_="cora") == out


def test_show_says_when_the_model_did_worse_than_always_saying_the_base_rate(acme):  # noqa: F811
    terminal.run(
        "propensity", "train", "--company", "acme", "--as-of", AS_OF.isoformat(), as_="maria"
    )
    model = PropensityModel.objects.get(company__code="acme", active=True)
    base = float(model.metrics["base_rate"])
    bar = P.brier_of_base_rate(base)
    assert f"(always saying the base rate: {bar:.3f})" in terminal.run(
        "propensity", "show", "--company", "acme", as_="cora"
    )
    model.metrics = {**model.metrics, "brier": bar + 0.01}  # as the demo's model did
    model.save(update_fields=["metrics"])
    worse = terminal.run("propensity", "show", "--company", "acme", as_="cora")
    assert "WARNING: its probabilities did worse after the window than always saying" in worse
    model.metrics = {**model.metrics, "brier": bar - 0.01}
    model.save(update_fields=["metrics"])
    assert "WARNING" not in terminal.run("propensity", "show", "--company", "acme", as_="cora")


def test_the_base_rates_brier_is_the_bar_a_model_must_beat():
    assert P.brier_of_base_rate(0.1) == pytest.approx(0.09)  # 0.1 x 0.9
    assert P.worse_than_base_rate({"brier": 0.079, "base_rate": 0.0826})  # 0.079 > 0.0758
    assert not P.worse_than_base_rate({"brier": 0.0643, "base_rate": 0.0926})  # < 0.0840
    assert not P.worse_than_base_rate({})  # an old model without figures: nothing to say


def test_a_tampered_model_is_refused(acme):  # noqa: F811
    stored = _train(acme)
    blob = bytearray(bytes(stored.estimator))
    blob[-1] ^= 1
    PropensityModel.objects.filter(pk=stored.pk).update(estimator=bytes(blob))
    with pytest.raises(Refusal) as refused:
        active_model(acme)
    assert refused.value.code == "propensity.tampered"
    assert "does not match its SHA-256" in say(refused.value)


@pytest.mark.parametrize(
    "features",
    [["dpd", "nobody_computes_this"], list(reversed(P.FEATURES)), ["dpd"]],
    ids=["unknown", "reordered", "fewer-than-the-estimator-reads"],
)
def test_a_model_with_other_features_is_refused(acme, features):  # noqa: F811
    stored = _train(acme)
    PropensityModel.objects.filter(pk=stored.pk).update(features=features)
    stored.refresh_from_db()
    with pytest.raises(Refusal) as refused:
        model_load(stored)
    assert refused.value.code == "propensity.features_differ"
    assert "trained on other features" in say(refused.value)


def test_a_model_of_the_old_feature_set_is_refused_and_the_worklist_keeps_the_rule_based_order(
    acme,  # noqa: F811
):
    """A model stored before the desk's history was read (feature set 1: `disputed` was
    today's flag) is refused even where its feature names are still computed; the worklist
    falls back to the rule-based order, as for any refused model."""
    stored = _train(acme)
    PropensityModel.objects.filter(pk=stored.pk).update(
        feature_set=1, features=[f for f in stored.features if f in P.FEATURES[:11]]
    )
    stored.refresh_from_db()
    with pytest.raises(Refusal) as refused:
        model_load(stored)
    assert refused.value.code == "propensity.features_differ"
    assert "trained on other features" in say(refused.value)
    _to_work(acme)
    lines = _list(acme)
    assert {x.debtor_code for x in lines[:3]} == NON_PAYERS
    assert all(x.p_paid is None for x in lines)


@pytest.mark.parametrize("who", ["cora", "olaf"])
def test_a_collector_may_not_train(acme, who):  # noqa: F811
    with pytest.raises(NotAllowed):
        propensity_train(
            actor=get_user_model().objects.get(username=who), company=acme, as_of=AS_OF
        )
    assert not PropensityModel.objects.exists()


def test_another_companys_model_is_never_used(acme):  # noqa: F811
    rival = factories.company("rival")
    theirs = _train(acme)
    PropensityModel.objects.filter(pk=theirs.pk).update(company=rival)
    assert active_model(acme) is None
    assert "no propensity model at acme" in terminal.run(
        "propensity", "show", "--company", "acme", as_="maria"
    )
    with pytest.raises(CommandError, match=r"unknown company 'acme' \(yours: rival\)"):
        terminal.run("propensity", "show", "--company", "acme", as_="rita")


def _to_work(company) -> None:
    """Invoices 5 days overdue for each of the six debtors, with an action on its case: a
    payer owes two small ones (EUR 200); a non-payer one, beside its forty large, old invoices
    (EUR 12,254.60 overdue in all)."""
    for d in Debtor.objects.filter(company=company).order_by("code"):
        for _ in range(2 if d.code in PAYERS else 1):
            factories.item(d, due=AS_OF - timedelta(days=5), amount=100_00)
        case, _ = Case.objects.get_or_create(
            company=company, debtor=d, currency="EUR", defaults={"opened_on": AS_OF}
        )
        Action.objects.get_or_create(
            case=case, step_code="reminder", channel="letter", role="collector", due_on=AS_OF
        )


def _list(company):
    return worklist(actor=factories.collector("cora"), company_id=company.pk, on=AS_OF)


PAYERS, NON_PAYERS = {"D0", "D1", "D2"}, {"D3", "D4", "D5"}


def test_without_a_model_the_worklist_keeps_the_rule_based_order(acme):  # noqa: F811
    _to_work(acme)
    lines = _list(acme)
    assert {x.debtor_code for x in lines[:3]} == NON_PAYERS  # the larger overdue balances
    assert all(x.p_paid is None and x.drivers == () for x in lines)
    assert "likely paid" not in reasons_words(lines[0])


def test_a_tampered_model_ranks_nothing_and_the_worklist_keeps_the_rule_based_order(acme):  # noqa: F811
    stored = _train(acme)
    blob = bytearray(bytes(stored.estimator))
    blob[-1] ^= 1
    PropensityModel.objects.filter(pk=stored.pk).update(estimator=bytes(blob))
    _to_work(acme)
    lines = _list(acme)
    assert {x.debtor_code for x in lines[:3]} == NON_PAYERS
    assert all(x.p_paid is None for x in lines)


def test_training_is_audited_with_its_window_and_metrics(acme):  # noqa: F811
    from arrears.apps.accounts.models import AuditEvent

    stored = _train(acme)
    event = AuditEvent.objects.get(action="propensity.train")
    assert event.object_id == str(stored.pk)
    assert event.detail["company"] == "acme" and "auc" in event.detail["metrics"]


def test_with_a_model_the_likely_payer_comes_first_and_each_line_says_why(acme):  # noqa: F811
    _train(acme)
    _to_work(acme)
    lines = _list(acme)
    assert {x.debtor_code for x in lines[:3]} == PAYERS
    assert min(x.p_paid for x in lines[:3]) > max(x.p_paid for x in lines[3:])  # type: ignore[type-var]
    for x in lines:
        assert x.reasons.expected_minor == round(x.reasons.overdue_company_minor * x.p_paid)
        assert x.reasons.score == x.reasons.expected_minor
        assert 1 <= len(x.drivers) <= 3
        said = reasons_words(x)
        assert "likely paid (" in said and " pts)" in said
    assert "likely paid" in reasons_words(lines[0]) and "pts)" in reasons_words(lines[0])


def test_a_model_moved_to_another_company_does_not_rank_this_ones_worklist(acme):  # noqa: F811
    theirs = _train(acme)
    PropensityModel.objects.filter(pk=theirs.pk).update(company=factories.company("rival"))
    _to_work(acme)
    lines = _list(acme)
    assert {x.debtor_code for x in lines[:3]} == NON_PAYERS
    assert all(x.p_paid is None for x in lines)


def test_with_a_model_the_number_of_queries_does_not_grow_with_the_lines(acme):  # noqa: F811
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    _train(acme)
    d0 = Debtor.objects.get(company=acme, code="D0")
    factories.item(d0, due=AS_OF - timedelta(days=5), amount=100_00)
    case = Case.objects.create(company=acme, debtor=d0, currency="EUR", opened_on=AS_OF)
    Action.objects.create(
        case=case, step_code="reminder", channel="letter", role="collector", due_on=AS_OF
    )
    with CaptureQueriesContext(connection) as one:
        assert len(_list(acme)) == 1
    _to_work(acme)
    with CaptureQueriesContext(connection) as many:
        assert len(_list(acme)) == 6
    assert len(one) == len(many)


def test_what_the_erp_cleared_counts_as_settled_on_the_import_day_not_the_worklists(
    acme,  # noqa: F811
    monkeypatch,
):
    """D0's invoice of 300.00, due 40 days before the list, cleared by the ERP without a
    payment (a credit note) and learned by an items import 20 days before the list: the
    history the model reads settles it on the import's day, so the debtor's days late on it
    are 20, not 40 (and do not grow each day the list is read)."""
    from arrears.apps.cases import worklist as W
    from arrears.apps.ledger.models import ImportBatch, ImportKind

    _train(acme)
    _to_work(acme)
    d0 = Debtor.objects.get(company=acme, code="D0")
    credited = factories.item(d0, due=AS_OF - timedelta(days=40), amount=300_00, open_=0)
    batch = ImportBatch.objects.create(
        company=acme,
        kind=ImportKind.ITEMS,
        filename="items.csv",
        sha256="0" * 64,
        rows=1,
        created=1,
        updated=0,
        unchanged=0,
    )
    imported = timezone.make_aware(datetime.combine(AS_OF - timedelta(days=20), time(12)))
    ImportBatch.objects.filter(pk=batch.pk).update(at=imported)
    later = ImportBatch.objects.create(  # after the list's day: not known on it
        company=acme,
        kind=ImportKind.ITEMS,
        filename="next.csv",
        sha256="1" * 64,
        rows=1,
        created=0,
        updated=1,
        unchanged=0,
    )
    ImportBatch.objects.filter(pk=later.pk).update(at=imported + timedelta(days=30))
    seen: list[pl.DataFrame] = []
    snapshot = P.snapshot

    def spy(items, payments, as_of, horizon=P.HORIZON, desk=P.NO_DESK):
        seen.append(payments)
        return snapshot(items, payments, as_of, horizon, desk)

    monkeypatch.setattr(W.P, "snapshot", spy)
    assert _list(acme)[0].p_paid is not None
    cleared = seen[0].filter(pl.col("item_id") == credited.pk)
    assert cleared.rows() == [(credited.pk, AS_OF - timedelta(days=20), 300_00)]


def test_the_worklists_files_carry_p_and_what_moved_it_per_line(acme, tmp_path):  # noqa: F811
    import csv

    from openpyxl import load_workbook

    _train(acme)
    _to_work(acme)
    lines = {f"A{x.action_id}": x for x in _list(acme)}
    terminal.run(
        "worklist", "--company", "acme", "--on", AS_OF.isoformat(),
        "--csv", str(tmp_path / "w.csv"), "--xlsx", str(tmp_path / "w.xlsx"), as_="cora",
    )  # fmt: skip
    with open(tmp_path / "w.csv", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    assert len(rows) == len(lines) == 6
    for r in rows:
        line = lines[r["action number"]]
        assert line.p_paid is not None
        assert r["p paid in full within 30 days"] == f"{line.p_paid:.3f}"
        moved = r["what moved p most"].split("; ")
        assert len(moved) == len(line.drivers) and all(m.endswith(" pts)") for m in moved)
    sheet = load_workbook(tmp_path / "w.xlsx")["worklist"]
    header = [c.value for c in sheet[1]]
    column = header.index("p paid in full within 30 days")
    first = [c.value for c in sheet[2]]
    assert float(first[column]) == round(lines[first[1]].p_paid, 3)  # type: ignore[arg-type]


def test_without_a_model_the_worklists_files_leave_p_empty(acme, tmp_path):  # noqa: F811
    import csv

    _to_work(acme)
    terminal.run(
        "worklist", "--company", "acme", "--on", AS_OF.isoformat(),
        "--csv", str(tmp_path / "w.csv"), as_="cora",
    )  # fmt: skip
    with open(tmp_path / "w.csv", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    assert rows and all(r["p paid in full within 30 days"] == "" for r in rows)
    assert all(r["what moved p most"] == "" for r in rows)
