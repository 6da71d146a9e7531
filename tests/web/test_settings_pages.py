"""The settings pages (issue #15) for a credit manager: ladders, templates with the tone check,
the negotiation policy, the interest regime, people and who owns which debtor. Each form goes
through the service the terminal uses; bad input stands beside its field and writes nothing;
every change is audited; CSRF is enforced; a collector, sales, another company's person and
an anonymous visitor are refused and write nothing."""

from __future__ import annotations

import html
import json
import re

import pytest
from django.test import Client

from arrears.apps.accounts.models import AuditEvent
from arrears.apps.cases.models import Strategy as StrategyRow
from arrears.apps.cases.models import StrategyStep
from arrears.apps.communications.models import TemplateOverride, TonePhrase
from arrears.apps.ledger.models import Debtor
from arrears.apps.negotiation.models import NegotiationPolicy
from tests import factories
from tests.web.conftest import signed_in

pytestmark = pytest.mark.django_db

BASE = "/desk/acme/settings/"
PAGES = [
    "",
    "ladder/",
    "templates/",
    "templates/reminder/email/en/",
    "policy/",
    "interest/",
    "people/",
]
TEMPLATE = BASE + "templates/reminder/email/en/"
GOOD = """subject: Pay {{ total_due }} now ({{ reference }})
Dear {{ debtor }},

You owe {{ total_open }}. Pay {{ total_due }} by {{ pay_by }}.

{{ company }}
"""


def written() -> tuple[object, ...]:
    """Everything a settings form could change, and the audit trail."""
    return (
        list(TemplateOverride.objects.values_list("company", "step_code", "channel", "text")),
        list(TonePhrase.objects.values_list("company", "language", "phrase")),
        list(StrategyStep.objects.order_by("id").values_list("code", "min_days_past_due")),
        StrategyRow.objects.count(),
        list(NegotiationPolicy.objects.values_list("company", "document")),
        list(Debtor.objects.order_by("code").values_list("code", "owner")),
        AuditEvent.objects.count(),
    )


def text_of(response) -> str:
    return html.unescape(response.content.decode())


def error_beside(response, field_id: str) -> str:
    """The words shown beside a field (its `<p class="error" id="...-error">`)."""
    found = re.search(rf'id="{field_id}-error">([^<]*)<', response.content.decode())
    assert found is not None, f"no error beside {field_id}"
    return html.unescape(found.group(1))


# --- who may ---------------------------------------------------------------------------------


@pytest.mark.parametrize("page", PAGES)
def test_a_credit_manager_opens_every_settings_page(w, page):
    response = signed_in(w.maria).get(BASE + page)
    assert response.status_code == 200
    assert 'aria-label="settings"' in response.content.decode()


@pytest.mark.parametrize("page", PAGES)
def test_a_collector_and_sales_are_refused_every_settings_page(w, page):
    for person in (w.cora, w.sam):
        response = signed_in(person).get(BASE + page)
        assert response.status_code == 403
        assert "only credit managers may change the settings" in text_of(response)


@pytest.mark.parametrize("page", PAGES)
def test_another_company_s_person_finds_no_settings_and_anonymous_is_sent_to_sign_in(w, page):
    assert signed_in(w.olga).get(BASE + page).status_code == 404
    globex_manager = factories.credit_manager("gina", w.globex)
    assert signed_in(globex_manager).get(BASE + page).status_code == 404
    response = Client().get(BASE + page)
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


def test_the_header_links_to_the_settings_for_a_credit_manager_only(w):
    assert (
        'href="/desk/acme/settings/">Settings</a>'
        in signed_in(w.maria).get("/desk/acme/worklist/").content.decode()
    )
    assert ">Settings</a>" not in signed_in(w.cora).get("/desk/acme/worklist/").content.decode()


POSTS = [
    (TEMPLATE, {"text": GOOD, "do": "save"}),
    (TEMPLATE, {"do": "reset"}),
    (BASE + "tone/add/", {"language": "en", "phrase": "kindly"}),
    (BASE + "ladder/", {"document": "x = 1"}),
    (BASE + "policy/", {"document": "{}"}),
    (BASE + "people/", {"do": "one", "debtor": "D100", "owner": "carl", "reason": "holiday"}),
    (BASE + "people/", {"do": "unowned", "rule": "round-robin", "reason": "new"}),
]


@pytest.mark.parametrize(("url", "data"), POSTS)
def test_every_settings_form_refuses_the_wrong_person_and_writes_nothing(w, url, data):
    before = written()
    assert signed_in(w.cora).post(url, data).status_code == 403
    assert signed_in(w.sam).post(url, data).status_code == 403
    assert signed_in(w.olga).post(url, data).status_code == 404
    response = Client().post(url, data)
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")
    assert written() == before


@pytest.mark.parametrize(("url", "data"), POSTS)
def test_every_settings_form_needs_the_csrf_token(w, url, data):
    before = written()
    client = signed_in(w.maria, csrf=True)
    assert client.post(url, data).status_code == 403
    assert written() == before
    # the token of the page the form is on makes the same post go through
    page = client.get(BASE + "templates/" if "/tone/" in url else url)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.content.decode())
    assert token is not None
    assert client.post(url, {**data, "csrfmiddlewaretoken": token.group(1)}).status_code != 403


# --- templates and the tone check ------------------------------------------------------------


def test_a_credit_manager_saves_a_template_and_the_company_s_messages_use_it(w):
    response = signed_in(w.maria).post(TEMPLATE, {"text": GOOD, "do": "save"})
    assert response.status_code == 302 and response["Location"] == TEMPLATE + "?saved=yes"
    own = TemplateOverride.objects.get(company=w.acme)
    assert (own.step_code, own.channel, own.language, own.text) == ("reminder", "email", "en", GOOD)
    event = AuditEvent.objects.latest("id")
    assert (event.action, event.actor) == ("communications.template_set", w.maria)
    page = text_of(signed_in(w.maria).get(TEMPLATE + "?saved=yes"))
    assert "the company's own" in page and "Saved: the company's email messages" in page
    listed = signed_in(w.maria).get(BASE + "templates/").content.decode()
    assert 'href="/desk/acme/settings/templates/reminder/email/en/" class="lang own"' in listed


def test_a_hedging_template_is_refused_beside_the_text_and_nothing_is_written(w):
    before = written()
    text = GOOD.replace("Dear", "Sorry to bother you, dear")
    response = signed_in(w.maria).post(TEMPLATE, {"text": text, "do": "save"})
    assert response.status_code == 422
    assert error_beside(response, "text") == (
        "line 2: 'Sorry to bother you' hedges or apologises (rule 10: concise, firm; remove it)"
    )
    assert "Sorry to bother you, dear" in text_of(response)  # the text stays to be fixed
    assert written() == before


@pytest.mark.parametrize(
    ("text", "words"),
    [
        (GOOD.replace("{{ debtor }}", "{{ customer }}"), "line 2: 'customer' is not a figure"),
        (GOOD + "{% load static %}", "line 7: the tag 'load' may not be used"),
        ("", "This field is required"),
    ],
)
def test_a_template_that_does_not_render_is_refused_beside_the_text(w, text, words):
    before = written()
    response = signed_in(w.maria).post(TEMPLATE, {"text": text, "do": "save"})
    assert response.status_code == 422 and words in error_beside(response, "text")
    assert written() == before


def test_the_preview_shows_the_text_filled_and_saves_nothing(w):
    before = written()
    response = signed_in(w.maria).post(TEMPLATE, {"text": GOOD, "do": "preview"})
    assert response.status_code == 200
    page = text_of(response)
    assert "Pay €2,630.34 now (D100-EUR)" in page and "Dear Sample Debtor GmbH," in page
    assert written() == before


def test_reset_returns_to_the_shipped_text_and_is_audited(w):
    client = signed_in(w.maria)
    client.post(TEMPLATE, {"text": GOOD, "do": "save"})
    assert client.post(TEMPLATE, {"do": "reset"}).status_code == 302
    assert not TemplateOverride.objects.exists()
    assert AuditEvent.objects.latest("id").action == "communications.template_reset"
    assert "Overdue: {{ total_due }}" in text_of(client.get(TEMPLATE))


def test_an_unknown_template_is_not_found(w):
    client = signed_in(w.maria)
    for url in ("nope/email/en/", "reminder/phone/en/", "reminder/email/xx/"):
        assert client.get(BASE + "templates/" + url).status_code == 404


def test_a_credit_manager_adds_and_removes_a_tone_phrase(w):
    client = signed_in(w.maria)
    response = client.post(BASE + "tone/add/", {"language": "de", "phrase": "Bitte bald"})
    assert response.status_code == 302
    assert list(TonePhrase.objects.values_list("language", "phrase")) == [("de", "bitte bald")]
    assert AuditEvent.objects.latest("id").action == "communications.tone_add"
    assert "bitte bald" in text_of(client.get(BASE + "templates/"))
    client.post(BASE + "tone/remove/", {"language": "de", "phrase": "bitte bald"})
    assert not TonePhrase.objects.exists()


def test_a_phrase_a_template_uses_is_refused_beside_the_phrase_and_nothing_is_written(w):
    before = written()
    data = {"language": "en", "phrase": "despite our reminders"}
    response = signed_in(w.maria).post(BASE + "tone/add/", data)
    assert response.status_code == 422
    assert error_beside(response, "phrase").startswith(
        "'despite our reminders' is in the en email template of firm_demand (line 4)"
    )
    assert written() == before


def test_removing_a_shipped_phrase_is_refused_beside_the_phrase(w):
    data = {"language": "en", "phrase": "no rush"}
    response = signed_in(w.maria).post(BASE + "tone/remove/", data)
    assert response.status_code == 422
    assert "the list is extended, never shortened" in error_beside(response, "phrase")


# --- ladders, policy, interest ---------------------------------------------------------------


def _ladder_document(client: Client) -> str:
    page = client.get(BASE + "ladder/").content.decode()
    found = re.search(r'<textarea name="document"[^>]*>(.*?)</textarea>', page, re.S)
    assert found is not None
    return html.unescape(found.group(1))


def test_a_credit_manager_changes_a_step_s_wait_and_the_ladder_shows_it(w):
    client = signed_in(w.maria)
    doc = _ladder_document(client)
    assert "min_days_past_due = 30" in doc
    changed = doc.replace("min_days_past_due = 30", "min_days_past_due = 31", 1)
    response = client.post(BASE + "ladder/", {"document": changed})
    assert response.status_code == 302
    assert StrategyStep.objects.filter(min_days_past_due=31).count() == 1
    assert AuditEvent.objects.filter(actor=w.maria).exists()
    assert "min_days_past_due = 31" in _ladder_document(client)


@pytest.mark.parametrize(
    "document",
    ["this is not toml = = =", '[[strategy]]\ncode = "x"', ""],
)
def test_a_ladder_that_does_not_read_is_refused_beside_the_document(w, document):
    before = written()
    response = signed_in(w.maria).post(BASE + "ladder/", {"document": document})
    assert response.status_code == 422 and error_beside(response, "id_document")
    assert written() == before


def test_a_credit_manager_changes_the_negotiation_policy(w):
    client = signed_in(w.maria)
    page = text_of(client.get(BASE + "policy/"))
    whole = re.search(r'<pre class="code-box" id="policy-whole">(.*?)</pre>', page, re.S)
    assert whole is not None
    field = next(k for k, v in json.loads(whole.group(1)).items() if isinstance(v, int))
    value = json.loads(whole.group(1))[field] + 1
    response = client.post(BASE + "policy/", {"document": json.dumps({field: value})})
    assert response.status_code == 302
    assert NegotiationPolicy.objects.get(company=w.acme).document == {field: value}
    assert AuditEvent.objects.latest("id").action == "negotiation.policy_loaded"


@pytest.mark.parametrize("document", ['{"no_such_field": 1}', "[1, 2]", "{not json"])
def test_a_policy_the_desk_cannot_follow_is_refused_beside_the_document(w, document):
    before = written()
    response = signed_in(w.maria).post(BASE + "policy/", {"document": document})
    assert response.status_code == 422 and error_beside(response, "id_document")
    assert written() == before


def test_the_interest_page_names_the_regime_and_its_legal_source(w):
    page = text_of(signed_in(w.maria).get(BASE + "interest/"))
    assert "§288" in page or "288" in page  # acme's jurisdiction is Germany
    assert "arrears setup --jurisdiction" in page


# --- people and owners -----------------------------------------------------------------------


def test_a_credit_manager_gives_a_debtor_another_owner(w):
    data = {"do": "one", "debtor": "D100", "owner": "carl", "reason": "cora on leave"}
    response = signed_in(w.maria).post(BASE + "people/", data)
    assert response.status_code == 200
    assert "D100 now owned by carl" in text_of(response)
    assert Debtor.objects.get(code="D100", company=w.acme).owner == w.carl


@pytest.mark.parametrize(
    ("data", "field", "words"),
    [
        ({"debtor": "NOPE", "owner": "carl", "reason": "r"}, "id_debtor", "NOPE"),
        ({"debtor": "D100", "owner": "olga", "reason": "r"}, "id_owner", "olga"),
        ({"debtor": "D100", "owner": "sam", "reason": "r"}, "id_owner", "sam"),
        ({"debtor": "D100", "owner": "carl", "reason": ""}, "id_reason", "required"),
    ],
)
def test_a_bad_owner_change_is_refused_beside_its_field_and_writes_nothing(w, data, field, words):
    before = written()
    response = signed_in(w.maria).post(BASE + "people/", {"do": "one", **data})
    assert response.status_code == 422 and words in error_beside(response, field)
    assert written() == before


def test_unowned_debtors_are_given_owners_by_a_rule_and_a_bad_map_is_refused(w):
    Debtor.objects.filter(code="D200").update(owner=None)
    before = written()
    bad = {"do": "unowned", "rule": "country", "mapping": "DE", "reason": "new"}
    response = signed_in(w.maria).post(BASE + "people/", bad)
    assert response.status_code == 422 and error_beside(response, "id_mapping")
    assert written() == before
    good = {"do": "unowned", "rule": "round-robin", "collectors": "carl", "reason": "new"}
    response = signed_in(w.maria).post(BASE + "people/", good)
    assert "1 unowned debtors given an owner (round_robin)" in text_of(response)
    assert Debtor.objects.get(code="D200").owner == w.carl
