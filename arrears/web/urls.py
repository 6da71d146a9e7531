from django.contrib import admin
from django.urls import include, path

from arrears.web.views import case, home, search, worklist

urlpatterns = [
    path("", home.home, name="home"),
    path("desk/<slug:company>/worklist/", worklist.worklist_page, name="worklist"),
    path("desk/<slug:company>/cases/<int:case_id>/", case.case_page, name="case"),
    path(
        "desk/<slug:company>/cases/<int:case_id>/actions/<int:action_id>/done/",
        case.action_done,
        name="action-done",
    ),
    path("desk/<slug:company>/search/", search.search_page, name="search"),
    path("admin/", admin.site.urls),
    path("accounts/", include("django.contrib.auth.urls")),
]
