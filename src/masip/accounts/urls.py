from django.urls import path

from masip.accounts import views

app_name = "accounts"

urlpatterns = [
    path("sign-in/", views.sign_in, name="login"),
    path("sign-out/", views.sign_out, name="logout"),
    path("two-factor/", views.two_factor, name="two_factor"),
    path("two-factor/set-up/", views.two_factor_setup, name="two_factor_setup"),
    path("keep-alive/", views.keep_alive, name="keep_alive"),
    path("staff/<int:user_id>/unlock/", views.unlock, name="unlock"),
]
