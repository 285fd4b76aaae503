from django.urls import path

from masip.people import views

app_name = "people"

urlpatterns = [
    path("people/<int:pk>/", views.person_detail, name="detail"),
    path("people/<int:pk>/edit/", views.person_edit, name="edit"),
    path("people/<int:pk>/subject-access/", views.subject_access, name="subject_access"),
]
