"""A large file imported in the background (the imports page): `import_file` as it is, all or
nothing, run by the django-tasks worker (`arrears db_worker`, database backend, as the outbox
is sent), with how far it has come for the page that polls.

How far it has come goes to a small file beside the upload, not to the database: the import
writes inside one transaction, which no other connection sees until it commits, so a count
kept in a table would stay at zero until the end. The result (what it did, or its row-precise
errors) is the task's own return value."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from django.contrib.auth import get_user_model
from django_tasks import task

from arrears.apps.ledger.imports.errors import ImportRejected
from arrears.apps.ledger.imports.service import import_file
from arrears.apps.ledger.models import Company
from arrears.apps.ledger.presentation import import_summary_words
from arrears.domain.refusal import Refusal


def progress_path(upload: Path) -> Path:
    return upload.with_name(upload.name + ".progress")


def progress_read(upload: Path) -> tuple[int, int] | None:
    """(rows done, rows in all) of the import of `upload`, or None before it counted any."""
    try:
        got = json.loads(progress_path(upload).read_text(encoding="utf-8"))
        return int(got["done"]), int(got["total"])
    except (OSError, ValueError, KeyError, TypeError):
        return None


def _progress_write(upload: Path, done: int, total: int) -> None:
    target = progress_path(upload)
    part = target.with_name(target.name + ".part")
    part.write_text(json.dumps({"done": done, "total": total}), encoding="utf-8")
    os.replace(part, target)  # the page reads the whole count or the one before, never half


@task()
def import_in_background(
    *, person_id: int, company_id: int, kind: str, path: str, complete: bool
) -> dict[str, Any]:
    """Import the stored file as the person who confirmed it (`import_file` asks again who
    may); the upload and its count are removed once done, whatever came of it. Returns
    `imported` (the summary's words), or `rejected` (the errors' words and their number), or
    `refused` (why not, in words)."""
    upload = Path(path)
    person = get_user_model().objects.get(pk=person_id)
    company = Company.objects.get(pk=company_id)
    try:
        summary = import_file(
            actor=person,
            company=company,
            kind=kind,
            path=upload,
            complete=complete,
            progress=lambda done, total: _progress_write(upload, done, total),
        )
        return {"imported": import_summary_words(summary)}
    except ImportRejected as e:
        return {"rejected": [str(r) for r in e.errors], "total": e.total}
    except (Refusal, ValueError) as e:
        return {"refused": str(e)}
    finally:
        upload.unlink(missing_ok=True)
        progress_path(upload).unlink(missing_ok=True)
