"""The collectability curve at full size (issue #16): CPU seconds and peak memory of
`kpi.collectability_by_segment` against the cross join it replaced
(`bench.reference_kpi.collectability_by_segment_cross_join`), on the same ledger.

The ledger is `bench_propensity.generated` (`--items`, default 1,000,000 invoices over a
tenth as many debtors, two years of issues, most paid around their due date, some late, some
never; a risk tier per debtor), in EUR, with 2 % of the items credited 10 days after their
due date; it is written once to bench/out as Parquet. Each measurement runs in a fresh
Python process that reads the Parquet files, then computes the curve (the default 8 ages x 3
horizons, per risk tier and the whole) once: its CPU seconds (user + system, all threads)
and its peak resident memory (`ru_maxrss`) are reported beside those of a process that only
reads the files (the floor). The two curves are asserted equal.

    .venv/bin/python -m bench.bench_collectability [--items 1000000] [--skip-before]
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

import polars as pl

from bench.common import OUT

AS_OF = date(2027, 1, 31)


def ledger_paths(items: int) -> tuple[Path, Path, Path]:
    folder = OUT / f"curve-{items}"
    return folder / "items.parquet", folder / "payments.parquet", folder / "credits.parquet"


def build(items: int) -> None:
    from bench.bench_propensity import generated

    paths = ledger_paths(items)
    if all(p.exists() for p in paths):
        return
    paths[0].parent.mkdir(parents=True, exist_ok=True)
    frame, paid = generated(items, max(items // 10, 1))
    frame = frame.with_columns(currency=pl.lit("EUR"))
    credited = frame.filter(pl.col("item_id") % 50 == 7).select(
        "item_id",
        credited_on=pl.col("due_on") + pl.duration(days=10),
        amount_minor=pl.col("amount_minor") // 2,
    )
    paid = paid.join(credited.select("item_id"), on="item_id", how="anti")
    frame.write_parquet(paths[0])
    paid.write_parquet(paths[1])
    credited.write_parquet(paths[2])


def child(items: int, which: str) -> None:
    """Read the ledger, compute the curve `which` way (or nothing: the floor), print JSON."""
    paths = ledger_paths(items)
    frame, paid, credited = (pl.read_parquet(p) for p in paths)
    t = time.perf_counter()
    cpu = resource.getrusage(resource.RUSAGE_SELF)
    curve = None
    if which == "after":
        from arrears.domain.kpi import collectability_by_segment

        curve = collectability_by_segment(frame, paid, AS_OF, credits=credited)
    elif which == "before":
        from bench.reference_kpi import collectability_by_segment_cross_join

        curve = collectability_by_segment_cross_join(frame, paid, AS_OF, credits=credited)
    done = resource.getrusage(resource.RUSAGE_SELF)
    if curve is not None:
        curve.write_parquet(paths[0].parent / f"curve-{which}.parquet")
    print(
        json.dumps(
            {
                "cpu": done.ru_utime + done.ru_stime - cpu.ru_utime - cpu.ru_stime,
                "wall": time.perf_counter() - t,
                "peak_mb": done.ru_maxrss / 1024,
                "rows": 0 if curve is None else curve.height,
            }
        )
    )


def load() -> str:
    with open("/proc/loadavg") as f:
        return " ".join(f.read().split()[:3])


def measure(items: int, which: str) -> dict[str, float]:
    out = subprocess.run(
        [
            sys.executable,
            "-m",
            "bench.bench_collectability",
            "--items",
            str(items),
            "--child",
            which,
        ],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    return dict(json.loads(out.strip().splitlines()[-1]))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--items", type=int, default=1_000_000)
    parser.add_argument("--skip-before", action="store_true")
    parser.add_argument("--child", choices=["floor", "before", "after"])
    args = parser.parse_args()
    if args.child:
        child(args.items, args.child)
        return
    build(args.items)
    ways = ["floor", "after"] if args.skip_before else ["floor", "before", "after"]
    for which in ways:
        before = load()
        got = measure(args.items, which)
        print(
            f"{which:<6} CPU {got['cpu']:7.2f} s  wall {got['wall']:7.2f} s  peak "
            f"{got['peak_mb']:8,.0f} MB  ({got['rows']:,} curve rows; load {before} -> {load()})",
            flush=True,
        )
    if not args.skip_before:
        folder = ledger_paths(args.items)[0].parent
        old, new = (pl.read_parquet(folder / f"curve-{w}.parquet") for w in ("before", "after"))
        assert old.equals(new), "the columnar curve differs from the cross join's"
        print("the two curves are equal")


if __name__ == "__main__":
    main()
