from django.urls import path

from masip.audit import views

app_name = "audit"

urlpatterns = [
    path("cases/<int:pk>/audit/", views.case_log, name="case"),
    path("staff/", views.staff_list, name="staff"),
    path("staff/<int:user_id>/activity/", views.staff_activity, name="staff_activity"),
    path("audit/export/<str:kind>/<int:pk>/", views.export, name="export"),
]
