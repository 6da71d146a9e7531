"""Load the web desk as 20 signed-in collectors would, and print each page's p50/p95/p99.

    .venv/bin/python -m bench.bench_desk_load [--items N] [--users 20] [--seconds 60]
        [--workers 3] [--threads 1] [--think S] [--again] [--pages worklist,case,approvals] [--prepare-only]

Needs the `bench` extra (`pip install -e '.[dev,bench]'`: gunicorn and locust) and the
database `bench_import` left (PostgreSQL when DATABASE_URL points at a server: the issue's
setting; SQLite otherwise). On a copy of it (`desk`): the company's debtors are shared out
among `--users` collectors (`desk01`...; each with a password), the daily run runs on the
ledger's as-of date (so every collector has cases and a worklist), then gunicorn serves the
desk on loopback (127.0.0.1, a free port, `--workers` sync workers, or gthread workers of
`--threads` threads each, DEBUG off) and locust,
headless, signs each collector in through the sign-in form (a session each) and has them
open, in turn and without pause, their worklist and one of their cases (and the approvals
page, when the desk has one: `/desk/<company>/approvals/`). `--again` reuses the copy an
earlier call prepared (no copy, no run). Locust's CSVs stay in bench/out/desk-load*.
`--prepare-only` stops once the copy is ready (for `bench_desk_pages`, one request at a time).

Why locust, not wrk: the issue asks for each page's percentiles under one mixed load of
signed-in people; locust signs each simulated person in through the real form (CSRF, a
session cookie each) and keeps percentiles per page name, where wrk needs a Lua script per
page (one page per run) and cookies made outside the sign-in. Its cost on this 2-core machine
is one process beside the server's, at 20 users that wait for every answer: its CPU seconds
are printed with the server's.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import resource
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from typing import Any

from bench.common import (
    COMPANY,
    OUT,
    add_ledger_args,
    bench_admin,
    db_name,
    db_tag,
    use_database,
)

PASSWORD = "bench-desk-load-7"  # noqa: S105 (a bench database's throwaway people)
ROOT = Path(__file__).resolve().parent.parent


def _prepare(company: Any, users: int, as_of: Any) -> None:
    """`users` collectors own the company's debtors in turn (by id); the first run runs."""
    from django.db import connection, transaction

    from arrears.apps.accounts.services import user_ensure
    from arrears.apps.cases.services import run_daily
    from arrears.domain.ladder import Role

    with transaction.atomic():
        ids = []
        for n in range(1, users + 1):
            person = user_ensure(username=f"desk{n:02d}", role=Role.COLLECTOR, company=company)
            person.set_password(PASSWORD)
            person.save(update_fields=["password"])
            ids.append(person.pk)
        with connection.cursor() as cur:
            for i, pk in enumerate(ids):
                cur.execute(
                    "UPDATE ledger_debtor SET owner_id = %s WHERE company_id = %s AND id %% %s = %s",
                    [pk, company.pk, users, i],
                )
    t = time.perf_counter()
    run_daily(actor=bench_admin(), company=company, as_of=as_of)
    print(f"first run on {as_of}: {time.perf_counter() - t:.1f} s", flush=True)
    if connection.vendor == "postgresql":
        with connection.cursor() as cur:
            cur.execute("VACUUM ANALYZE")


MANAGER = "deskcm"


def _manager(company: Any) -> str:
    """The credit manager who opens the approvals page (made once, with the password)."""
    from arrears.apps.accounts.services import user_ensure
    from arrears.domain.ladder import Role

    person = user_ensure(username=MANAGER, role=Role.CREDIT_MANAGER, company=company)
    person.set_password(PASSWORD)
    person.save(update_fields=["password"])
    return MANAGER


def _cases(company: Any, users: int, per_user: int = 50) -> dict[str, list[int]]:
    """Up to `per_user` open cases of each collector, spread over their ids."""
    from arrears.apps.cases.models import Case

    out: dict[str, list[int]] = {}
    for n in range(1, users + 1):
        ids = list(
            Case.objects.filter(
                company=company, status="open", debtor__owner__username=f"desk{n:02d}"
            )
            .order_by("id")
            .values_list("id", flat=True)
        )
        step = max(1, len(ids) // per_user)
        out[f"desk{n:02d}"] = ids[::step][:per_user]
    return out


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _wait_up(url: str, seconds: float = 120) -> None:
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        try:
            urllib.request.urlopen(url, timeout=5)  # noqa: S310 (loopback)
            return
        except OSError:
            time.sleep(0.5)
    raise SystemExit(f"the server at {url} did not answer within {seconds:.0f} s")


def _has_approvals(host: str) -> bool:
    from django.urls import NoReverseMatch, reverse

    try:
        reverse("approvals", kwargs={"company": COMPANY})
    except NoReverseMatch:
        return False
    return True


def _cpu(pid: int) -> float:
    """User+system CPU seconds of a process and its children so far (Linux /proc)."""
    total = 0.0
    tick = os.sysconf("SC_CLK_TCK")
    pids = [pid]
    try:
        kids = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
        pids += [int(k) for k in kids]
    except OSError:
        pass
    for p in pids:
        try:
            fields = Path(f"/proc/{p}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += (int(fields[11]) + int(fields[12])) / tick
    return total


def _keep_alive(o: Any) -> int:
    """How long gunicorn keeps an idle keep-alive connection (gthread workers; sync workers
    close each after its response). Gunicorn's default, 2 s, is shorter than a person's
    pause (think 3 s: 1.5-4.5 s), so it closed connections locust's people were about to
    reuse: a request sent as the server closed its connection was reset
    (`ConnectionResetError`, 4 worklist requests in one gthread run). The server's, not the
    pages': each thread keeps its own database connection (Django's are per thread)."""
    if o.keep_alive is not None:
        return max(1, round(o.keep_alive))
    return int(o.think * 1.5) + 5


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    add_ledger_args(parser)
    parser.add_argument("--users", type=int, default=20)
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument("--workers", type=int, default=3)
    parser.add_argument(
        "--threads",
        type=int,
        default=1,
        help="threads per gunicorn worker (1: sync workers; more: gthread workers)",
    )
    parser.add_argument(
        "--keep-alive",
        type=float,
        default=None,
        help="seconds a gthread worker keeps an idle connection (default: longer than the "
        "longest pause, 1.5 x --think, plus 5 s; gunicorn's own 2 s closed connections "
        "locust was about to reuse)",
    )
    parser.add_argument("--again", action="store_true", help="reuse the prepared copy")
    parser.add_argument("--pages", default="worklist,case,approvals")
    parser.add_argument(
        "--think",
        type=float,
        default=0.0,
        help="seconds each person reads a page before the next (0: without pause)",
    )
    parser.add_argument(
        "--prepare-only", action="store_true", help="prepare the copy, load nothing"
    )
    o = parser.parse_args()
    name = db_name(o.items, o.seed, o.as_of, "desk")
    if o.again:
        url = use_database(name)
    else:
        source = db_name(o.items, o.seed, o.as_of, "imported")
        url = use_database(name, copy_of=source)
        from django.core.management import call_command

        call_command("migrate", verbosity=0, interactive=False)
    print(f"database: {db_tag()} {url}", flush=True)
    from arrears.apps.ledger.models import Company

    company = Company.objects.get(code=COMPANY)
    if not o.again:
        _prepare(company, o.users, o.as_of)
    if o.prepare_only:
        return
    pages = set(o.pages.split(","))
    if "approvals" in pages and not _has_approvals(""):
        print("no approvals page on this desk (/desk/<company>/approvals/): not loaded")
        pages.discard("approvals")
    plan = {"company": COMPANY, "password": PASSWORD, "cases": _cases(company, o.users)}
    plan["pages"] = sorted(pages)
    plan["seconds"] = o.seconds
    if "approvals" in pages:  # one of the users is a credit manager, who opens only it
        plan["manager"] = _manager(company)
    plan_path = OUT / "desk-load-plan.json"
    plan_path.write_text(json.dumps(plan))
    from django.db import connections

    connections.close_all()

    port = _free_port()
    host = f"http://127.0.0.1:{port}"
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "ARREARS_SECURE_COOKIES": "0",  # plain HTTP on loopback
        "ARREARS_DEBUG": "0",
    }
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "arrears.web.wsgi:application",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(o.workers),
            "--worker-class",
            "gthread" if o.threads > 1 else "sync",
            "--threads",
            str(o.threads),
            "--timeout",
            "120",
            "--keep-alive",
            str(_keep_alive(o)),
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=env,
        start_new_session=True,
    )
    try:
        _wait_up(f"{host}/accounts/login/")
        load1 = os.getloadavg()[0]
        cpu0 = _cpu(server.pid)
        prefix = OUT / "desk-load"
        locust_env = {
            **env,
            "ARREARS_DESK_LOAD_PLAN": str(plan_path),
            "ARREARS_DESK_THINK": str(o.think),
        }
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        subprocess.run(
            [
                sys.executable,
                "-m",
                "locust",
                "-f",
                str(ROOT / "bench" / "desk_locustfile.py"),
                "--headless",
                "--users",
                str(o.users),
                "--spawn-rate",
                str(o.users),
                "--run-time",
                f"{o.seconds + 600}s",  # a bound: the locustfile stops `seconds` after sign-in
                "--host",
                host,
                "--csv",
                str(prefix),
                "--only-summary",
                "--stop-timeout",
                "30",
            ],
            cwd=ROOT,
            env=locust_env,
            check=False,
        )
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpu_server = _cpu(server.pid) - cpu0
        load2 = os.getloadavg()[0]
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=60)
    cpu_locust = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    _report(prefix, o, load1, load2, cpu_server, cpu_locust)


def _report(
    prefix: Path, o: Any, load1: float, load2: float, cpu_server: float, cpu_locust: float
) -> None:
    with Path(f"{prefix}_stats.csv").open() as f:
        rows = list(csv.DictReader(f))
    print(
        f"-- desk under load ({db_tag()}, {o.items:,} items, {o.users} users, {o.seconds} s, "
        f"{o.workers} gunicorn workers x {o.threads} threads, {o.think:g} s to read a page; "
        f"load average {load1:.1f} -> {load2:.1f})"
    )
    print(f"{'page':<28} {'requests':>8} {'fails':>6} {'p50 ms':>7} {'p95 ms':>7} {'p99 ms':>7}")
    record = []
    for r in rows:
        print(
            f"{r['Name']:<28} {r['Request Count']:>8} {r['Failure Count']:>6} "
            f"{r['50%']:>7} {r['95%']:>7} {r['99%']:>7}"
        )
        record.append(
            {k: r[k] for k in ("Name", "Request Count", "Failure Count", "50%", "95%", "99%")}
        )
    print(
        f"cpu: server {cpu_server:.1f} s, locust {cpu_locust:.1f} s "
        f"(signing in included; pages counted over {o.seconds} s)"
    )
    line = {
        "db": db_tag(),
        "items": o.items,
        "users": o.users,
        "workers": o.workers,
        "threads": o.threads,
        "seconds": o.seconds,
        "think": o.think,
        "load": [load1, load2],
        "cpu_server": cpu_server,
        "cpu_locust": cpu_locust,
        "at": time.time(),
        "pages": record,
    }
    with (OUT / f"desk-load-{db_tag()}-{o.items}.jsonl").open("a") as f:
        f.write(json.dumps(line) + "\n")


if __name__ == "__main__":
    main()
