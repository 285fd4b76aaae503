from __future__ import annotations

from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import AuthenticationForm

from masip.access.policy import public


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
        items = [("id_username", m) for m in self.non_field_errors()]
        for name in ("username", "password"):
            items += [(f"id_{name}", m) for m in self[name].errors]
        return items


sign_in = public(
    auth_views.LoginView.as_view(
        template_name="accounts/login.html", authentication_form=SignInForm, redirect_authenticated_user=True
    )
)
sign_out = public(auth_views.LogoutView.as_view())
