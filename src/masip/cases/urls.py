from django.urls import path

from masip.cases import views

app_name = "cases"

urlpatterns = [
    path("partnerships/<slug:slug>/cases/", views.case_list, name="list"),
    path("cases/<int:pk>/", views.case_detail, name="detail"),
    path("cases/<int:pk>/team/", views.case_edit, name="edit"),
]
