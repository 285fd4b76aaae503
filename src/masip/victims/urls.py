from django.urls import path

from masip.victims import views

app_name = "victims"

_victim = "cases/<int:pk>/victims/<int:person_id>/"

urlpatterns = [
    path(_victim, views.victim_support, name="support"),
    path(_victim + "support/", views.support_update, name="support_update"),
    path(_victim + "contacts/new/", views.contact_add, name="contact_add"),
    path(_victim + "safety-plan/new/", views.safety_plan_add, name="safety_plan_add"),
    path(_victim + "referrals/new/", views.referral_add, name="referral_add"),
    path(_victim + "court-support/new/", views.court_support_add, name="court_support_add"),
    path(_victim + "survey/new/", views.survey_add, name="survey_add"),
    path("referrals/<int:pk>/victim-support/<int:person_id>/", views.referral_support, name="referral_support"),
]
