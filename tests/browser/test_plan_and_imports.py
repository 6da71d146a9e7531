"""In real Chromium (Debian's, through Playwright): a collector types a plan's instalments by
hand on the phone and sees the plan beside it; an administrator's large import runs in the
background while the page follows it by itself (htmx polling) to the result. Screenshots go to
/tmp/desk-shots/ (40-*)."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.core.management import call_command

from arrears.apps.common import clock
from arrears.apps.negotiation.models import PaymentPlan
from tests.browser.conftest import needs_chromium
from tests.factories import admin
from tests.web.conftest import THU

SHOTS = Path("/tmp/desk-shots")
PASSWORD = "amber-kestrel-ledger-77"

pytestmark = [pytest.mark.browser, needs_chromium, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _today(monkeypatch, settings, tmp_path) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    monkeypatch.setattr(clock, "today", lambda: THU)
    settings.DATA_DIR = tmp_path
    settings.ARREARS_IMPORT_BACKGROUND_ROWS = 2


def _sign_in(browser, live_server, person):
    person.set_password(PASSWORD)
    person.save()
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.goto(f"{live_server.url}/")
    page.fill("#id_username", person.get_username())
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_load_state()
    return page


def test_a_collector_types_a_plan_s_instalments_by_hand(w, live_server, browser):
    page = _sign_in(browser, live_server, w.cora)
    page.goto(f"{live_server.url}/desk/acme/cases/{w.case.pk}/")
    panel = page.locator("#phone-plan")
    panel.locator("input[name=plan-kind][value=parts]").check()
    panel.locator("summary", has_text="by hand").click()
    for n, (day, amount) in enumerate([("2026-11-27", "700"), ("2026-12-10", "534.50")], 1):
        panel.locator(f"#id_plan-on_{n}").fill(day)
        panel.locator(f"#id_plan-amount_{n}").fill(amount)
    panel.locator("button", has_text="Agree the plan").click()
    made = page.locator("#phone-plan", has_text="plan PL")
    made.wait_for()
    plan = PaymentPlan.objects.get(case=w.case)
    assert [i.principal_minor for i in plan.instalments.order_by("seq")] == [700_00, 534_50]
    page.screenshot(path=str(SHOTS / "40-plan-by-hand.png"), full_page=True)


def test_a_large_import_is_followed_to_its_result(w, live_server, browser, tmp_path):
    page = _sign_in(browser, live_server, admin())
    page.goto(f"{live_server.url}/desk/acme/imports/")
    upload = tmp_path / "debtors.csv"
    upload.write_text(
        "debtor_code,name,country\nN1,Nordwind GmbH,DE\nN2,Ostsee AG,DE\n", encoding="utf-8"
    )
    page.select_option("#id_kind", "debtors")
    page.set_input_files("#id_file", str(upload))
    page.click("#upload button[type=submit]")
    page.click("#confirm")
    page.locator("#import-job", has_text="waiting for the task worker").wait_for()
    page.screenshot(path=str(SHOTS / "41-import-waiting.png"), full_page=True)
    call_command("db_worker", "--batch", "--no-startup-delay")  # the page polls meanwhile
    page.locator("#import-job", has_text="Imported debtors.csv").wait_for()
    assert "2 created" in page.inner_text("#import-job")
    page.screenshot(path=str(SHOTS / "42-import-done.png"), full_page=True)
