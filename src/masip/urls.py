from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("", include("masip.workspace.urls")),
    path("accounts/", include("masip.accounts.urls")),
    path("", include("masip.referrals.urls")),
    path("", include("masip.cases.urls")),
    path("", include("masip.people.urls")),
    path("", include("masip.sharing.urls")),
    path("", include("masip.documents.urls")),
    path("", include("masip.monitoring.urls")),
    path("", include("masip.interventions.urls")),
    path("", include("masip.victims.urls")),
    path("", include("masip.justice.urls")),
    path("", include("masip.meetings.urls")),
    path("", include("masip.assessments.urls")),
    path("", include("masip.audit.urls")),
    path("", include("masip.evaluation.urls")),
    path("", include("masip.reporting.urls")),
    path("api/", include("masip.api.urls")),
    path("admin/", admin.site.urls),
]

handler400 = "masip.core.views.bad_request"
handler403 = "masip.core.views.forbidden"
handler404 = "masip.core.views.not_found"
handler500 = "masip.core.views.server_error"
