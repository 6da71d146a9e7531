from django.contrib import admin
from django.urls import include, path

from arrears.web.views import (
    approvals,
    case,
    figures,
    home,
    imports,
    password_reset,
    search,
    worklist,
)

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
    path("desk/<slug:company>/figures/", figures.figures_page, name="figures"),
    path("desk/<slug:company>/figures/<slug:table>.csv", figures.figures_csv, name="figures-csv"),
    path("desk/<slug:company>/figures/figures.xlsx", figures.figures_xlsx, name="figures-xlsx"),
    path("desk/<slug:company>/approvals/", approvals.approvals_page, name="approvals"),
    path(
        "desk/<slug:company>/approvals/<slug:kind>/<int:id>/",
        approvals.approval_decide,
        name="approval-decide",
    ),
    path("desk/<slug:company>/imports/", imports.imports_page, name="imports"),
    path("desk/<slug:company>/imports/preview/", imports.import_preview, name="import-preview"),
    path("desk/<slug:company>/imports/confirm/", imports.import_confirm, name="import-confirm"),
    path("admin/", admin.site.urls),
    path("accounts/password_reset/", password_reset.password_reset, name="password_reset"),
    path("accounts/", include("django.contrib.auth.urls")),
]
