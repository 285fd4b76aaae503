from django.urls import path

from . import views

app_name = "evaluation"

urlpatterns = [
    path("evaluation/", views.home, name="home"),
    path("evaluation/dictionary/", views.dictionary, name="dictionary"),
    path("evaluation/<int:pk>/", views.detail, name="detail"),
    path("evaluation/<int:pk>/plans/new/", views.plan_add, name="plan_add"),
    path("evaluation/<int:pk>/extracts/new/", views.extract_request, name="extract_request"),
    path("evaluation/<int:pk>/runs/new/", views.run_create, name="run_create"),
    path("evaluation/plans/<int:plan_id>/", views.plan_detail, name="plan_detail"),
    path("evaluation/plans/<int:plan_id>/edit/", views.plan_edit, name="plan_edit"),
    path("evaluation/plans/<int:plan_id>/lock/", views.plan_lock, name="plan_lock"),
    path("evaluation/plans/<int:plan_id>/deviation/", views.plan_deviate, name="plan_deviate"),
    path("evaluation/extracts/<int:extract_id>/download/", views.extract_download, name="extract_download"),
    path("evaluation/runs/<int:run_id>/", views.run_detail, name="run_detail"),
]
