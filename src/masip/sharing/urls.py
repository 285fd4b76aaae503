from django.urls import path

from masip.sharing import views

app_name = "sharing"

urlpatterns = [
    path("cases/<int:pk>/information/new/", views.information_add, name="information_add"),
    path("cases/<int:pk>/health-summaries/new/", views.health_summary_add, name="health_summary_add"),
]
