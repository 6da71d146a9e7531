from __future__ import annotations

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db


def test_the_home_page_sends_an_anonymous_visitor_to_the_login_page():
    response = Client().get("/")
    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=/"


def test_the_admin_sends_an_anonymous_visitor_to_its_login_page():
    response = Client().get("/admin/cases/case/")
    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=/admin/cases/case/"


def test_the_login_page_itself_is_open_and_carries_a_csrf_token():
    response = Client().get("/accounts/login/")
    assert response.status_code == 200 and b"csrfmiddlewaretoken" in response.content


def test_posts_without_a_csrf_token_are_refused():
    client = Client(enforce_csrf_checks=True)
    response = client.post("/accounts/login/", {"username": "x", "password": "y"})
    assert response.status_code == 403


def test_a_collector_without_staff_rights_cannot_open_the_admin(django_user_model):
    user = django_user_model.objects.create_user("cora", password="a-long-password-1")
    client = Client()
    client.force_login(user)
    response = client.get("/admin/cases/case/")
    assert response.status_code == 302 and "/admin/login/" in response["Location"]


def test_a_logged_in_user_sees_the_overview(django_user_model):
    from tests import factories

    factories.company()
    user = django_user_model.objects.create_user("cora", password="a-long-password-1")
    client = Client()
    client.force_login(user)
    response = client.get("/")
    assert response.status_code == 200 and b"Acme GmbH" in response.content
