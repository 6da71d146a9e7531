"""Payment propensity at full size (issue "measure"): how well the model ranks and what the
ranking finds, on real data, and how fast a million items are scored.

0. The collectability curve (`kpi.collectability_by_segment`) on the IBM data, segmented by
   the customer's country code (its only segment; probably a curated sample), as of the last
   settlement: of what was open at each age, the share recovered within 30/90/180 days.
1. IBM late-payment histories (../shared/data; probably a curated sample: every invoice is
   settled): snapshots every day from Feb 2012 to Dec 2013, trained before 1 Jul 2013,
   judged after it: AUC, Brier score against the base rate's, and what the items of the top
   k cases (debtors: one currency) a day recovered within 30 days by each ranking (expected
   recovery, oldest first, largest first, the worklist's rule-based score), with the lift of
   expected recovery over each (none over a ranking that found under 1 % of it).
2. UCI default of credit card clients (../shared/data): the same learner (gradient boosting,
   isotonic calibration on a later slice) on its own 23 features, a seeded 70/30 split:
   AUC and Brier score; and calibration by decile (predicted vs observed default rate).
3. Scoring speed: a generated ledger of N items (default 1,000,000 over 100,000 debtors),
   snapshot features and probabilities for the open items of one day, against the plain
   Polars floor (each item's open balance and days past due: one join and one projection).
4. The demo ledger (`arrears demo`'s: `generate_ledger`, 20,000 items, seed 7, as of
   2026-12-05), its company-currency invoices, payments and the desk's past
   (`arrears.demo.desk`), without a database (so without the weekly runs' ladder steps
   and the last weeks' stories, which `arrears backtest` on the demo's database reads too):
   replayed weekly as `arrears backtest` does (from a month after the first invoice, split
   at 70 % of the days), with and without the desk's past: AUC, Brier against the base
   rate's, the top-k lifts, and the base rate by quarter (is the ledger's past like its
   present?).

    .venv/bin/python -m bench.bench_propensity [--items 1000000] [--skip-ibm] [--skip-uci]
        [--skip-speed] [--skip-demo] [--demo-items 20000] [--demo-seed 7]
        [--demo-as-of 2026-12-05]
"""

from __future__ import annotations

import argparse
import time
from datetime import date, timedelta

import numpy as np
import polars as pl

from arrears.domain import propensity as P

IBM_AGES = (0, 10, 20, 30, 45, 60)  # every invoice was settled within about two months


def ibm_curve() -> None:
    from arrears.domain import kpi
    from tests.shared_data import ibm_ledger

    items, payments = ibm_ledger()
    as_of = payments["paid_on"].max()
    assert isinstance(as_of, date)
    t = time.perf_counter()
    curve = kpi.collectability_by_segment(
        items.with_columns(currency=pl.lit("USD")),
        payments,
        as_of,
        segment="country",
        ages=IBM_AGES,
    )
    took = time.perf_counter() - t
    print(
        "Collectability curve, IBM late-payment histories (probably a curated sample: every "
        f"invoice is settled); segment: country code; as of {as_of} ({took:.2f} s)"
    )
    print("  segment  age  items  recovered within 30 / 90 / 180 days (%)")
    for (segment, age), group in curve.group_by(["segment", "age"], maintain_order=True):
        by_h = {r["horizon"]: r for r in group.iter_rows(named=True)}
        first = by_h[min(by_h)]
        rates = " / ".join(
            f"{100 * by_h[h]['recovered_minor'] / by_h[h]['open_minor']:5.1f}"
            if h in by_h
            else "    -"
            for h in kpi.HORIZONS
        )
        print(f"  {segment:<7} {age:>4} {first['items']:>6}  {rates}")


def ibm() -> None:
    from tests.shared_data import ibm_ledger

    items, payments = ibm_ledger()
    days = [date(2012, 2, 1) + timedelta(days=i) for i in range(0, 693)]  # to 24 Dec 2013
    t = time.perf_counter()
    frame = P.snapshots(items, payments, days)
    split = date(2013, 7, 1)
    model = P.train(frame, until=split)
    held_out = frame.filter(pl.col("as_of") >= split)
    metrics = P.evaluate(model, held_out)
    judged = P.expected_recovery(model, held_out)
    took = time.perf_counter() - t
    base = metrics["base_rate"]
    print("IBM late-payment histories (probably a curated sample: every invoice is settled)")
    print(
        f"  {frame.height:,} item-days over {len(days)} days; trained before {split}, "
        f"judged on {held_out.height:,} item-days after it ({took:.1f} s in all)"
    )
    print(
        f"  AUC {metrics['auc']:.3f}  Brier {metrics['brier']:.4f}  "
        f"(base rate {base:.3f}: Brier {base * (1 - base):.4f})"
    )
    for k in (5, 10, 20):
        got = P.backtest(judged, k, P.WITH_RULE)
        ours = got["expected recovery"]
        cells = "  ".join(
            f"{name} {minor / 100:,.0f}"
            + (
                ""
                if name == "expected recovery"
                else f" (x{ours / minor:.2f})"
                if minor >= ours / 100
                else " (almost nothing: no ratio)"
            )
            for name, minor in got.items()
        )
        print(f"  k={k:<3} USD recovered in 30 days: {cells}")


def uci() -> None:
    from sklearn.calibration import CalibratedClassifierCV
    from sklearn.ensemble import HistGradientBoostingClassifier
    from sklearn.frozen import FrozenEstimator
    from sklearn.metrics import brier_score_loss, roc_auc_score

    from tests.shared_data import path_of

    df = pl.read_csv(path_of("uci_credit_card_default.csv"), infer_schema=False)
    df = df.with_columns(pl.all().cast(pl.Float64))
    x = df.select([f"X{i}" for i in range(1, 24)]).to_numpy().astype(float)
    y = df["Y"].cast(pl.Int8).to_numpy()
    rng = np.random.default_rng(0)
    order = rng.permutation(len(y))
    cut, calib_cut = int(len(y) * 0.7), int(len(y) * 0.55)
    fit, calib, test = order[:calib_cut], order[calib_cut:cut], order[cut:]
    booster = HistGradientBoostingClassifier(**P.BOOSTING, random_state=0)
    booster.fit(x[fit], y[fit])
    model = CalibratedClassifierCV(FrozenEstimator(booster), method="isotonic")
    model.fit(x[calib], y[calib])
    p = model.predict_proba(x[test])[:, 1]
    base = y[test].mean()
    print("UCI default of credit card clients (30,000 real card holders, Taiwan 2005)")
    print(
        f"  held-out {len(test):,} of {len(y):,}: AUC {roc_auc_score(y[test], p):.3f}  "
        f"Brier {brier_score_loss(y[test], p):.4f}  (base rate {base:.3f}: "
        f"Brier {base * (1 - base):.4f})"
    )
    deciles = np.array_split(np.argsort(p), 10)
    pairs = "  ".join(f"{p[d].mean():.2f}/{y[test][d].mean():.2f}" for d in deciles)
    print(f"  calibration by decile, predicted/observed: {pairs}")


def generated(items: int, debtors: int, seed: int = 42) -> tuple[pl.DataFrame, pl.DataFrame]:
    """A ledger of `items` invoices over two years and what was paid: most debtors pay
    around their due date, some late, some never (deterministic for a seed); each debtor's
    risk tier (its segment) follows its habit. No desk history: its features are zero."""
    rng = np.random.default_rng(seed)
    debtor = rng.integers(0, debtors, items)
    issued = rng.integers(0, 730, items)
    habit = rng.choice([5, 20, 60, 10_000], size=debtors, p=[0.6, 0.25, 0.1, 0.05])
    late = rng.poisson(habit[debtor].clip(max=400)) + np.where(habit[debtor] > 1000, 10_000, 0)
    amount = (rng.lognormal(10, 1.2, items)).astype(np.int64) + 100
    start = date(2025, 1, 1)
    frame = pl.DataFrame(
        {
            "item_id": np.arange(items, dtype=np.int64),
            "debtor_id": debtor.astype(np.int64),
            "issued_on": pl.Series(issued).cast(pl.Int32),
            "late": late,
            "amount_minor": amount,
        }
    ).with_columns(
        issued_on=pl.lit(start) + pl.duration(days=pl.col("issued_on")),
    )
    frame = frame.with_columns(due_on=pl.col("issued_on") + pl.duration(days=30))
    paid = frame.select(
        "item_id",
        paid_on=pl.col("due_on") + pl.duration(days=pl.col("late")),
        amount_minor="amount_minor",
    ).filter(pl.col("paid_on") <= date(2027, 12, 31))
    # the debtor's risk tier as a credit manager would set it from how it pays
    tier = np.array(["low", "medium", "high", "high"])[np.searchsorted([5, 20, 60], habit)]
    items_frame = frame.select(
        "item_id", "debtor_id", "issued_on", "due_on", "amount_minor"
    ).with_columns(segment=pl.Series(tier[debtor]))
    return items_frame, paid


def speed(items: int) -> None:
    ledger, paid = generated(items, max(items // 10, 1))
    day = date(2026, 12, 1)
    train_days = [day - timedelta(days=60 + 14 * i) for i in range(12)]
    model = P.train(P.snapshots(ledger.sample(min(items, 200_000), seed=1), paid, train_days), day)

    def floor() -> pl.DataFrame:
        got = (
            paid.filter(pl.col("paid_on") <= day)
            .group_by("item_id")
            .agg(pl.col("amount_minor").sum())
        )
        return (
            ledger.filter(pl.col("issued_on") <= day)
            .join(got, on="item_id", how="left")
            .select(
                "item_id",
                open_minor=pl.col("amount_minor") - pl.col("amount_minor_right").fill_null(0),
                dpd=(pl.lit(day) - pl.col("due_on")).dt.total_days(),
            )
            .filter(pl.col("open_minor") > 0)
        )

    def ours() -> pl.DataFrame:
        return P.expected_recovery(model, P.snapshot(ledger, paid, day))

    times: dict[str, list[float]] = {"ours": [], "floor": []}
    for _ in range(3):
        for name, fn in (("ours", ours), ("floor", floor)):
            t = time.perf_counter()
            fn()
            times[name].append(time.perf_counter() - t)
    scored = ours().height
    a, b = sorted(times["ours"])[1], sorted(times["floor"])[1]
    print(f"Scoring {items:,} items (generated; {scored:,} open on {day}), median of 3:")
    print(
        f"  features + probabilities + expected recovery {a:.2f} s "
        f"({scored / a:,.0f} open items/s); plain Polars open balance and dpd {b:.2f} s; "
        f"ratio {a / b:.1f}"
    )


def demo_frames(items: int, seed: int, as_of: date) -> tuple[pl.DataFrame, pl.DataFrame, P.Desk]:
    """The demo ledger as `propensity.snapshot` reads it from the demo's database: the
    company-currency (EUR) invoices with the debtor's risk tier, what was allocated to them,
    and the desk's past; ids are positions (as a fresh import gives)."""
    from arrears.demo import generate_ledger
    from arrears.demo.decision import minor_from_text

    ledger = generate_ledger(items=items, seed=seed, as_of=as_of)
    ccy = ledger.company_currency
    debtors = ledger.debtors.select("debtor_code", segment="risk_tier").with_row_index(
        "debtor_id", offset=1
    )
    its = (
        ledger.items.with_row_index("item_id", offset=1)
        .filter((pl.col("currency") == ccy) & (pl.col("kind") != "credit_note"))
        .join(debtors, on="debtor_code")
        .with_columns(amount_minor=minor_from_text("original_amount", "currency", [ccy]))
    )
    frame = its.select(
        pl.col("item_id").cast(pl.Int64),
        pl.col("debtor_id").cast(pl.Int64),
        "currency",
        issued_on="issue_date",
        due_on="due_date",
        amount_minor="amount_minor",
        segment="segment",
    )
    paid = (
        ledger.payments.filter(pl.col("item_number").is_not_null())
        .join(its.select("number", "item_id"), left_on="item_number", right_on="number")
        .with_columns(amount_minor=minor_from_text("allocated_amount", "currency", [ccy]))
        .select(
            pl.col("item_id").cast(pl.Int64), paid_on="received_on", amount_minor="amount_minor"
        )
    )
    ids = debtors.select("debtor_code", pl.col("debtor_id").cast(pl.Int64))
    numbers = its.select("number", pl.col("item_id").cast(pl.Int64))
    past = ledger.desk
    ours = pl.col("currency") == ccy
    desk = P.Desk(
        promises=past.promises.filter(ours)
        .join(ids, on="debtor_code")
        .select("debtor_id", "given_on", "state", "closed_on"),
        disputes=past.disputes.filter(ours)
        .with_row_index("dispute_id")
        .join(ids, on="debtor_code")
        .join(numbers, on="number")
        .select(
            pl.col("dispute_id").cast(pl.Int64), "debtor_id", "item_id", "opened_on", "resolved_on"
        ),
        excuses=past.excuses.filter(ours)
        .join(ids, on="debtor_code")
        .select("debtor_id", "logged_on"),
    )
    return frame, paid, desk


def demo(items: int, seed: int, as_of: date) -> None:
    t = time.perf_counter()
    ledger, paid, desk = demo_frames(items, seed, as_of)
    took = time.perf_counter() - t
    last = as_of - timedelta(days=P.HORIZON)
    earliest = ledger["issued_on"].min()
    assert isinstance(earliest, date)
    first = earliest + timedelta(days=P.HORIZON)
    days = [first + timedelta(days=n) for n in range(0, (last - first).days + 1, 7)]
    split = days[int(len(days) * 0.7)]
    print(
        f"Demo ledger ({items:,} items, seed {seed}, as of {as_of}; generated in {took:.1f} s): "
        f"{ledger.height:,} EUR invoices; the desk's past: {desk.promises.height:,} promises, "
        f"{desk.disputes.height:,} disputed items, {desk.excuses.height:,} excuses"
    )
    print(f"  replayed every 7 days from {days[0]} to {days[-1]}, trained up to {split}")
    for name, with_desk in (("with the desk's past", desk), ("without it", P.NO_DESK)):
        t = time.process_time()
        frame = P.snapshots(ledger, paid, days, desk=with_desk)
        model = P.train(frame, until=split)
        test = frame.filter(pl.col("as_of") > split)
        metrics = P.evaluate(model, test)
        judged = P.expected_recovery(model, test)
        cpu = time.process_time() - t
        base = metrics["base_rate"]
        print(
            f"  {name}: {len(model.features)} features learned; {test.height:,} held-out "
            f"item-days, AUC {metrics['auc']:.3f}, Brier {metrics['brier']:.4f} (base rate "
            f"{base:.3f}: Brier {base * (1 - base):.4f}); {cpu:.1f} s CPU"
        )
        if with_desk is desk:
            quarters = (
                frame.group_by(quarter=pl.col("as_of").dt.truncate("3mo"))
                .agg(rows=pl.len(), paid=pl.col("paid_within").mean())
                .sort("quarter")
            )
            print(
                "  paid in full within 30 days, by quarter of the replayed days: "
                + ", ".join(f"{q:%Y-%m} {p:.1%} ({n:,})" for q, n, p in quarters.iter_rows())
            )
        for k in (5, 10, 20):
            got = P.backtest(judged, k, P.WITH_RULE)
            ours = got["expected recovery"]
            cells = "  ".join(
                f"{n} {minor / 100:,.0f}"
                + (
                    ""
                    if n == "expected recovery"
                    else f" (x{ours / minor:.2f})"
                    if minor >= ours / 100
                    else " (under 1 %: no ratio)"
                )
                for n, minor in got.items()
            )
            print(f"    k={k:<3} EUR recovered in 30 days: {cells}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--items", type=int, default=1_000_000)
    parser.add_argument("--skip-ibm", action="store_true")
    parser.add_argument("--skip-uci", action="store_true")
    parser.add_argument("--skip-speed", action="store_true")
    parser.add_argument("--skip-demo", action="store_true")
    parser.add_argument("--demo-items", type=int, default=20_000)
    parser.add_argument("--demo-seed", type=int, default=7)
    parser.add_argument("--demo-as-of", type=date.fromisoformat, default=date(2026, 12, 5))
    args = parser.parse_args()
    if not args.skip_ibm:
        ibm_curve()
        ibm()
    if not args.skip_uci:
        uci()
    if not args.skip_speed:
        speed(args.items)
    if not args.skip_demo:
        demo(args.demo_items, args.demo_seed, args.demo_as_of)


if __name__ == "__main__":
    main()
