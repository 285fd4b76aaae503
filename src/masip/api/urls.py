from django.contrib.auth.decorators import login_not_required
from django.urls import path, re_path
from drf_spectacular.views import SpectacularAPIView

from masip.access.policy import Action, public
from masip.api import views

app_name = "api"


def drf_route(view):
    """DRF authenticates API calls itself (a session or a token) and answers 401/403,
    so the sign-in redirect does not apply; the access policy still runs inside."""
    view = login_not_required(view)
    view.access_action = Action.API
    return view


urlpatterns = [
    path("v1/partnerships/<slug:slug>/referrals/", drf_route(views.referrals), name="referrals"),
    path("v1/referrals/<int:pk>/", drf_route(views.referral_detail), name="referral"),
    path("v1/cases/<int:pk>/", drf_route(views.case_detail), name="case"),
    path("schema/", drf_route(SpectacularAPIView.as_view()), name="schema"),
    # Last: whatever else is asked of the API is answered in JSON.
    re_path(r"^(?P<unknown>[\s\S]*)$", public(views.not_found), name="not_found"),  # newlines too
]
