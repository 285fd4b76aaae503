from django.urls import path

from masip.cases import views

app_name = "cases"

urlpatterns = [
    path("partnerships/<slug:slug>/cases/", views.case_list, name="list"),
    path("cases/<int:pk>/", views.case_detail, name="detail"),
    path("cases/<int:pk>/team/", views.case_edit, name="edit"),
    path("cases/<int:pk>/area/", views.case_area, name="area"),
    path("cases/<int:pk>/close/", views.case_close, name="close"),
    path("cases/<int:pk>/reopen/", views.case_reopen, name="reopen"),
    path("partnerships/<slug:slug>/retention/", views.retention_queue, name="retention_queue"),
    path("cases/<int:pk>/retention/propose/", views.retention_propose, name="retention_propose"),
    path("retention/proposals/<int:proposal_id>/", views.retention_decide, name="retention_decide"),
]
