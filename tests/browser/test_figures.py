"""A credit manager reads the figures in real Chromium (Debian's, through Playwright): sign in,
follow the header's link to the figures, pick two months as of 31 March (htmx swaps the
figures), see the chart (an SVG named by its title, its panels described) and the months and
collectability tables with the figures `arrears kpis` prints for the hand-worked ledger of
tests/apps/reports/test_kpis_command.py.
Screenshots go to /tmp/dash-shots/ for a person to look at."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.contrib.auth import get_user_model

from tests.apps.reports.test_kpis_command import MARCH, hand_worked
from tests.browser.conftest import assert_fits, needs_chromium
from tests.web.conftest import signed_in

SHOTS = Path("/tmp/dash-shots")
PASSWORD = "blue-heron-ledger-42"
TITLE = "acme: collection figures as of 2026-03-31"

pytestmark = [pytest.mark.browser, needs_chromium, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _shots() -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)


@pytest.fixture
def acme(transactional_db):
    """The hand-worked ledger of test_kpis_command (rival, the second company; olaf, the
    second collector)."""
    return hand_worked()


def test_a_credit_manager_opens_the_figures_and_sees_the_chart_and_the_months_table(
    acme,
    live_server,
    browser,
):
    maria = get_user_model().objects.get(username="maria")
    maria.set_password(PASSWORD)
    maria.save()
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.goto(f"{live_server.url}/")
    page.fill("#id_username", "maria")
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url("**/desk/acme/worklist/")

    page.get_by_role("navigation", name="desk").get_by_role("link", name="Figures").click()
    page.wait_for_url("**/desk/acme/figures/")
    page.fill("#f-months", "2")
    page.fill("#f-as_of", "2026-03-31")
    page.click("#figure-controls button[type=submit]")
    page.wait_for_url("**/desk/acme/figures/?months=2&as_of=2026-03-31")  # htmx pushed it

    chart = page.get_by_role("img", name=TITLE)
    chart.wait_for()
    assert page.locator("#chart svg").count() == 1
    assert page.locator("#chart svg > title").text_content() == TITLE
    assert (
        page.evaluate("document.querySelector('#chart svg').getBoundingClientRect().height") > 100
    )
    march = page.locator("#table-months tbody tr", has_text="2026-03").inner_text().split("\t")
    assert march == MARCH
    # the collectability curve per segment (risk tier) as of 31 March: only MORTAR's I3 (high
    # risk, 300.00 due 14 Feb) has a complete 30-day window from its due date, and the ERP's
    # credit is no recovery: 0.0 %; no 90- or 180-day window is complete yet
    curve = page.locator("#table-curve tbody tr")
    assert [curve.nth(i).inner_text().split("\t") for i in range(curve.count())] == [
        ["all", "EUR", "0", "1", "0.0", "-", "-"],
        ["high", "EUR", "0", "1", "0.0", "-", "-"],
    ]
    assert "collectability curve" in (page.locator("#chart svg > desc").text_content() or "")
    assert page.locator("#table-collectors tbody tr").count() == 1  # cora, paid 400.00
    page.screenshot(path=str(SHOTS / "01-figures.png"), full_page=True)
    page.screenshot(path=str(SHOTS / "02-figures-top.png"))

    page.fill("#f-months", "30")
    page.click("#figure-controls button[type=submit]")
    error = page.locator("#error-months")
    error.wait_for()
    assert error.inner_text() == "a number of months from 1 to 24"
    assert page.locator("#chart").count() == 0
    page.screenshot(path=str(SHOTS / "03-bad-months.png"), full_page=True)


def test_the_figures_page_reads_at_200_percent_zoom(acme, live_server, browser):
    """200% zoom: the chart shrinks to the page's width; wide tables scroll in their box."""
    client = signed_in(get_user_model().objects.get(username="maria"))
    context = browser.new_context(viewport={"width": 640, "height": 400}, device_scale_factor=2)
    context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
    )
    page = context.new_page()
    page.goto(f"{live_server.url}/desk/acme/figures/?months=2&as_of=2026-03-31")
    assert_fits(page, 640, "the figures page")
    assert (
        page.evaluate("document.querySelector('#chart svg').getBoundingClientRect().width") <= 640
    )
    page.screenshot(path=str(SHOTS / "04-figures-200pct.png"), full_page=True)
