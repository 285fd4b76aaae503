from django.urls import path

from masip.monitoring import views

app_name = "monitoring"

urlpatterns = [
    path("partnerships/<slug:slug>/monitoring/", views.queue, name="queue"),
    path("cases/<int:pk>/incidents/new/", views.incident_add, name="incident_add"),
    path("cases/<int:pk>/re-review/new/", views.review_request, name="review_request"),
]
