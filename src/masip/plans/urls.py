"""The plan pages. Included by meetings/urls.py, so they keep the names they had there
(meetings:plan, meetings:plan_edit) and their paths."""

from django.urls import path

from masip.plans import views

urlpatterns = [
    path("cases/<int:pk>/plan/", views.plan, name="plan"),
    path("cases/<int:pk>/plan/new/", views.plan_edit, name="plan_edit"),
]
