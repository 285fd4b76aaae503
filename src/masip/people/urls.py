from django.urls import path

from masip.people import views

app_name = "people"

urlpatterns = [
    path("people/<int:pk>/", views.person_detail, name="detail"),
]
