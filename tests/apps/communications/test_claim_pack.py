"""The claim pack for a hand-over to legal: a ZIP with the statement, the claim (interest to
the day by rate period with its regime, the statutory compensation, the total claimed, the
whole contact history in order), and the same as CSV; made by a credit manager or legal only."""

from __future__ import annotations

import csv
import io
import re
import zipfile
from datetime import date

import pytest
from pypdf import PdfReader

from arrears.apps.accounts.services import user_ensure
from arrears.domain.access import PersonRole
from tests import factories, terminal
from tests.apps.communications import support

pytestmark = pytest.mark.django_db


def history_of(w) -> None:
    """A reminder emailed on 5 June, an excuse and a promise on 6 June, the promise broken."""
    factories.run_as_admin(company=w["acme"], as_of=support.DAY1)
    terminal.run("outbox", "send", "--company=acme", as_="admin")
    terminal.run("excuse", "K1", "no_money", "--as-of", "2025-06-06", as_="cora")
    terminal.run(
        "promise", "K1", "--part", "2025-06-10:1000", "--contact", "Anna Kunde",
        "--as-of", "2025-06-06", as_="cora",
    )  # fmt: skip
    factories.run_as_admin(company=w["acme"], as_of=date(2025, 6, 20))


def unzip(path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as z:
        return {n: z.read(n) for n in z.namelist()}


def test_the_claim_pack_holds_statement_interest_by_period_and_the_whole_history(smtp, tmp_path):
    w = support.world()
    history_of(w)
    out = tmp_path / "k1.zip"
    said = terminal.run("claim-pack", "K1", "--as-of", "2025-07-31", "--out", out, as_="maria")
    assert "claim pack written to" in said
    files = unzip(out)
    assert sorted(files) == ["claim.pdf", "history.csv", "interest.csv", "statement.pdf"]
    rows = list(csv.reader(io.StringIO(files["interest.csv"].decode())))
    # §288 BGB, INV-1 EUR 1,000.00 due 1 June 2025: 2-30 June, 29 days at 2.27 + 9 = 11.27 %:
    # 1,000 x 11.27 % x 29/365 = 8.9543 -> 8.95; 1-31 July, 31 days at 1.27 + 9 = 10.27 %:
    # 1,000 x 10.27 % x 31/365 = 8.7225 -> 8.72; then the EUR 40 compensation (§288(5))
    assert [r[:9] for r in rows[1:]] == [
        ["INV-1", "2025-06-01", "2025-06-02", "2025-06-30", "29", "1000.00", "11.27", "8.95", ""],
        ["INV-1", "2025-06-01", "2025-07-01", "2025-07-31", "31", "1000.00", "10.27", "8.72", ""],
        ["INV-1", "2025-06-01", "", "", "", "", "", "", "40.00"],
    ]
    assert rows[1][10:] == ["Germany, Verzugszinsen", "§ 288 (1), (2), (5) BGB; § 247 BGB"]
    history = list(csv.reader(io.StringIO(files["history.csv"].decode())))[1:]
    days = [r[0] for r in history]
    assert days == sorted(days)  # in order
    text = "\n".join(r[1] for r in history).lower()
    assert re.search(r"action: reminder \(a\d+, email\) sent", text)  # the message sent
    for happened in (  # ids from the database's sequences (PostgreSQL does not reset them)
        r"excuse: no money",
        r"promise p\d+ given by anna kunde",
        r"promise p\d+ broken",
        r"step reminder -> firm demand",
    ):
        assert re.search(happened, text), (happened, text)
    claim = " ".join(
        " ".join(p.extract_text().split()) for p in PdfReader(io.BytesIO(files["claim.pdf"])).pages
    )
    assert "Claim against Kunde GmbH (K1) (EUR) as of 31 July 2025" in claim
    assert "02/06/2025 30/06/2025 29 €1,000.00 11.27 €8.95" in claim
    assert "Statutory compensation: €40.00" in claim
    assert (  # the rates used, each once, and the day interest is calculated to
        "Interest to 31 July 2025 at 11.27% a year: base rate 2.27% + 9 points; "
        "10.27% a year: base rate 1.27% + 9 points." in claim
    )
    assert "Total claimed €1,057.67" in claim
    assert f"Contact history ({len(history)} entries, in order)" in claim
    assert (
        "Statement of account K1"
        in PdfReader(io.BytesIO(files["statement.pdf"])).pages[0].extract_text()
    )


def test_legal_may_make_a_claim_pack_and_a_collector_or_another_company_may_not(tmp_path):
    w = support.world()
    factories.run_as_admin(company=w["acme"], as_of=support.DAY1)
    user_ensure(username="lena", role=PersonRole.LEGAL, company=w["acme"])
    out = tmp_path / "k1.zip"
    terminal.run("claim-pack", "K1", "--as-of", "2025-07-31", "--out", out, as_="lena")
    assert out.exists()
    out.unlink()
    with pytest.raises(Exception, match="a claim pack for legal is made by a credit_manager"):
        terminal.run("claim-pack", "K1", "--as-of", "2025-07-31", "--out", out, as_="cora")
    assert not out.exists()
    with pytest.raises(Exception):  # noqa: B017 - olga is not a member of acme
        terminal.run(
            "claim-pack", "K1", "--company", "acme", "--as-of", "2025-07-31", "--out", out,
            as_="olga",
        )  # fmt: skip
    assert not out.exists()


def test_the_claim_pack_claims_only_what_is_overdue_on_its_day(tmp_path):
    w = support.world()
    factories.item(w["k1"], due=date(2025, 8, 15), amount=70_000, number="INV-LATER")
    factories.run_as_admin(company=w["acme"], as_of=support.DAY1)
    out = tmp_path / "k1.zip"
    terminal.run("claim-pack", "K1", "--as-of", "2025-07-31", "--out", out, as_="maria")
    claim = " ".join(
        " ".join(p.extract_text().split())
        for p in PdfReader(io.BytesIO(unzip(out)["claim.pdf"])).pages
    )
    # INV-1 as above: 8.95 + 8.72 interest and EUR 40; INV-LATER falls due on 15 August
    assert "Open principal overdue €1,000.00" in claim
    assert "Total claimed €1,057.67" in claim
    assert "Not yet due (not claimed) €700.00" in claim
