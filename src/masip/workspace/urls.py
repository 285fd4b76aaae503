from django.urls import path

from masip.workspace import views

app_name = "workspace"

urlpatterns = [
    path("", views.home, name="home"),
    path("search/", views.search, name="search"),
    path("healthz", views.healthz, name="healthz"),
]
