from __future__ import annotations

import qrcode
import qrcode.image.svg
from django import forms
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import AuthenticationForm
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST
from django_otp import login as otp_login

from masip.access.policy import Action, public, requires
from masip.accounts import selectors, services
from masip.audit.selectors import managed_staff_member
from masip.core.forms import GovukFormMixin


class SignInForm(AuthenticationForm):
    error_messages = {
        "invalid_login": "Enter a correct username and password. Both are case-sensitive.",
        "inactive": "This account has been switched off. Ask your unit manager.",
    }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["username"].error_messages["required"] = "Enter your username"
        self.fields["password"].error_messages["required"] = "Enter your password"

    def error_list(self) -> list[tuple[str, str]]:
        items = [("id_username", str(m)) for m in self.non_field_errors()]
        for name in ("username", "password"):
            items += [(f"id_{name}", str(m)) for m in self[name].errors]
        return items


class SignInView(auth_views.LoginView):
    template_name = "accounts/login.html"
    authentication_form = SignInForm
    redirect_authenticated_user = True

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["timed_out"] = self.request.GET.get("timeout") == "1"
        return context


sign_in = public(SignInView.as_view())
sign_out = public(auth_views.LogoutView.as_view())


class TokenForm(GovukFormMixin, forms.Form):
    token = forms.CharField(
        label="Code from your authenticator app", max_length=8, help_text="The 6-digit code, for example 123456"
    )

    def __init__(self, *args, device=None, **kwargs):
        self.device = device
        super().__init__(*args, **kwargs)
        self.fields["token"].error_messages["required"] = "Enter the 6-digit code from your authenticator app"

    def clean_token(self):
        token = self.cleaned_data["token"].replace(" ", "")
        if not token.isdigit() or len(token) != 6:
            raise forms.ValidationError("Enter the 6-digit code from your authenticator app")
        if self.device is None or not self.device.verify_token(token):
            raise forms.ValidationError("The code is not right. Check your app and enter the newest code")
        return token


def _next_url(request) -> str:
    target = request.GET.get("next") or request.POST.get("next") or "/"
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return "/"
    return target


@public
def two_factor(request):
    """Second step of signing in: a code from the enrolled authenticator."""
    if not request.user.is_authenticated:
        return redirect("accounts:login")
    device = selectors.confirmed_device(request.user)
    if device is None:
        return redirect("accounts:two_factor_setup")
    form = TokenForm(request.POST or None, device=device)
    if request.method == "POST" and form.is_valid():
        otp_login(request, device)
        return redirect(_next_url(request))
    return render(request, "accounts/two_factor.html", {"form": form, "next": _next_url(request)})


@public
def two_factor_setup(request):
    """First sign-in: enrol an authenticator app by scanning a QR code and confirming a code."""
    if not request.user.is_authenticated:
        return redirect("accounts:login")
    if selectors.has_confirmed_device(request.user):
        return redirect("accounts:two_factor")
    device = services.two_factor_enrolment_start(user=request.user)
    form = TokenForm(request.POST or None, device=device)
    if request.method == "POST" and form.is_valid():
        services.two_factor_enrolment_confirm(device=device, acting_user=request.user)
        otp_login(request, device)
        messages.success(request, "Two-factor authentication is set up")
        return redirect(_next_url(request))
    qr = qrcode.make(device.config_url, image_factory=qrcode.image.svg.SvgPathImage, box_size=8)
    secret = _base32(device.bin_key)
    return render(
        request,
        "accounts/two_factor_setup.html",
        {"form": form, "qr_svg": qr.to_string(encoding="unicode"), "secret": secret, "next": _next_url(request)},
    )


def _base32(key: bytes) -> str:
    import base64

    return base64.b32encode(key).decode("ascii").rstrip("=")


@public
@require_POST
def keep_alive(request):
    """The idle-timeout warning's "stay signed in": any request renews the session."""
    if not request.user.is_authenticated:
        return HttpResponse(status=401)
    request.session.modified = True
    return HttpResponse(status=204)


@requires(Action.ACCOUNT_UNLOCK)
@require_POST
def unlock(request, user_id: int):
    member = managed_staff_member(request.user, user_id)
    services.account_unlock(member=member, acting_user=request.user)
    messages.success(request, f"{member.get_full_name() or member.username} can sign in again")
    return redirect("audit:staff")
