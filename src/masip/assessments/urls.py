from django.urls import path

from masip.assessments import views

app_name = "assessments"

urlpatterns = [
    path("referrals/<int:pk>/assessments/new/", views.start_for_referral, name="start_referral"),
    path("cases/<int:pk>/assessments/new/", views.start_for_case, name="start_case"),
    path("assessments/<int:pk>/", views.detail, name="detail"),
    path("assessments/<int:pk>/correct/", views.correct, name="correct"),
    path("assessments/<int:pk>/reassess/", views.reassess, name="reassess"),
    path("assessments/<int:pk>/compare/", views.compare, name="compare"),
    path("assessments/<int:pk>/print/", views.pdf, name="pdf"),
]
