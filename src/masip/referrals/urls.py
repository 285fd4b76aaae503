from django.urls import path

from masip.referrals import views

app_name = "referrals"

urlpatterns = [
    path("partnerships/<slug:slug>/referrals/", views.referral_list, name="list"),
    path("partnerships/<slug:slug>/referrals/new/", views.referral_create, name="create"),
    path("partnerships/<slug:slug>/triage/", views.triage_queue, name="triage_queue"),
    path("referrals/<int:pk>/", views.referral_detail, name="detail"),
    path("referrals/<int:pk>/triage/", views.triage_decide, name="triage"),
    path("referrals/<int:pk>/confirm-people/", views.referral_confirm_people, name="confirm_people"),
]
