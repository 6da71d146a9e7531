"""One request at a time: what each desk page costs the server, and the SQL it sends.

    .venv/bin/python -m bench.bench_desk_pages [--items N] [--repeat 5] [--explain]
        [--pages worklist,case,approvals]

On the copy `bench_desk_load` prepared (`desk`: 20 collectors, the first run done), in this
process through Django's test client (no HTTP, no load tool): the worklist of the collector
with the most actions due, the case page of that collector's debtor with the most open items,
and the approvals page of a credit manager (`deskcm`, made here once). For each page, after
one warm-up request, the median over `--repeat` of: wall ms, CPU ms of this process (the
Python part: views, selectors, templates, the driver), the number of queries and the
database's wall ms as the driver waited for them (the worklist's bulk COPY reads counted in
both). `--explain` then runs EXPLAIN (ANALYZE,
BUFFERS) on each of the page's queries slower than 5 ms and prints its plan and execution
time (bench/out/desk-pages-explain.txt). The CPU figure and EXPLAIN's execution times are
what a loaded machine inflates least: quote them with the load average.
"""

from __future__ import annotations

import argparse
import os
import statistics
import time
from pathlib import Path
from typing import Any

from bench.common import COMPANY, OUT, add_ledger_args, db_name, db_tag, use_database

SLOW_MS = 5.0  # as the driver waited: the load inflates it, EXPLAIN's figure says more


def _people(company: Any) -> tuple[Any, int, Any]:
    """The collector with the most actions due, their debtor with the most open items' case,
    and a credit manager (made once)."""
    from django.contrib.auth import get_user_model
    from django.db.models import Count

    from arrears.apps.accounts.services import user_ensure
    from arrears.apps.cases.models import Action, Case
    from arrears.apps.ledger.models import OpenItem
    from arrears.domain.ladder import Role

    busiest = (
        Action.objects.filter(case__company=company, status__in=("open", "queued"))
        .values("case__debtor__owner")
        .annotate(n=Count("id"))
        .order_by("-n", "case__debtor__owner")
        .first()
    )
    collector = get_user_model().objects.get(pk=busiest["case__debtor__owner"])
    largest = (
        OpenItem.objects.filter(company=company, open_minor__gt=0, debtor__owner=collector)
        .values("debtor_id", "currency")
        .annotate(n=Count("id"))
        .order_by("-n", "debtor_id", "currency")
    )
    case_id = None
    for row in largest[:50]:
        case_id = (
            Case.objects.filter(
                company=company, debtor_id=row["debtor_id"], currency=row["currency"]
            )
            .values_list("id", flat=True)
            .first()
        )
        if case_id:
            break
    manager = user_ensure(username="deskcm", role=Role.CREDIT_MANAGER, company=company)
    return collector, int(case_id or 0), manager


COPIED: list[tuple[str, Any, float]] = []  # bulk reads (COPY: not in Django's count)


def _count_bulk_reads() -> None:
    """Time the worklist's bulk reads (`read_frame`, COPY on PostgreSQL), which Django's
    query capture does not see."""
    from arrears.apps.cases import worklist

    plain = worklist.read_frame

    def timed(sql: str, params: Any, schema: Any) -> Any:
        t = time.perf_counter()
        got = plain(sql, params, schema)
        COPIED.append((sql, params, time.perf_counter() - t))
        return got

    worklist.read_frame = timed  # type: ignore[assignment]


def _measure(client: Any, url: str, repeat: int) -> tuple[dict[str, float], list[dict[str, Any]]]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.get(url)  # warm-up: imports, templates, the connection
    runs = []
    seen: list[dict[str, Any]] = []
    for _ in range(repeat):
        COPIED.clear()
        c0, t0 = time.process_time(), time.perf_counter()
        with CaptureQueriesContext(connection) as ctx:
            got = client.get(url)
        wall, cpu = time.perf_counter() - t0, time.process_time() - c0
        assert got.status_code == 200, (url, got.status_code)
        sql_ms = sum(float(q["time"]) for q in ctx.captured_queries) * 1000
        sql_ms += sum(s for _, _, s in COPIED) * 1000
        runs.append(
            {
                "wall": wall * 1000,
                "cpu": cpu * 1000,
                "queries": len(ctx.captured_queries) + len(COPIED),
                "sql": sql_ms,
                "bytes": len(got.content),
            }
        )
        seen = list(ctx.captured_queries)
        seen += [{"sql": _inline(sql, p), "time": f"{s:.3f}"} for sql, p, s in COPIED]
    return {k: statistics.median(r[k] for r in runs) for k in runs[0]}, seen


def _inline(sql: str, params: Any) -> str:
    from django.db import connection

    with connection.cursor() as cur:
        return cur.mogrify(sql, params)  # type: ignore[no-any-return]


def _explain(queries: list[dict[str, Any]], out: Any) -> None:
    from django.db import connection

    for q in queries:
        ms = float(q["time"]) * 1000
        sql = q["sql"]
        if ms < SLOW_MS or not sql.lstrip().upper().startswith(("SELECT", "WITH")):
            continue
        with connection.cursor() as cur:
            cur.execute(f"EXPLAIN (ANALYZE, BUFFERS) {sql}")
            plan = "\n".join(r[0] for r in cur.fetchall())
        print(f"\n-- {ms:.1f} ms as run: {sql[:2000]}\n{plan}", file=out)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    add_ledger_args(parser)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--explain", action="store_true")
    parser.add_argument("--pages", default="worklist,case,approvals")
    o = parser.parse_args()
    os.environ.setdefault("ARREARS_DEBUG", "0")
    use_database(db_name(o.items, o.seed, o.as_of, "desk"))
    from django.test import Client
    from django.test.utils import setup_test_environment

    from arrears.apps.ledger.models import Company

    setup_test_environment()  # the test client's response hooks, as in tests
    _count_bulk_reads()
    company = Company.objects.get(code=COMPANY)
    collector, case_id, manager = _people(company)
    pages = {
        "worklist": (collector, f"/desk/{COMPANY}/worklist/"),
        "case": (collector, f"/desk/{COMPANY}/cases/{case_id}/"),
        "approvals": (manager, f"/desk/{COMPANY}/approvals/"),
    }
    print(
        f"-- desk pages one at a time ({db_tag()}, {o.items:,} items; {collector.username}, "
        f"case {case_id}, {manager.username}; load average {os.getloadavg()[0]:.1f})"
    )
    print(f"{'page':<10} {'wall ms':>8} {'cpu ms':>7} {'queries':>7} {'sql ms':>7} {'kB':>6}")
    explain_path = OUT / "desk-pages-explain.txt"
    with Path(explain_path).open("w") as out:
        for name in o.pages.split(","):
            person, url = pages[name]
            client = Client()
            client.force_login(person, backend="django.contrib.auth.backends.ModelBackend")
            m, seen = _measure(client, url, o.repeat)
            print(
                f"{name:<10} {m['wall']:>8.1f} {m['cpu']:>7.1f} {m['queries']:>7.0f} "
                f"{m['sql']:>7.1f} {m['bytes'] / 1024:>6.0f}",
                flush=True,
            )
            if o.explain:
                print(f"\n==== {name} {url}", file=out)
                _explain(seen, out)
    print(f"load average after: {os.getloadavg()[0]:.1f}")
    if o.explain:
        print(f"plans: {explain_path}")


if __name__ == "__main__":
    main()
