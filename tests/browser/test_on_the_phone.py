"""A collector's call in real Chromium (Debian's, through Playwright): sign in, open the
worklist, open the first case, log the call with the excuse heard (its prepared answer shows
the moment it is picked), enter the debtor's first proposal and see the engine's counter with
its reason and every payment, record the promise, queue the letter, and see it all on the
timeline; then the same case page at 200% zoom. Screenshots go to /tmp/desk-shots/ (10-*)."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest

from arrears.apps.cases.models import Action
from arrears.apps.common import clock
from arrears.apps.communications.models import OutboxMessage
from arrears.apps.negotiation.models import ExcuseLog, PromiseToPay
from arrears.domain.excuses import CATALOGUE, Excuse
from tests import factories
from tests.browser.conftest import assert_fits, needs_chromium
from tests.web.conftest import THU

SHOTS = Path("/tmp/desk-shots")
PASSWORD = "blue-heron-ledger-42"

pytestmark = [pytest.mark.browser, needs_chromium, pytest.mark.django_db(transaction=True)]


def day(n: int) -> str:
    return (clock.today() + timedelta(days=n)).isoformat()


def test_a_collector_takes_a_call_from_excuse_to_promise_and_letter(w, live_server, browser):
    SHOTS.mkdir(parents=True, exist_ok=True)
    factories.sender(w.acme)
    w.cora.set_password(PASSWORD)
    w.cora.save()
    page = browser.new_page(viewport={"width": 1280, "height": 900})

    page.goto(f"{live_server.url}/")
    page.fill("#id_username", "cora")
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url("**/desk/acme/worklist/")
    page.keyboard.press("j")
    page.keyboard.press("Enter")
    page.wait_for_url(f"**/desk/acme/cases/{w.case.pk}/")
    page.screenshot(path=str(SHOTS / "10-case-phone.png"), full_page=True)

    # the call: reached
    page.select_option(f"#outcome-{w.call.pk}", "reached")
    page.fill(f"#on-{w.call.pk}", THU.isoformat())
    page.click(f"#action-{w.call.pk} form button[type=submit]")
    page.locator("#timeline li", has_text="done: reached").wait_for()

    # the excuse: its prepared answer shows the moment it is picked
    page.select_option("#id_excuse-excuse", "no_money")
    prepared = page.locator("#excuse-prepared blockquote.say")
    prepared.wait_for()
    assert prepared.inner_text() == CATALOGUE[Excuse.NO_MONEY].answer
    page.fill("#id_excuse-contact", "Petra Brandt")
    page.screenshot(path=str(SHOTS / "11-excuse-answer.png"), full_page=True)
    page.click("#phone-excuse button[type=submit]")
    page.locator("#phone-excuse .recorded").wait_for()
    page.locator("#timeline li", has_text="excuse: no money (Petra Brandt)").wait_for()
    assert ExcuseLog.objects.get(case=w.case).answer == CATALOGUE[Excuse.NO_MONEY].code

    # the first proposal: countered, with the reason and every payment
    page.fill("#id_proposal-first_on", day(20))
    page.fill("#id_proposal-first_amount", "300")
    page.fill("#id_proposal-last_on", day(90))
    page.fill("#id_proposal-total", "1234.50")
    page.fill("#id_proposal-instalments", "2")
    page.fill("#id_proposal-contact", "Petra Brandt")
    page.click("#phone-proposal form button[type=submit]")
    page.locator("#engine-answer").wait_for()
    assert page.inner_text("#engine-answer .verdict") == "Counter"
    reason = page.inner_text("#counter-reason")
    assert reason and reason in page.inner_text("#engine-script")
    assert page.locator("#offer-payments tbody tr").count() == 3
    page.locator("#timeline li", has_text="engine: counter").wait_for()
    page.locator("#phone-proposal").screenshot(path=str(SHOTS / "12-counter.png"))

    # the promise (a part within the offer's first payment, outside the negotiation's terms:
    # the service asks for the reason it departs from our offer)
    page.fill("#id_promise-on_1", day(5))
    page.fill("#id_promise-amount_1", "768")
    page.fill("#id_promise-contact", "Petra Brandt")
    page.click("#phone-promise form button[type=submit]")
    page.locator("#phone-promise .recorded, #phone-promise .error").first.wait_for()
    if page.locator("#phone-promise .error").count():
        page.screenshot(path=str(SHOTS / "13-promise-asks-why.png"), full_page=True)
        page.click("#phone-promise details:nth-of-type(2) summary")
        page.fill("#id_promise-override_reason", "Pays the first part of our offer now")
        page.click("#phone-promise form button[type=submit]")
        page.locator("#phone-promise .recorded").wait_for()
    p = PromiseToPay.objects.get(case=w.case)
    page.locator("#timeline li", has_text=f"P{p.pk}").first.wait_for()

    # the letter: previewed, then queued to the outbox
    page.click("#letter-preview-link")
    page.locator("#letter-text").wait_for()
    assert page.inner_text("#letter-text").startswith("Subject: ")
    page.select_option("#id_letter-channel", "email")
    page.click("#letter-send")
    page.locator("#phone-letter .recorded").wait_for()
    m = OutboxMessage.objects.get(case=w.case)
    assert (m.state, m.channel) == ("queued", "email")
    assert Action.objects.get(pk=m.action_id).status == "queued"
    page.locator("#timeline li", has_text=f"queued to the outbox as M{m.pk} by cora").wait_for()
    page.screenshot(path=str(SHOTS / "14-after-the-call.png"), full_page=True)
    timeline = page.inner_text("#timeline")
    for said in ("done: reached", "excuse: no money", "engine: counter", f"P{p.pk}", f"M{m.pk}"):
        assert said in timeline

    # the same page at 200% zoom: nothing spills sideways
    context = browser.new_context(viewport={"width": 640, "height": 450}, device_scale_factor=2)
    context.add_cookies(page.context.cookies())
    zoomed = context.new_page()
    zoomed.goto(f"{live_server.url}/desk/acme/cases/{w.case.pk}/")
    assert_fits(zoomed, 640, "the case page")
    zoomed.screenshot(path=str(SHOTS / "15-case-phone-200pct.png"), full_page=True)
    zoomed.locator("#phone").screenshot(path=str(SHOTS / "16-phone-200pct.png"))
