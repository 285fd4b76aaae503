"""The action pages. Included by meetings/urls.py, so they keep the names they had there
(meetings:actions, meetings:action_update, meetings:case_action_add) and their paths."""

from django.urls import path

from masip.actions import views

urlpatterns = [
    path("partnerships/<slug:slug>/actions/", views.action_list, name="actions"),
    path("actions/<int:pk>/", views.action_update, name="action_update"),
    path("cases/<int:pk>/actions/new/", views.case_action_add, name="case_action_add"),
]
