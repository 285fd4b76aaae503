from django.urls import path

from masip.interventions import views

app_name = "interventions"

urlpatterns = [
    path("cases/<int:pk>/interventions/new/", views.intervention_add, name="add"),
    path("interventions/<int:intervention_id>/", views.intervention_detail, name="detail"),
    path("interventions/<int:intervention_id>/engagement/", views.intervention_engagement, name="engagement"),
    path("interventions/<int:intervention_id>/follow-up/", views.intervention_follow_up, name="follow_up"),
    path(
        "interventions/<int:intervention_id>/sessions/new/",
        views.intervention_session_add,
        name="session_add",
    ),
    path("interventions/<int:intervention_id>/outcome/", views.intervention_outcome, name="outcome"),
]
