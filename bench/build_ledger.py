"""Generate the benchmark ledger (1M items, 100k debtors by default) into bench/out/,
once per (items, seed, as-of): a second call finds it there and only says where it is.

    .venv/bin/python -m bench.build_ledger [--items N] [--seed S] [--as-of YYYY-MM-DD]
"""

from __future__ import annotations

import argparse
import json
import time
from datetime import date
from typing import Any

from arrears.demo import generate_ledger, write_csv
from bench.common import Built, add_ledger_args, ledger_folder, load_built


def build(items: int, seed: int, as_of: date, *, quiet: bool = False) -> Built:
    """The ledger's CSVs, generated now unless already cached."""
    cached = load_built(items, seed, as_of)
    if cached is not None:
        if not quiet:
            print(f"cached: {cached.folder}")
        return cached
    folder = ledger_folder(items, seed, as_of)
    t = time.perf_counter()
    ledger = generate_ledger(items=items, seed=seed, as_of=as_of, max_items=max(items, 10))
    generated = time.perf_counter() - t
    paths = write_csv(ledger, folder)
    written = time.perf_counter() - t - generated
    meta: dict[str, Any] = {
        "items": items,
        "seed": seed,
        "as_of": as_of.isoformat(),
        "company_currency": ledger.company_currency,
        "rates": {c: str(r) for c, r in ledger.rates.items()},
        "rows": {k: ledger.frame(k).height for k in paths},
        "seconds": {"generate": round(generated, 3), "write_csv": round(written, 3)},
    }
    (folder / "ledger.json").write_text(json.dumps(meta, indent=2))
    print(f"generated {items:,} items in {generated:.2f} s, wrote CSVs in {written:.2f} s")
    for kind, path in paths.items():
        print(f"  {path}  {meta['rows'][kind]:,} rows")
    return Built(folder, paths, meta)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    add_ledger_args(parser)
    o = parser.parse_args()
    build(o.items, o.seed, o.as_of)


if __name__ == "__main__":
    main()
