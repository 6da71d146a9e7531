"""The interest terms on the interest settings page (issue #14): a credit manager chooses the
contracts' own rates and sets the company's default contractual rate there, through the
service the terminal uses (`arrears interest set`), audited; a bad value stands beside its
field and writes nothing; an administrator sees the terms but no form; a post by a collector
or an administrator is refused (403); another company's page is not found."""

from __future__ import annotations

import html
import re
from typing import Any

import pytest

from arrears.apps.accounts.models import AuditEvent
from arrears.apps.communications.models import InterestSetting
from tests.factories import admin
from tests.web.conftest import signed_in

pytestmark = pytest.mark.django_db

INTEREST = "/desk/acme/settings/interest/"
TERMS = {"form": "terms", "regime": "contract", "contract_rate": "1", "per": "month", "markup": ""}


def text_of(response: Any) -> str:
    return html.unescape(response.content.decode())


def test_a_credit_manager_sets_the_contract_regime_and_default_rate_and_it_is_audited(w):
    response = signed_in(w.maria).post(INTEREST, TERMS)
    assert response.status_code == 302
    own = InterestSetting.objects.get(company=w.acme)
    assert (own.regime, own.contract_rate, own.contract_rate_per) == ("contract", "1", "month")
    assert AuditEvent.objects.filter(action="interest.terms_set", actor=w.maria).exists()
    page = text_of(signed_in(w.maria).get(INTEREST))
    assert "1% a month" in page and 'id="interest-terms"' in page


def test_a_bad_rate_stands_beside_its_field_and_writes_nothing(w):
    response = signed_in(w.maria).post(INTEREST, {**TERMS, "contract_rate": "-2"})
    assert response.status_code == 422
    found = re.search(r'id="id_contract_rate-error">([^<]*)<', response.content.decode())
    assert found is not None and "is not a contractual rate" in html.unescape(found.group(1))
    assert not InterestSetting.objects.exists()


def test_a_collector_cannot_set_the_terms_nor_an_administrator_who_sees_them(w):
    assert signed_in(w.cora).post(INTEREST, TERMS).status_code == 403
    page = text_of(signed_in(admin()).get(INTEREST))
    assert 'id="terms"' in page and 'id="interest-terms"' not in page  # seen, no form
    assert signed_in(admin()).post(INTEREST, TERMS).status_code == 403
    assert not InterestSetting.objects.exists()
    assert not AuditEvent.objects.filter(action="interest.terms_set").exists()


def test_another_company_s_page_is_not_found(w):
    response = signed_in(w.olga).post(INTEREST, TERMS)
    assert response.status_code == 404
    assert not InterestSetting.objects.exists()
