"""A credit manager's decisions in real Chromium (Debian's, through Playwright): sign in, follow
the header's Approvals link (with its count), approve a plan beyond the walk-away point, try to
refuse a write-off without a reason (the refusal stands beside the field, nothing written),
then refuse it with one; and the page at 200% zoom. Screenshots go to /tmp/desk-shots/."""

from __future__ import annotations

from pathlib import Path

import pytest

from arrears.apps.common import clock
from arrears.apps.negotiation.models import Approval
from tests.browser.conftest import assert_fits, needs_chromium
from tests.web.conftest import THU
from tests.web.test_approvals_page import _plan, _writeoff

SHOTS = Path("/tmp/desk-shots")
PASSWORD = "amber-kestrel-ledger-77"

pytestmark = [pytest.mark.browser, needs_chromium, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _today(monkeypatch) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    monkeypatch.setattr(clock, "today", lambda: THU)


def test_a_credit_manager_approves_a_plan_and_refuses_a_write_off_with_a_reason(
    w, live_server, browser
):
    plan = Approval.objects.get(plan=_plan(w))
    write_off = Approval.objects.get(write_off=_writeoff(w))
    w.maria.set_password(PASSWORD)
    w.maria.save()
    page = browser.new_page(viewport={"width": 1280, "height": 800})
    page.goto(f"{live_server.url}/")
    page.fill("#id_username", "maria")
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url("**/desk/acme/worklist/")
    link = page.locator("header nav a", has_text="Approvals")
    assert link.inner_text().split() == ["Approvals", "2"]
    assert "2 for your decision" in page.inner_text("#approvals-waiting")
    page.screenshot(path=str(SHOTS / "20-worklist-approvals-waiting.png"), full_page=True)

    link.click()
    page.wait_for_url("**/desk/acme/approvals/")
    assert "2 waiting for a decision" in page.inner_text("h1")
    row = page.locator(f"#decision-approval-{plan.pk}")
    assert "plan beyond the walk-away point" in row.inner_text()
    page.screenshot(path=str(SHOTS / "21-approvals.png"), full_page=True)

    row.locator("input[name=reason]").fill("seasonal business, pays every spring")
    row.locator("button[value=approve]").click()
    done = page.locator(f"#decision-approval-{plan.pk}.done")
    done.wait_for()
    assert f"A{plan.pk}" in done.inner_text() and "maria" in done.inner_text()
    assert page.inner_text("#approvals-count") == "1"  # the header's count follows
    assert page.inner_text("#approvals-left") == "1 waiting for a decision"
    plan.refresh_from_db()
    assert (plan.status, plan.decided_by) == ("approved", w.maria)
    assert plan.plan is not None and plan.plan.status == "good_standing"

    wo = page.locator(f"#decision-approval-{write_off.pk}")
    wo.locator("button[value=refuse]").click()
    error = page.locator(f"#error-reason-approval-{write_off.pk}")
    error.wait_for()
    assert error.inner_text() == "a decision needs its reason"
    assert Approval.objects.get(pk=write_off.pk).status == "requested"
    page.screenshot(path=str(SHOTS / "22-refusal-needs-a-reason.png"), full_page=True)

    wo = page.locator(f"#decision-approval-{write_off.pk}")
    wo.locator("input[name=reason]").fill("the debtor still trades: keep collecting")
    wo.locator("button[value=refuse]").click()
    page.locator(f"#decision-approval-{write_off.pk}.done").wait_for()
    write_off.refresh_from_db()
    assert (write_off.status, write_off.decision_reason) == (
        "refused",
        "the debtor still trades: keep collecting",
    )
    assert write_off.write_off is not None and write_off.write_off.status == "refused"
    page.screenshot(path=str(SHOTS / "23-decided.png"), full_page=True)

    page.reload()
    assert "0 waiting for a decision" in page.inner_text("h1")
    assert "Nothing waits for a decision." in page.inner_text("main")


def test_the_approvals_page_reads_at_200_percent_zoom(w, live_server, browser):
    from tests.web.conftest import signed_in

    _plan(w)
    _writeoff(w)
    session = signed_in(w.maria).cookies["sessionid"].value
    context = browser.new_context(viewport={"width": 640, "height": 400}, device_scale_factor=2)
    context.add_cookies([{"name": "sessionid", "value": session, "url": live_server.url}])
    page = context.new_page()
    page.goto(f"{live_server.url}/desk/acme/approvals/")
    assert_fits(page, 640, "the approvals page")
    for button in page.locator("button[value=approve]").all():
        assert button.is_visible()
    page.screenshot(path=str(SHOTS / "24-approvals-200pct.png"), full_page=True)
