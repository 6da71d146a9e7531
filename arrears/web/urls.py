from django.contrib import admin
from django.urls import include, path

from arrears.web.views import (
    approvals,
    case,
    case_costs,
    figures,
    home,
    imports,
    outbox,
    password_reset,
    phone,
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
    path(
        "desk/<slug:company>/cases/<int:case_id>/messages/<int:message_id>.pdf",
        case.message_pdf,
        name="case-message-pdf",
    ),
    path(
        "desk/<slug:company>/cases/<int:case_id>/fees/waive/",
        case_costs.fee_waive,
        name="case-fee-waive",
    ),
    path(
        "desk/<slug:company>/cases/<int:case_id>/acknowledge/",
        case_costs.acknowledgement,
        name="case-acknowledge",
    ),
    path("desk/<slug:company>/cases/<int:case_id>/excuse/", phone.excuse, name="phone-excuse"),
    path(
        "desk/<slug:company>/cases/<int:case_id>/excuse/answer/",
        phone.excuse_answer,
        name="phone-excuse-answer",
    ),
    path("desk/<slug:company>/cases/<int:case_id>/propose/", phone.propose, name="phone-propose"),
    path("desk/<slug:company>/cases/<int:case_id>/promise/", phone.promise, name="phone-promise"),
    path("desk/<slug:company>/cases/<int:case_id>/plan/", phone.plan, name="phone-plan"),
    path(
        "desk/<slug:company>/cases/<int:case_id>/letter/",
        phone.letter_preview,
        name="phone-letter",
    ),
    path(
        "desk/<slug:company>/cases/<int:case_id>/letter.pdf",
        phone.letter_pdf,
        name="phone-letter-pdf",
    ),
    path(
        "desk/<slug:company>/cases/<int:case_id>/letter/send/",
        phone.letter_send,
        name="phone-letter-send",
    ),
    path("desk/<slug:company>/search/", search.search_page, name="search"),
    path("desk/<slug:company>/messages/", outbox.messages_page, name="messages"),
    path(
        "desk/<slug:company>/messages/retry-failed/",
        outbox.retry_failed,
        name="messages-retry-failed",
    ),
    path("desk/<slug:company>/figures/", figures.figures_page, name="figures"),
    path("desk/<slug:company>/figures/<slug:table>.csv", figures.figures_csv, name="figures-csv"),
    path("desk/<slug:company>/figures/figures.xlsx", figures.figures_xlsx, name="figures-xlsx"),
    path("desk/<slug:company>/settings/", include("arrears.web.urls_settings")),
    path("desk/<slug:company>/approvals/", approvals.approvals_page, name="approvals"),
    path(
        "desk/<slug:company>/approvals/<slug:kind>/<int:id>/",
        approvals.approval_decide,
        name="approval-decide",
    ),
    path("desk/<slug:company>/imports/", imports.imports_page, name="imports"),
    path("desk/<slug:company>/imports/preview/", imports.import_preview, name="import-preview"),
    path("desk/<slug:company>/imports/confirm/", imports.import_confirm, name="import-confirm"),
    path("desk/<slug:company>/imports/jobs/<uuid:job>/", imports.import_job, name="import-job"),
    path("admin/", admin.site.urls),
    path("accounts/password_reset/", password_reset.password_reset, name="password_reset"),
    path("accounts/", include("django.contrib.auth.urls")),
]
