"""Fuzz the negotiation desk with a larger budget than the suite's: the same properties as
`tests/apps/negotiation/test_desk_fuzz.py` (every desk call succeeds or is refused cleanly, and
a refusal writes nothing), with more examples, then the number of calls tried per command.

    .venv/bin/python -m bench.fuzz_desk [--examples N] [--seed S] [-- PYTEST ARGS...]

`--examples` (default ARREARS_DESK_FUZZ_EXAMPLES, else 500) is per property; each example is a
sequence of 1 to 5 calls. Runs on the test database (SQLite; PostgreSQL with DATABASE_URL),
like the suite. Exit status: pytest's (0: nothing found). A failure prints hypothesis's
shrunk sequence of calls, to turn into a test.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from pathlib import Path

import pytest

TESTS = "tests/apps/negotiation/test_desk_fuzz.py"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    default = int(os.environ.get("ARREARS_DESK_FUZZ_EXAMPLES", "500"))
    parser.add_argument("--examples", type=int, default=default, help="examples per property")
    parser.add_argument("--seed", type=int, help="hypothesis seed (default: random)")
    parser.add_argument("--why", type=int, default=15, help="the most frequent refusals shown")
    parser.add_argument("pytest_args", nargs="*", help="more pytest arguments (after --)")
    o = parser.parse_args(argv)
    report = Path(tempfile.mkdtemp(prefix="fuzz_desk_")) / "tried.json"
    os.environ["ARREARS_DESK_FUZZ_EXAMPLES"] = str(o.examples)
    os.environ["ARREARS_DESK_FUZZ_REPORT"] = str(report)
    args = ["-q", "-p", "no:xdist", "-p", "no:cacheprovider", TESTS, *o.pytest_args]
    args += ["--hypothesis-show-statistics"]
    if o.seed is not None:
        args.append(f"--hypothesis-seed={o.seed}")
    t = time.perf_counter()
    status = pytest.main(args)
    seconds = time.perf_counter() - t
    got = json.loads(report.read_text()) if report.exists() else {"tried": {}, "why": {}}
    tried, why = got["tried"], got["why"]
    total = sum(tried.values())
    refused = sum(n for k, n in tried.items() if k.endswith(" refused"))
    print(f"\ndesk fuzz: {o.examples} examples per property, {total:,} calls in {seconds:.0f} s")
    print(f"  succeeded {total - refused:,}, refused cleanly {refused:,}")
    for key in sorted({k.rsplit(" ", 1)[0] for k in tried}):
        ok, no = tried.get(f"{key} ok", 0), tried.get(f"{key} refused", 0)
        print(f"  {key:<20} ok {ok:>6,}  refused {no:>6,}")
    if o.why:
        print(f"  the {o.why} most frequent refusals (figures as #):")
        for text, n in sorted(why.items(), key=lambda kv: -kv[1])[: o.why]:
            print(f"  {n:>6,}  {text}")
    print("nothing found" if status == 0 else f"FOUND something: pytest exit status {status}")
    return int(status)


if __name__ == "__main__":
    sys.exit(main())
