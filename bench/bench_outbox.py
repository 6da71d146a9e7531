"""Time the outbox (issue #14): the daily run with the outbox written, as a ratio to the run
without it, then rendering and sending the messages that run decided on.

    .venv/bin/python -m bench.bench_outbox [--items N] [--seed S] [--as-of YYYY-MM-DD]
                                          [--send smtp|file|none] [--send-at-most K]
                                          [--rounds R] [--reuse]

Works on two copies of the database bench_import left (build_ledger, then bench_import, with
the same --items/--seed/--as-of): on one the company has no sender details (no outbox: the run
as it was), on the other an administrator set them (the run writes one outbox row per letter
and email: the decision only, in bulk; and enqueues a task per email). Both
copies get the same first run, timed end to end; the ratio is with / without.

Then it sends the emails: through a real SMTP server on loopback (aiosmtpd, `--send smtp`) or
Django's file backend (`--send file`, for large counts), by the same `send_one` the worker
runs (claim: render as of the run's day and store, once; send with the PDF attached; mark),
and prints messages and seconds per thousand (wall and CPU, with the load average):
alternately one by one (`send_one`, each message read for alone, its own connection) and in
batches (`send_batch`, what `arrears outbox send` runs), `--rounds` rounds of each;
`--send-at-most` sends only the first K (the rate is per thousand either way). `--reuse` sends
from the outbox copy a previous call left, without making its runs again. The letters
are rendered (and stored, as `letters_print` does; rolled back after) as one print batch (PDF)
and timed the same way.
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
from pathlib import Path
from typing import Any

from bench.common import COMPANY, add_ledger_args, bench_admin, db_name, db_tag, use_database


class _Count:
    def __init__(self) -> None:
        self.n = 0

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.n += 1
        return "250 OK"


def _run(company: Any, as_of: Any, label: str) -> tuple[float, Any]:
    from arrears.apps.cases.services import run_daily

    t, c = time.perf_counter(), time.process_time()
    result = run_daily(actor=bench_admin(), company=company, as_of=as_of)
    s, cpu = time.perf_counter() - t, time.process_time() - c
    print(
        f"{label:<48} {s:8.2f} s  (cpu {cpu:.2f} s; "
        f"{result.counts.get('actions_created', 0):,} actions)  load {os.getloadavg()[0]:.1f}"
    )
    inside = ", ".join(f"{k} {v:.2f}" for k, v in result.seconds.items())
    print(f"  inside: {inside}", flush=True)
    return s, result


def _sender(company: Any) -> None:
    from arrears.apps.communications.services import sender_set

    sender_set(
        actor=bench_admin(),
        company=company,
        name="Bench GmbH",
        address="Werkstr. 5\n80331 München",
        email="billing@bench.example",
        iban="DE89 3704 0044 0532 0130 00",
        bic="COBADEFFXXX",
    )


def _addresses(company: Any) -> None:
    """The generated ledger has no postal addresses or email contacts for every debtor: give
    each one (untimed), so that every message has a recipient."""
    from django.db import connection

    from arrears.apps.ledger.models import Contact, Debtor

    Debtor.objects.filter(company=company).update(
        address_line1="Hauptstr. 1", postcode="10115", city="Berlin"
    )
    have = set(
        Contact.objects.filter(debtor__company=company)
        .exclude(email="")
        .values_list("debtor_id", flat=True)
    )
    fresh = [
        Contact(debtor_id=pk, name="Accounts", email=f"ap{pk}@debtor.example", is_primary=True)
        for pk in Debtor.objects.filter(company=company).values_list("pk", flat=True)
        if pk not in have
    ]
    Contact.objects.bulk_create(fresh, batch_size=5000)
    connection.close()


def _send(company: Any, how: str, at_most: int | None, rounds: int) -> None:
    """Send the first `at_most` due emails, alternately one by one (`send_one`: each message
    read for alone and sent over its own connection, as the worker did before batching) and
    in batches (`send_batch`: read once per batch, one SMTP connection per batch), in
    `rounds` rounds of each, so that both are measured in the same minutes."""
    from django.conf import settings
    from django.utils import timezone

    from arrears.apps.communications import outbox

    ids = outbox.due(company=company, now=timezone.now())
    if at_most is not None:
        ids = ids[:at_most]
    controller, box = None, _Count()
    if how == "smtp":
        from aiosmtpd.controller import Controller

        from tests.apps.communications.conftest import free_port

        port = free_port()
        controller = Controller(box, hostname="127.0.0.1", port=port)
        controller.start()
        settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
        settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", port
    else:
        settings.EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
        settings.EMAIL_FILE_PATH = tempfile.mkdtemp(prefix="arrears-bench-mail-")

    def one_by_one(chunk: list[int]) -> dict[int, str]:
        return {pk: outbox.send_one(pk) for pk in chunk}

    ways = {"one by one": one_by_one, "in batches": outbox.send_batch}
    spent = {w: [0.0, 0.0, 0] for w in ways}  # wall, cpu, messages
    outcomes: dict[str, int] = {}
    step = max(1, len(ids) // (2 * rounds))
    try:
        for i, at in enumerate(range(0, len(ids), step)):
            way = list(ways)[i % 2]
            chunk = ids[at : at + step]
            t, c = time.perf_counter(), time.process_time()
            got = ways[way](chunk)
            wall, cpu = time.perf_counter() - t, time.process_time() - c
            spent[way][0] += wall
            spent[way][1] += cpu
            spent[way][2] += len(chunk)
            for x in got.values():
                outcomes[x] = outcomes.get(x, 0) + 1
            print(
                f"  {way:<11} {len(chunk):>5} messages  {wall / len(chunk) * 1000:6.2f} s/1000 "
                f"(cpu {cpu / len(chunk) * 1000:6.2f})  load {os.getloadavg()[0]:.1f}",
                flush=True,
            )
    finally:
        if controller is not None:
            controller.stop()
    for way, (wall, cpu, n) in spent.items():
        if n:
            print(
                f"{'emails sent (' + how + ') ' + way:<48} {wall:8.2f} s  {n:,} messages, "
                f"{wall / n * 1000:.2f} s/1000 wall, {cpu / n * 1000:.2f} s/1000 cpu"
            )
    print(
        f"  outcomes: {outcomes}" + (f", received by the server: {box.n:,}" if controller else "")
    )


def _print_batch(company: Any, at_most: int | None) -> None:
    from django.db import transaction
    from django.utils import timezone

    from arrears.apps.communications.models import OutboxMessage
    from arrears.apps.communications.outbox import (
        RENDERED,
        Reads,
        _store_claims,
        claim_render,
        printed,
    )
    from arrears.apps.communications.pdf import letters_pdf

    rows = list(
        OutboxMessage.objects.filter(company=company, channel="letter", state="queued").order_by(
            "id"
        )[: at_most or None]
    )
    if not rows:
        print("letters: none queued on this day")
        return
    t, c = time.perf_counter(), time.process_time()
    with transaction.atomic():  # as `letters_print`: each rendered and stored, then the batch
        now = timezone.now()
        reads = Reads(rows)  # what rendering needs, read once for the batch
        rows = [m for m in rows if claim_render(m, now=now, reads=reads, store=False)[0] is None]
        _store_claims(rows, RENDERED)
        data = letters_pdf([printed(m) for m in rows])
        transaction.set_rollback(True)  # leave them queued: a bench, not a posting
    s, cpu = time.perf_counter() - t, time.process_time() - c
    path = Path(tempfile.mkdtemp(prefix="arrears-bench-print-")) / "batch.pdf"
    path.write_bytes(data)
    per = s / len(rows) * 1000
    print(
        f"{'letters rendered as one print batch':<48} {s:8.2f} s  {len(rows):,} letters, "
        f"{per:.2f} s/1000 ({cpu / len(rows) * 1000:.2f} cpu), {len(data):,} bytes, "
        f"load {os.getloadavg()[0]:.1f}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    add_ledger_args(parser)
    parser.add_argument("--send", choices=["smtp", "file", "none"], default="file")
    parser.add_argument("--send-at-most", type=int, default=None)
    parser.add_argument("--rounds", type=int, default=2, help="alternations of the two sends")
    parser.add_argument(
        "--reuse",
        action="store_true",
        help="send from the outbox copy a previous call left (its runs not made again)",
    )
    o = parser.parse_args()
    if o.reuse:
        use_database(db_name(o.items, o.seed, o.as_of, "outbox"))
        from arrears.apps.ledger.models import Company

        print(f"database: {db_tag()} (reused)  load {os.getloadavg()}")
        company = Company.objects.get(code=COMPANY)
        if o.send != "none":
            _send(company, o.send, o.send_at_most, o.rounds)
        _print_batch(company, o.send_at_most)
        return
    source = db_name(o.items, o.seed, o.as_of, "imported")
    without = db_name(o.items, o.seed, o.as_of, "nooutbox")
    url = use_database(without, copy_of=source)
    print(f"database: {db_tag()} {url} (a copy of {source})")
    from django.db import connection

    from arrears.apps.ledger.models import Company

    company = Company.objects.get(code=COMPANY)
    _addresses(company)
    t_without, _ = _run(company, o.as_of, "run_daily, first run, no outbox")
    connection.close()
    # the same ledger as before that run: a second copy of the imported one
    url = use_database(db_name(o.items, o.seed, o.as_of, "outbox"), copy_of=source)
    import dj_database_url

    connection.settings_dict["NAME"] = dj_database_url.parse(url)["NAME"]
    print(f"database: {url}")
    company = Company.objects.get(code=COMPANY)
    _addresses(company)
    _sender(company)
    t_with, result = _run(company, o.as_of, "run_daily, first run, outbox written")
    written = result.negotiation.get("outbox_written", 0)
    from django.db.models import Count

    from arrears.apps.communications.models import OutboxMessage

    by = OutboxMessage.objects.filter(company=company).values("channel", "state")
    print("  messages decided:", list(by.annotate(n=Count("id")).order_by("channel", "state")))
    print(
        f"{'outbox rows written':<48} {written:>8,}   ratio with/without {t_with / t_without:.2f}"
    )
    if o.send != "none":
        _send(company, o.send, o.send_at_most, o.rounds)
    _print_batch(company, o.send_at_most)


if __name__ == "__main__":
    main()
