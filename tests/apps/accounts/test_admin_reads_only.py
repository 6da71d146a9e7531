"""The admin reads; services write: no arrears object can be added, changed or deleted there."""

from __future__ import annotations

from datetime import date

import pytest
from django.contrib import admin
from django.test import Client, RequestFactory

from arrears.web.admin import ARREARS_APPS
from tests import factories
from tests.factories import run_as_admin

pytestmark = pytest.mark.django_db


def _arrears_admins():
    return [(m, a) for m, a in admin.site._registry.items() if m._meta.app_label in ARREARS_APPS]


def test_every_arrears_model_in_the_admin_is_read_only_even_for_a_superuser(django_user_model):
    root = django_user_model.objects.create_superuser("root", password="a-long-password-1")
    request = RequestFactory().get("/admin/")
    request.user = root
    found = _arrears_admins()
    assert len(found) >= 15  # cases, history, actions, promises, plans, write-offs, audit...
    for model, model_admin in found:
        assert model_admin.has_view_permission(request), model
        assert not model_admin.has_add_permission(request), model
        assert not model_admin.has_change_permission(request), model
        assert not model_admin.has_delete_permission(request), model


def test_a_superuser_posting_a_change_to_a_case_is_refused_and_nothing_changes(django_user_model):
    from arrears.apps.cases.models import Case
    from arrears.apps.cases.services import strategies_install_defaults

    company = factories.company()
    strategies_install_defaults(actor=factories.admin(), company=company)
    cora = factories.collector("cora", company)
    d = factories.debtor(company, owner=cora)
    factories.item(d, due=date(2026, 10, 1))
    run_as_admin(company=company, as_of=date(2026, 11, 2))
    case = Case.objects.get()
    root = django_user_model.objects.create_superuser("root", password="a-long-password-1")
    client = Client()
    client.force_login(root)
    page = client.get(f"/admin/cases/case/{case.pk}/change/")
    assert page.status_code == 200  # it can be read
    response = client.post(f"/admin/cases/case/{case.pk}/change/", {"status": "closed"})
    assert response.status_code == 403
    case.refresh_from_db()
    assert case.status == "open"
