"""The case page shows the cost of the delay (interest, fees owed, each fee and its waiver)
and the day each claim becomes time-barred, as `explain` says them; not to another company's
or another collector's reader."""

from __future__ import annotations

import pytest
from django.utils.html import escape

from arrears.apps.communications.fees import fees_of_items
from arrears.apps.communications.models import Fee
from arrears.apps.communications.presentation import fee_line_words
from arrears.apps.ledger.models import OpenItem
from arrears.domain.limitation import RULES, first_expiry
from tests.web.conftest import AS_OF, signed_in

pytestmark = pytest.mark.django_db


def _url(w, case=None, company="acme"):
    return f"/desk/{company}/cases/{(case or w.case).pk}/"


def test_the_case_page_shows_interest_fees_and_the_limitation_date(w):
    item = OpenItem.objects.filter(debtor=w.debtor, open_minor__gt=0).order_by("due_date").first()
    fee = Fee.objects.create(
        company=w.acme, item=item, step=1, step_code="reminder", kind="fixed",
        amount_minor=5_00, currency=item.currency, charged_on=AS_OF,
    )  # fmt: skip
    page = signed_in(w.cora).get(_url(w))
    assert page.status_code == 200
    text = page.content.decode()
    assert 'id="costs"' in text
    barred_after = first_expiry(item.due_date, RULES[w.acme.jurisdiction.upper()])
    assert barred_after.isoformat() in text
    line = fee_line_words(fees_of_items([item.pk])[item.pk][0])
    assert escape(line) in text and f"fee {fee.pk}:" in text
    # another collector of the company, and another company's collector, see none of it
    assert signed_in(w.carl).get(_url(w)).status_code == 403
    assert signed_in(w.olga).get(_url(w)).status_code == 404


def test_the_default_ladder_s_compensation_shows_on_the_case_page(w):
    from datetime import timedelta

    from tests.factories import run_as_admin

    run_as_admin(company=w.acme, as_of=AS_OF + timedelta(days=10))  # 16 days: final notice
    fee = Fee.objects.get(item__debtor=w.debtor)
    assert (fee.step_code, fee.kind, fee.amount_minor) == ("final_notice", "compensation", 40_00)
    text = signed_in(w.cora).get(_url(w)).content.decode()
    assert escape(fee_line_words(fees_of_items([fee.item_id])[fee.item_id][0])) in text
    assert "statutory compensation EUR 40.00" in text
