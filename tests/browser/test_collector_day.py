"""A collector's morning in real Chromium (Debian's, through Playwright): sign in, see the
worklist, press j and Enter to open the first case, record a call's outcome (a wrong day first:
the refusal stands beside the field), and see it on the case's timeline. Screenshots go to
/tmp/desk-shots/ for a person to look at."""

from __future__ import annotations

from pathlib import Path

import pytest

from arrears.apps.cases.models import Action
from arrears.apps.ledger.models import Contact
from tests.browser.conftest import assert_fits, needs_chromium
from tests.web.conftest import THU

SHOTS = Path("/tmp/desk-shots")
PASSWORD = "blue-heron-ledger-42"

pytestmark = [pytest.mark.browser, needs_chromium, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _shots() -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)


def test_a_collector_signs_in_opens_the_first_case_by_keyboard_and_records_a_call(
    w, live_server, browser
):
    w.cora.set_password(PASSWORD)
    w.cora.save()
    page = browser.new_page(viewport={"width": 1280, "height": 800})

    page.goto(f"{live_server.url}/")
    assert "/accounts/login/" in page.url
    page.screenshot(path=str(SHOTS / "01-sign-in.png"), full_page=True)
    page.fill("#id_username", "cora")
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url("**/desk/acme/worklist/")
    assert page.locator("tbody tr[data-href]").count() == 1
    assert "D100" in page.inner_text("#worklist-table")
    page.screenshot(path=str(SHOTS / "02-worklist.png"), full_page=True)

    page.keyboard.press("j")
    assert page.locator("tbody tr.current").inner_text().startswith("1")
    page.screenshot(path=str(SHOTS / "03-worklist-j.png"), full_page=True)
    page.keyboard.press("Enter")
    page.wait_for_url(f"**/desk/acme/cases/{w.case.pk}/")
    assert "Brightwater Trading" in page.inner_text("h1")
    page.screenshot(path=str(SHOTS / "04-case.png"), full_page=True)

    form = f"#action-{w.call.pk} form"
    page.select_option(f"#outcome-{w.call.pk}", "reached")
    page.fill(f"#on-{w.call.pk}", "2199-01-01")
    page.fill(f"#note-{w.call.pk}", "Promised to pay on Friday")
    page.click(f"{form} button[type=submit]")
    error = page.locator(f"#error-on-{w.call.pk}")
    error.wait_for()
    assert "is after today" in error.inner_text()
    assert Action.objects.get(pk=w.call.pk).status == "open"
    page.screenshot(path=str(SHOTS / "05-wrong-day.png"), full_page=True)

    page.fill(f"#on-{w.call.pk}", THU.isoformat())
    page.click(f"{form} button[type=submit]")
    done = page.locator("#timeline li", has_text="done: reached; note: Promised to pay on Friday")
    done.wait_for()
    assert page.locator("#timeline li").first.inner_text() == done.inner_text()  # newest first
    page.screenshot(path=str(SHOTS / "06-recorded.png"), full_page=True)
    a = Action.objects.get(pk=w.call.pk)
    assert (a.status, a.outcome, a.done_by) == ("done", "reached", w.cora)

    page.goto(f"{live_server.url}/desk/acme/worklist/")
    assert "Nothing due" in page.inner_text("#worklist-table")


def test_the_desk_reads_at_200_percent_zoom(w, live_server, browser):
    """200% zoom: half the CSS pixels on the same screen. Nothing spills past the page's width
    (wide tables scroll inside their own box, a long unbroken address breaks) and the search
    box stays usable."""
    from tests.web.conftest import signed_in

    Contact.objects.create(
        debtor=w.case.debtor,
        name="Accounts payable",
        email="accounts.payable.department.northern.region.central.europe@averylongsubsidiarynameofourlargestcustomer.example",
    )
    client = signed_in(w.cora)
    session = client.cookies["sessionid"].value
    context = browser.new_context(viewport={"width": 640, "height": 400}, device_scale_factor=2)
    context.add_cookies([{"name": "sessionid", "value": session, "url": live_server.url}])
    page = context.new_page()
    for name, path in (
        ("worklist", "/desk/acme/worklist/"),
        ("case", f"/desk/acme/cases/{w.case.pk}/"),
    ):
        page.goto(f"{live_server.url}{path}")
        assert_fits(page, 640, name)
        assert page.locator("#q").is_visible()
        page.screenshot(path=str(SHOTS / f"07-{name}-200pct.png"), full_page=True)
