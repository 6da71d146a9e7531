"""On the phone (`arrears.web.views.phone`): the excuse and its prepared answer, the debtor's
proposal and the engine's answer, a promise, a plan, and the letter of a step previewed and
queued to the outbox, from the case page, through the terminal's services and words. Each
form: CSRF, who may (anonymous, another company, another role, another collector's case),
bad input beside its field with nothing written, and a constant number of queries."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

import pytest
from django.core import mail
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils.html import escape

from arrears.apps.accounts.services import access_policy_set
from arrears.apps.cases.models import Action
from arrears.apps.common import clock
from arrears.apps.communications import outbox
from arrears.apps.communications.models import OutboxMessage
from arrears.apps.ledger.models import Contact
from arrears.apps.negotiation.models import (
    Approval,
    ExcuseLog,
    Negotiation,
    NegotiationEvent,
    PaymentPlan,
    PromiseToPay,
)
from arrears.apps.negotiation.presentation import excuse_follow_lines
from arrears.domain.excuses import CATALOGUE, Excuse
from tests import terminal
from tests.factories import admin
from tests.web.conftest import signed_in, written

pytestmark = pytest.mark.django_db


def day(n: int) -> str:
    """The desk's today plus `n` days (the tests' clock: conftest)."""
    return (clock.today() + timedelta(days=n)).isoformat()


def dated(data: dict[str, str]) -> dict[str, str]:
    """`+N` read as the desk's today plus N days (parameters are made before the clock moves)."""
    return {k: day(int(v[1:])) if v.startswith("+") else v for k, v in data.items()}


def everything() -> tuple[Any, ...]:
    """What any of these forms would write."""
    counts = tuple(
        m.objects.count()
        for m in (
            ExcuseLog,
            Negotiation,
            NegotiationEvent,
            PromiseToPay,
            PaymentPlan,
            Approval,
            OutboxMessage,
        )
    )
    return (*counts, written())


def _url(w, what: str, case=None, company="acme") -> str:
    return f"/desk/{company}/cases/{(case or w.case).pk}/{what}/"


def post(client: Client, w, what: str, data: dict[str, str], **kw: Any):
    return client.post(_url(w, what, **kw), data, HTTP_HX_REQUEST="true")


def beside(text: str, field_id: str) -> str:
    """The error standing beside the field `field_id` ("" if none)."""
    found = re.search(
        rf'id="{re.escape(field_id)}".*?<span class="error" id="{re.escape(field_id)}-error">'
        r"([^<]*)</span>",
        text,
        re.S,
    )
    return found.group(1) if found else ""


def plan_proposal() -> dict[str, str]:
    """A first proposal of a plan: EUR 300 in 20 days, the rest in two payments by day 90."""
    return {
        "proposal-first_on": day(20),
        "proposal-first_amount": "300",
        "proposal-last_on": day(90),
        "proposal-total": "1234.50",
        "proposal-instalments": "2",
        "proposal-contact": "Petra Brandt",
    }


def promise() -> dict[str, str]:
    return {"promise-on_1": day(5), "promise-amount_1": "600", "promise-contact": "Petra"}


def plan() -> dict[str, str]:
    return {"plan-first_due": day(10), "plan-count": "3"}


EXCUSE = {"excuse-excuse": "no_money", "excuse-answer": "prepared", "excuse-contact": "Petra"}
LETTER = {"letter-step": "reminder", "letter-channel": "email"}

# Each form with input it accepts: its path, and the data (dated from the desk's today).
FORMS = {
    "excuse": lambda: EXCUSE,
    "propose": plan_proposal,
    "promise": promise,
    "plan": plan,
    "letter/send": lambda: LETTER,
}


# --- the excuse -----------------------------------------------------------------------------


def test_picking_an_excuse_shows_its_prepared_answer_at_once(w):
    page = signed_in(w.cora).get(
        _url(w, "excuse/answer"), {"excuse-excuse": "invoice_not_received"}, HTTP_HX_REQUEST="true"
    )
    text = page.content.decode()
    prepared = CATALOGUE[Excuse.INVOICE_NOT_RECEIVED]
    assert page.status_code == 200 and "<html" not in text
    assert escape(prepared.answer) in text
    lines = excuse_follow_lines(prepared, 2)  # the catalogue's two business days
    assert len(lines) == 2 and all(escape(line) in text for line in lines)


def test_the_case_page_offers_the_excuses_and_fetches_the_answer_on_change(w):
    text = signed_in(w.cora).get(_url(w, "").rstrip("/") + "/").content.decode()
    select = re.search(r'<select id="id_excuse-excuse"[^>]*>', text)
    assert select is not None and 'hx-trigger="change"' in select.group(0)
    assert 'hx-get="/desk/acme/cases/' in select.group(0)
    assert '<option value="goods_problem">problem with the goods</option>' in text


def test_a_collector_logs_the_excuse_with_their_own_words_and_sees_it_on_the_timeline(w):
    data = {**EXCUSE, "excuse-answer": "own_words", "excuse-note": "board meets Monday"}
    response = post(signed_in(w.cora), w, "excuse", data)
    assert response.status_code == 200
    log = ExcuseLog.objects.get(case=w.case)
    assert (log.excuse, log.answer, log.contact, log.by) == (
        "no_money",
        "own_words",
        "Petra",
        w.cora,
    )
    text = response.content.decode()
    assert 'id="phone-excuse"' in text and "next: ask for a payment plan on" in text
    live = text[text.index('<div id="case-live" hx-swap-oob="true">') :]
    assert "excuse: no money (Petra); answered in own words" in live


def test_the_prepared_answer_is_recorded_by_its_code(w):
    assert post(signed_in(w.cora), w, "excuse", EXCUSE).status_code == 200
    assert ExcuseLog.objects.get().answer == CATALOGUE[Excuse.NO_MONEY].code


# --- the proposal and the engine's answer -----------------------------------------------------


def test_a_first_proposal_is_countered_with_its_reason_and_every_payment_listed(w):
    response = post(signed_in(w.cora), w, "propose", plan_proposal())
    assert response.status_code == 200
    text = response.content.decode()
    said = terminal.run("negotiation-history", "D100", as_="cora")
    assert "counter" in said
    assert '<strong class="verdict">Counter</strong>' in text
    reason = re.search(r'id="counter-reason">([^<]+)<', text)
    assert reason is not None and reason.group(1).strip() in text.split('id="engine-script">')[1]
    rows = re.findall(r"<tr><td class=\"num\">\d+</td>", text.split('id="offer-payments"')[1])
    assert len(rows) == 3  # the first payment and the two after it
    assert 'id="needs-approval"' not in text and 'id="accept-offer"' in text
    assert Negotiation.objects.get(case=w.case).events.count() == 2  # proposal, counter


def test_accepting_our_offer_agrees_a_plan_on_the_spot(w):
    client = signed_in(w.cora)
    text = post(client, w, "propose", plan_proposal()).content.decode()
    accept = text.split('id="offer-payments"')[1]
    hidden = dict(
        re.findall(r'<input type="hidden" name="(proposal-[a-z_]+)" value="([^"]*)"', accept)
    )
    response = post(client, w, "propose", hidden)
    assert response.status_code == 200
    plan = PaymentPlan.objects.get(case=w.case)
    assert f"plan PL{plan.pk} recorded" in response.content.decode()
    assert Negotiation.objects.get(case=w.case).status == "agreed"


def test_a_later_proposal_beyond_the_walk_away_point_says_needs_approval(w):
    client = signed_in(w.cora)
    assert post(client, w, "propose", plan_proposal()).status_code == 200  # countered
    moved = {**plan_proposal(), "proposal-first_on": day(15), "proposal-first_amount": "400"}
    response = post(client, w, "propose", moved)  # the plan still ends after the walk-away
    text = response.content.decode()
    asked = Approval.objects.get(case=w.case, status="requested")
    assert response.status_code == 200 and 'id="needs-approval"' in text
    assert f"approval A{asked.pk} waits for a credit manager" in text
    assert 'id="accept-offer"' not in text  # nothing to accept while the request waits


def test_the_debtor_s_terms_recorded_instead_need_the_reason(w):
    own = {
        **plan_proposal(),
        "proposal-first_on": day(3),
        "proposal-first_amount": "700",
        "proposal-last_on": day(25),
        "proposal-override": "accept",
    }
    before = everything()
    response = post(signed_in(w.cora), w, "propose", own)
    assert response.status_code == 422 and everything() == before
    assert "needs the reason" in beside(response.content.decode(), "id_proposal-reason")
    response = post(signed_in(w.cora), w, "propose", {**own, "proposal-reason": "sales asked"})
    assert response.status_code == 200
    text = response.content.decode()
    made = PaymentPlan.objects.get(case=w.case)
    assert "Chosen instead: accept — sales asked" in text and f"plan PL{made.pk} recorded" in text


@pytest.mark.parametrize(
    ("data", "field", "words"),
    [
        ({"proposal-first_amount": "ten"}, "id_proposal-first_amount", "not an amount"),
        ({"proposal-first_on": "2099-13-45"}, "id_proposal-first_on", "Enter a valid date"),
        ({"proposal-last_on": ""}, "id_proposal-last_on", "a plan needs its last payment day"),
        ({"proposal-contact": ""}, "id_proposal-contact", "This field is required"),
        ({"proposal-instalments": "0"}, "id_proposal-instalments", "greater than or equal to 1"),
    ],
)
def test_a_bad_proposal_is_said_beside_its_field_and_writes_nothing(w, data, field, words):
    before = everything()
    response = post(signed_in(w.cora), w, "propose", {**plan_proposal(), **data})
    assert response.status_code == 422 and everything() == before
    assert words in beside(response.content.decode(), field), response.content.decode()


def test_terms_that_do_not_hold_are_refused_in_words_and_write_nothing(w):
    before = everything()
    bad = {**plan_proposal(), "proposal-first_amount": "2000"}  # more than the total
    response = post(signed_in(w.cora), w, "propose", bad)
    assert response.status_code == 422 and everything() == before
    assert "is more than the total" in response.content.decode()


# --- promise and plan ---------------------------------------------------------------------------


def test_a_promise_is_recorded_on_the_spot(w):
    response = post(signed_in(w.cora), w, "promise", promise())
    assert response.status_code == 200
    p = PromiseToPay.objects.get(case=w.case)
    assert (p.total_minor, p.given_by, p.channel) == (600_00, "Petra", "phone")
    text = response.content.decode()
    assert f"promise P{p.pk}: EUR 600.00" in text
    assert f"promise P{p.pk}" in text[text.index('id="case-live"') :]
    record = text[text.index('<ul class="plain" id="record" hx-swap-oob="true">') :]
    assert "promise EUR 600.00" in record.split("</ul>")[0]


@pytest.mark.parametrize(
    ("data", "field", "words"),
    [
        ({"promise-amount_1": "5000"}, "id_promise-amount_1", "more than is due"),
        ({"promise-amount_1": "-3"}, "id_promise-amount_1", ""),
        ({"promise-on_2": "+9"}, "id_promise-amount_2", "give both the day and the amount"),
        ({"promise-on_1": "someday"}, "id_promise-on_1", "Enter a valid date"),
    ],
)
def test_a_bad_promise_is_said_beside_its_field_and_writes_nothing(w, data, field, words):
    before = everything()
    response = post(signed_in(w.cora), w, "promise", {**promise(), **dated(data)})
    text = response.content.decode()
    assert response.status_code == 422 and everything() == before
    assert beside(text, field) and words in beside(text, field), text


def test_a_plan_is_agreed_with_every_instalment_listed(w):
    response = post(signed_in(w.cora), w, "plan", plan())
    assert response.status_code == 200
    made = PaymentPlan.objects.get(case=w.case)
    text = response.content.decode()
    assert f"plan PL{made.pk}" in text
    assert len(re.findall(r"<p>  #\d ", text)) == 3


@pytest.mark.parametrize(
    ("data", "field", "words"),
    [
        ({"plan-count": "0"}, "id_plan-count", "greater than or equal to 1"),
        ({"plan-rate": "abc"}, "id_plan-rate", ""),
        ({"plan-rate": "0.9"}, "id_plan-rate", "above the company&#x27;s maximum"),
        ({"plan-down": "x"}, "id_plan-down", ""),
    ],
)
def test_a_bad_plan_is_said_beside_its_field_and_writes_nothing(w, data, field, words):
    before = everything()
    response = post(signed_in(w.cora), w, "plan", {**plan(), **data})
    text = response.content.decode()
    assert response.status_code == 422 and everything() == before
    assert beside(text, field) and words in beside(text, field), text


# --- the letter ---------------------------------------------------------------------------------


def test_the_letter_of_a_step_is_previewed_as_the_terminal_shows_it(w, sender):
    page = signed_in(w.cora).get(_url(w, "letter"), {"step": "reminder"}, HTTP_HX_REQUEST="true")
    assert page.status_code == 200
    said = terminal.run("letter", "D100", "--step", "reminder", as_="cora")
    subject = said.splitlines()[0]
    assert subject.startswith("Subject: ") and escape(subject) in page.content.decode()


def test_the_letter_s_pdf_is_served_from_the_case(w, sender):
    page = signed_in(w.cora).get(_url(w, "letter").rstrip("/") + ".pdf", {"step": "reminder"})
    assert page.status_code == 200 and page["Content-Type"] == "application/pdf"
    assert page.content.startswith(b"%PDF")


def test_a_step_that_is_not_a_letter_of_the_ladder_is_refused(w, sender):
    page = signed_in(w.cora).get(_url(w, "letter"), {"step": "../../etc/passwd"})
    assert page.status_code == 422 and b"is not a letter or an email" in page.content


@pytest.fixture
def locmem(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"


def test_an_email_queued_from_the_case_is_sent_by_the_worker_and_shown_on_the_timeline(
    w, sender, locmem
):
    client = signed_in(w.cora)
    response = post(client, w, "letter/send", LETTER)
    assert response.status_code == 200
    m = OutboxMessage.objects.get(case=w.case)
    assert (m.state, m.channel, m.step_code, m.recipient) == (
        "queued",
        "email",
        "reminder",
        "p@bw.example",
    )
    assert Action.objects.get(pk=m.action_id).status == "queued"
    text = response.content.decode()
    assert f"M{m.pk}: email of reminder queued" in text
    assert f"queued to the outbox as M{m.pk} by cora" in text[text.index('id="case-live"') :]
    # the same again that day: the message already queued, nothing new
    assert post(client, w, "letter/send", LETTER).status_code == 200
    assert OutboxMessage.objects.count() == 1
    assert outbox.send_one(m.pk) == "sent"
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["p@bw.example"]
    page = client.get(_url(w, "").rstrip("/") + "/").content.decode()
    assert re.search(
        r"<li>[^<]*reminder \(A\d+, email\) sent \(at [^)]+\) <a [^>]*>PDF</a></li>", page
    )


def test_an_email_needs_a_contact_with_an_address_and_writes_nothing(w, sender):
    Contact.objects.filter(debtor=w.debtor).update(email="")
    before = everything()
    response = post(signed_in(w.cora), w, "letter/send", LETTER)
    assert response.status_code == 422 and everything() == before
    said = beside(response.content.decode(), "id_letter-channel")
    assert "has no contact with an email address" in said


def test_without_sender_details_nothing_is_queued(w):
    before = everything()
    response = post(signed_in(w.cora), w, "letter/send", LETTER)
    assert response.status_code == 422 and everything() == before
    assert b"has no sender details yet" in response.content


def test_a_step_outside_the_ladder_s_letters_is_refused_beside_the_step(w, sender):
    before = everything()
    response = post(signed_in(w.cora), w, "letter/send", {**LETTER, "letter-step": "call"})
    assert response.status_code == 422 and everything() == before
    assert "is not a letter or an email" in beside(response.content.decode(), "id_letter-step")


# --- who may, and CSRF --------------------------------------------------------------------------


@pytest.mark.parametrize("what", FORMS)
def test_a_plain_post_is_sent_back_to_the_case_page(w, sender, what):
    data = FORMS[what]()
    response = signed_in(w.cora).post(_url(w, what), data)
    assert response.status_code == 302
    assert response["Location"].startswith(f"/desk/acme/cases/{w.case.pk}/#phone-")


@pytest.mark.parametrize("what", FORMS)
def test_a_post_without_the_csrf_token_is_refused_and_writes_nothing(w, sender, what):
    data = FORMS[what]()
    before = everything()
    response = signed_in(w.cora, csrf=True).post(_url(w, what), data)
    assert response.status_code == 403 and everything() == before


@pytest.mark.parametrize("what", FORMS)
def test_the_forms_carry_the_csrf_token(w, sender, what):
    data = FORMS[what]()
    client = signed_in(w.cora, csrf=True)
    page = client.get(_url(w, "").rstrip("/") + "/").content.decode()
    form = re.search(rf'<form method="post" action="{_url(w, what)}".*?</form>', page, re.S)
    assert form is not None
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form.group(0))
    assert token is not None
    response = client.post(_url(w, what), {**data, "csrfmiddlewaretoken": token.group(1)})
    assert response.status_code == 302


@pytest.mark.parametrize("what", FORMS)
def test_an_anonymous_post_is_sent_to_sign_in_and_writes_nothing(w, sender, what):
    data = FORMS[what]()
    before = everything()
    response = Client().post(_url(w, what), data)
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")
    assert everything() == before


@pytest.mark.parametrize("what", FORMS)
def test_another_company_s_case_is_not_found_and_nothing_is_written(w, sender, what):
    data = FORMS[what]()
    before = everything()
    assert post(signed_in(w.cora), w, what, data, case=w.rival).status_code == 404
    assert post(signed_in(w.olga), w, what, data).status_code == 404
    assert post(signed_in(w.olga), w, what, data, company="globex").status_code == 404
    assert everything() == before


@pytest.mark.parametrize("what", FORMS)
@pytest.mark.parametrize("who", ["carl", "sam"])
def test_another_collector_or_sales_is_refused_and_nothing_is_written(w, sender, what, who):
    data = FORMS[what]()
    before = everything()
    response = post(signed_in(getattr(w, who)), w, what, data)
    assert response.status_code == 403 and everything() == before
    assert b'id="refusal"' in response.content


@pytest.mark.parametrize("what", FORMS)
def test_another_collector_who_may_read_the_case_still_may_not_act_on_it(w, sender, what):
    data = FORMS[what]()
    access_policy_set(actor=admin(), company_id=w.acme.pk, collectors_read_others=True)
    before = everything()
    response = post(signed_in(w.carl), w, what, data)
    assert response.status_code == 403 and everything() == before


@pytest.mark.parametrize("what", FORMS)
def test_a_get_is_not_how_a_form_is_sent(w, what):
    assert signed_in(w.cora).get(_url(w, what)).status_code == 405


def test_the_credit_manager_acts_on_any_case_of_the_company(w, sender):
    assert post(signed_in(w.maria), w, "promise", promise()).status_code == 200
    assert PromiseToPay.objects.get(case=w.case).taken_by == w.maria


READS = ["excuse/answer", "letter", "letter.pdf"]


def _read_url(w, what: str, case=None, company="acme") -> str:
    url = _url(w, what, case=case, company=company)
    return url.rstrip("/") if what.endswith(".pdf") else url


@pytest.mark.parametrize("what", READS)
def test_the_reads_refuse_anonymous_other_companies_and_other_collectors(w, sender, what):
    assert Client().get(_read_url(w, what)).status_code == 302
    assert signed_in(w.olga).get(_read_url(w, what)).status_code == 404
    assert signed_in(w.cora).get(_read_url(w, what, case=w.rival)).status_code == 404
    assert signed_in(w.carl).get(_read_url(w, what)).status_code == 403


def test_sales_may_not_take_a_call_and_sees_no_phone_panels(w):
    assert signed_in(w.sam).get(_read_url(w, "excuse/answer")).status_code == 403
    page = signed_in(w.sam).get(_url(w, "").rstrip("/") + "/").content.decode()
    assert 'id="phone"' not in page


# --- queries --------------------------------------------------------------------------------------


def _queries(client: Client, method: str, url: str, data: dict[str, str] | None = None) -> int:
    with CaptureQueriesContext(connection) as seen:
        response = getattr(client, method)(url, data or {}, HTTP_HX_REQUEST="true")
        assert response.status_code == 200, response.content.decode()[:500]
    return len(seen)


def test_the_case_page_with_its_phone_panels_costs_the_same_however_much_was_said(w, sender):
    client = signed_in(w.cora)
    page = _url(w, "").rstrip("/") + "/"
    assert post(client, w, "excuse", EXCUSE).status_code == 200
    one = _queries(client, "get", page)
    for excuse in ("signatory_away", "already_paid", "next_payment_run"):
        assert post(client, w, "excuse", {**EXCUSE, "excuse-excuse": excuse}).status_code == 200
    assert post(client, w, "propose", plan_proposal()).status_code == 200
    assert post(client, w, "letter/send", LETTER).status_code == 200
    assert _queries(client, "get", page) == one


def test_logging_an_excuse_costs_the_same_however_long_the_history(w):
    client = signed_in(w.cora)
    first = _queries(client, "post", _url(w, "excuse"), {**EXCUSE, "excuse-excuse": "already_paid"})
    for excuse in ("signatory_away", "next_payment_run", "goods_problem"):
        assert post(client, w, "excuse", {**EXCUSE, "excuse-excuse": excuse}).status_code == 200
    again = _queries(client, "post", _url(w, "excuse"), {**EXCUSE, "excuse-excuse": "no_money"})
    assert again == first
