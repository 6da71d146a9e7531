"""The settings pages' addresses, under /desk/<company>/settings/ (`views/desk_settings.py`)."""

from django.urls import path

from arrears.web.views import desk_settings as v
from arrears.web.views import settings_people as people

urlpatterns = [
    path("", v.settings_home, name="settings"),
    path("ladder/", v.ladder_page, name="settings-ladder"),
    path("templates/", v.templates_page, name="settings-templates"),
    path(
        "templates/<slug:step>/<slug:channel>/<slug:language>/",
        v.template_page,
        name="settings-template",
    ),
    path("tone/<slug:verb>/", v.tone_change, name="settings-tone"),
    path("policy/", v.policy_page, name="settings-policy"),
    path("interest/", people.interest_page, name="settings-interest"),
    path("people/", people.people_page, name="settings-people"),
]
