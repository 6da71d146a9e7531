"""The imports page (administrators, as `arrears import` asks): upload an ERP file, see what
it would change (its counts and first rows) or its row-precise errors, then confirm to import
it, all or nothing, through the terminal's own service (`import_file`). A large file (at
least `ARREARS_IMPORT_BACKGROUND_ROWS` rows) is imported by the task worker (`arrears
db_worker`): the page polls and shows the rows written so far, then what it did or its errors.

The preview of a small file is the import itself, run in a transaction that is rolled back:
what it shows is exactly what the confirmation will do if the ledger does not change meanwhile
(the confirmation imports the same stored file again, and any error it meets then stands
beside the file as in the preview). A large file's preview checks every row as the import
would and stops before writing any (`import_check`): its row-precise errors, its first rows
and its row count, in the time a read takes; the worker then says what it wrote."""

from __future__ import annotations

import hashlib
import uuid
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET, require_POST
from django_tasks.base import TaskResultStatus

from arrears.apps.accounts.access import person_id, require
from arrears.apps.ledger.imports import KINDS, ImportRejected, import_check, import_file
from arrears.apps.ledger.imports.background import import_in_background, progress_read
from arrears.apps.ledger.imports.read import Table, read_table
from arrears.apps.ledger.imports.upsert import ImportSummary
from arrears.apps.ledger.models import Company
from arrears.apps.ledger.presentation import import_checked_words, import_summary_words
from arrears.domain.access import Verb
from arrears.domain.refusal import Refusal
from arrears.web.forms import ImportForm
from arrears.web.views.common import company_of, htmx_partial, refused

FIRST_ROWS = 10
SESSION_KEY = "imports"
JOBS_KEY = "import_jobs"  # the background imports this session started: id -> file, company
WHAT = "import the ledger"


class _Preview(Exception):
    """Raised inside the preview's transaction to roll it back, carrying what it did."""

    def __init__(self, summary: ImportSummary) -> None:
        self.summary = summary


def _uploads() -> Path:
    folder = Path(settings.DATA_DIR) / "uploads"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _allowed(request: HttpRequest, firm: Company) -> None:
    require(request.user, Verb.ADMINISTER, company_id=firm.pk, what=WHAT)


def _context(firm: Company, form: ImportForm, **more: Any) -> dict[str, Any]:
    return {"company": firm, "form": form, "query": "", **more}


@require_GET
def imports_page(request: HttpRequest, company: str) -> HttpResponse:
    firm = company_of(request, company)
    try:
        _allowed(request, firm)
    except Refusal as e:
        return refused(request, e, {"company": firm})
    return render(request, "desk/imports.html", _context(firm, ImportForm(kinds=KINDS)))


def _previewed(
    request: HttpRequest, firm: Company, d: dict[str, Any], path: Path, rows: int
) -> str:
    """What the file would change, in words: a small file is imported in a transaction rolled
    back (its exact counts); a large one (`ARREARS_IMPORT_BACKGROUND_ROWS`) is only checked,
    every row, and nothing is written (`import_check`), as writing it all to roll it back
    took most of its time. Errors are raised either way, row by row."""
    asked = {"actor": request.user, "company": firm, "kind": d["kind"], "path": path}
    if rows >= settings.ARREARS_IMPORT_BACKGROUND_ROWS:
        import_check(**asked, complete=d["complete"])
        return import_checked_words(d["kind"], rows)
    try:
        with transaction.atomic():
            raise _Preview(import_file(**asked, complete=d["complete"]))
    except _Preview as p:
        return import_summary_words(p.summary)


def _first_rows(table: Table) -> tuple[list[str], list[list[str]]]:
    head = table.frame.head(FIRST_ROWS)
    columns = list(table.header)
    return columns, [[str(r.get(c, "") or "") for c in columns] for r in head.iter_rows(named=True)]


@require_POST
def import_preview(request: HttpRequest, company: str) -> HttpResponse:
    """What the file would change, or its errors beside it; nothing is written either way."""
    firm = company_of(request, company)
    try:
        _allowed(request, firm)
    except Refusal as e:
        return refused(request, e, {"company": firm})
    form = ImportForm(request.POST, request.FILES, kinds=KINDS)
    if not form.is_valid():
        return render(request, "desk/imports.html", _context(firm, form), status=422)
    d = form.cleaned_data
    upload = d["file"]
    token = uuid.uuid4().hex
    suffix = Path(upload.name).suffix.lower()
    path = _uploads() / f"{token}{suffix}"
    digest = hashlib.sha256()
    with path.open("wb") as out:
        for chunk in upload.chunks():
            digest.update(chunk)
            out.write(chunk)
    try:
        table = read_table(path)
        words = _previewed(request, firm, d, path, table.frame.height)
    except ImportRejected as e:
        path.unlink(missing_ok=True)
        context = _context(firm, form, rejected=e, total=e.total)
        return render(request, "desk/imports.html", context, status=422)
    except ValueError as e:
        path.unlink(missing_ok=True)
        form.add_error("complete" if d["complete"] else "kind", str(e))
        return render(request, "desk/imports.html", _context(firm, form), status=422)
    except Refusal as e:
        path.unlink(missing_ok=True)
        return refused(request, e, {"company": firm})
    columns, rows = _first_rows(table)
    waiting = request.session.get(SESSION_KEY, {})
    waiting[token] = {
        "company": firm.pk,
        "kind": d["kind"],
        "complete": d["complete"],
        "name": upload.name,
        "path": str(path),
        "sha256": digest.hexdigest(),
        "rows": table.frame.height,
    }
    request.session[SESSION_KEY] = waiting
    context = _context(
        firm,
        form,
        preview=words,
        token=token,
        name=upload.name,
        columns=columns,
        rows=rows,
        first=FIRST_ROWS,
    )
    return render(request, "desk/imports.html", context)


@require_POST
def import_confirm(request: HttpRequest, company: str) -> HttpResponse:
    """Import the file previewed (the same stored bytes), all or nothing."""
    firm = company_of(request, company)
    try:
        _allowed(request, firm)
    except Refusal as e:
        return refused(request, e, {"company": firm})
    waiting = request.session.get(SESSION_KEY, {})
    token = request.POST.get("token", "")
    held = waiting.get(token)
    form = ImportForm(kinds=KINDS)
    if held is None or held["company"] != firm.pk:
        context = _context(firm, form, lost="that preview is gone: upload the file again")
        return render(request, "desk/imports.html", context, status=422)
    if held.get("rows", 0) >= settings.ARREARS_IMPORT_BACKGROUND_ROWS:
        waiting.pop(token, None)
        request.session[SESSION_KEY] = waiting
        return _background(request, firm, form, held)
    path = Path(held["path"])
    try:
        summary = import_file(
            actor=request.user,
            company=firm,
            kind=held["kind"],
            path=path,
            complete=held["complete"],
        )
    except ImportRejected as e:
        return render(
            request,
            "desk/imports.html",
            _context(firm, form, rejected=e, total=e.total),
            status=422,
        )
    except Refusal as e:
        return refused(request, e, {"company": firm})
    finally:
        waiting.pop(token, None)
        request.session[SESSION_KEY] = waiting
        path.unlink(missing_ok=True)
    context = _context(firm, form, imported=import_summary_words(summary), name=held["name"])
    return render(request, "desk/imports.html", context)


def _background(
    request: HttpRequest, firm: Company, form: ImportForm, held: dict[str, Any]
) -> HttpResponse:
    """Hand the previewed file to the task worker; the page then polls `import_job`."""
    result = import_in_background.enqueue(
        person_id=person_id(request.user),
        company_id=firm.pk,
        kind=held["kind"],
        path=held["path"],
        complete=held["complete"],
    )
    jobs = request.session.get(JOBS_KEY, {})
    jobs[str(result.id)] = {"company": firm.pk, "name": held["name"], "path": held["path"]}
    request.session[JOBS_KEY] = jobs
    return render(request, "desk/imports.html", _context(firm, form, **_job(result.id, jobs)))


def _job(job: str, jobs: dict[str, Any]) -> dict[str, Any]:
    """What the page shows of a background import: waiting, how far, or what came of it."""
    held = jobs[str(job)]
    result = import_in_background.get_result(str(job))
    done: dict[str, Any] = dict(result.return_value or {}) if result.is_finished else {}
    if result.status == TaskResultStatus.FAILED:
        done = {"refused": f"the import stopped ({result.errors[-1].exception_class_path})"}
    counted = None if result.is_finished else progress_read(Path(held["path"]))
    return {
        "job": {
            "id": str(job),
            "name": held["name"],
            "running": result.status == TaskResultStatus.RUNNING,
            "finished": result.is_finished,
            "done": counted[0] if counted else 0,
            "total": counted[1] if counted else None,
            **done,
        }
    }


@require_GET
def import_job(request: HttpRequest, company: str, job: object) -> HttpResponse:
    """How far the background import has come (htmx polls this while it runs), then what it
    imported or its row-precise errors. Only the session that started it finds it."""
    job = str(job)
    firm = company_of(request, company)
    try:
        _allowed(request, firm)
    except Refusal as e:
        return refused(request, e, {"company": firm})
    jobs = request.session.get(JOBS_KEY, {})
    if jobs.get(job, {}).get("company") != firm.pk:
        raise Http404(job)
    template = htmx_partial(request, "desk/imports.html", "desk/_import_job.html")
    return render(request, template, _context(firm, ImportForm(kinds=KINDS), **_job(job, jobs)))
