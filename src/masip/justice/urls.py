from django.urls import path

from masip.justice import views

app_name = "justice"

urlpatterns = [
    path("cases/<int:pk>/criminal-justice/new/", views.event_add, name="event_add"),
    path("cases/<int:pk>/orders/new/", views.order_add, name="order_add"),
    path("orders/<int:order_id>/", views.order_detail, name="order_detail"),
]
