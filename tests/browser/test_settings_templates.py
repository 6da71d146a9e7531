"""A credit manager edits a template in real Chromium (Debian's, through Playwright): sign in,
follow the header's Settings link to the templates, open the English reminder email, write
"sorry to bother you" into it and be refused beside the text (nothing saved), fix it, preview
it filled with sample figures, save it, and see it marked as the company's own. Screenshots go
to /tmp/settings-shots/ for a person to look at."""

from __future__ import annotations

from pathlib import Path

import pytest

from arrears.apps.communications.models import TemplateOverride
from tests.browser.conftest import needs_chromium

SHOTS = Path("/tmp/settings-shots")
PASSWORD = "blue-heron-ledger-42"

pytestmark = [pytest.mark.browser, needs_chromium, pytest.mark.django_db(transaction=True)]

FIRM = """subject: Overdue: {{ total_due }} to pay by {{ pay_by }} ({{ reference }})
Dear {{ debtor }},

You owe us {{ total_open }}, overdue by up to {{ most_days_overdue }} days.
{% for l in lines %}- {{ l.number }}: {{ l.open }}
{% endfor %}
Pay {{ total_due }} by {{ pay_by }}.

{{ company }}
"""
HEDGING = FIRM.replace("You owe us", "Sorry to bother you, but you owe us")


@pytest.fixture(autouse=True)
def _shots() -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)


def test_a_credit_manager_is_refused_a_hedging_template_fixes_it_previews_and_saves_it(
    w, live_server, browser
):
    w.maria.set_password(PASSWORD)
    w.maria.save()
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.goto(f"{live_server.url}/")
    page.fill("#id_username", "maria")
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url("**/desk/acme/worklist/")

    page.get_by_role("navigation", name="desk").get_by_role("link", name="Settings").click()
    page.wait_for_url("**/desk/acme/settings/")
    page.get_by_role("navigation", name="settings").get_by_role(
        "link", name="Templates and tone"
    ).click()
    page.wait_for_url("**/desk/acme/settings/templates/")
    page.screenshot(path=str(SHOTS / "01-templates.png"), full_page=True)
    page.locator("#templates tr", has_text="reminder").locator(
        'a[href$="/reminder/email/en/"]'
    ).click()
    page.wait_for_url("**/desk/acme/settings/templates/reminder/email/en/")
    assert "shipped" in page.locator("h1").inner_text()

    # "sorry to bother you": refused beside the text, the text kept, nothing saved
    page.fill("#id_text", HEDGING)
    page.click("#save-button")
    error = page.locator("#text-error")
    error.wait_for()
    assert error.inner_text() == (
        "line 4: 'Sorry to bother you' hedges or apologises (rule 10: concise, firm; remove it)"
    )
    assert page.locator("#id_text").get_attribute("aria-invalid") == "true"
    assert "Sorry to bother you" in page.locator("#id_text").input_value()
    assert not TemplateOverride.objects.exists()
    page.screenshot(path=str(SHOTS / "02-refused.png"), full_page=True)

    # fixed, then previewed: filled with the sample figures, still nothing saved
    page.fill("#id_text", FIRM)
    page.click("#preview-button")
    preview = page.locator("#preview")
    preview.wait_for()
    assert page.locator("#text-error").count() == 0
    assert preview.locator(".subject").inner_text() == (
        "Subject: Overdue: €2,630.34 to pay by 11 January 2100 (D100-EUR)"
    )
    body = preview.locator("pre").inner_text()
    assert body.startswith("Dear Sample Debtor GmbH,\n\nYou owe us €2,500.00, overdue by up to 60")
    assert "- INV-1001: €1,000.00\n- INV-1002: €1,500.00" in body
    assert not TemplateOverride.objects.exists()
    page.screenshot(path=str(SHOTS / "03-preview.png"), full_page=True)

    page.click("#save-button")
    page.wait_for_url("**/reminder/email/en/?saved=yes")
    assert "the company's own" in page.locator("h1").inner_text()
    assert page.locator("#saved").is_visible()
    assert TemplateOverride.objects.get(company=w.acme).text == FIRM
    page.screenshot(path=str(SHOTS / "04-saved.png"), full_page=True)
