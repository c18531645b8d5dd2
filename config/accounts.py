"""How Hearth counts sign-in attempts and the password's grace (SECURITY.md says why), and how
allauth's emails and forms speak in Hearth's words."""

from __future__ import annotations

from typing import Any

from allauth.account import forms as allauth_forms
from allauth.account.adapter import DefaultAccountAdapter
from allauth.account.internal.flows.login import record_authentication
from allauth.account.signals import authentication_step_completed
from allauth.core.internal.ratelimit import get_ip
from allauth.mfa.base import forms as mfa_forms
from allauth.mfa.totp import forms as totp_forms
from django import forms
from django.conf import settings
from django.dispatch import receiver
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from django_stubs_ext import StrOrPromise

from core.emails import site_context
from couples.models import User


class AccountAdapter(DefaultAccountAdapter):  # type: ignore[misc]  # allauth ships no types
    error_messages = {
        **DefaultAccountAdapter.error_messages,
        "account_inactive": _("This account is closed."),
        "cannot_remove_primary_email": _(
            "This is your main address, so it stays. Make another one your main address first."
        ),
        "duplicate_email": _("This address is already on your account."),
        "email_password_mismatch": _(
            "That email and password do not match. Check them and try again."
        ),
        "email_taken": _("Another account already uses this address."),
        "enter_current_password": _("Type your current password."),
        "invalid_password_reset": _("This link to choose a new password has expired."),
        "rate_limited": _("That's a lot of tries in a short time. Try again in a minute."),
        "unverified_primary_email": _("Confirm this address before making it your main one."),
    }

    def _get_login_attempts_cache_key(self, request: HttpRequest, **credentials: Any) -> str:
        """Wrong passwords for an address are counted per network they come from, so that
        someone who knows a person's address cannot lock them out by failing from elsewhere:
        the owner, from their own network, still signs in. The cost: guesses from many networks
        are each limited on their own (5 in 5 minutes for an address, 10 a minute in all)."""
        address = super()._get_login_attempts_cache_key(request, **credentials)
        return f"{address}:{get_ip(request)}"

    def send_mail(self, template_prefix: str, email: str, context: dict[str, Any]) -> None:
        """allauth's emails speak as Hearth's do: signed by the configured site name, with links
        to the configured address. Without this, allauth names the site by the request's host
        and port ("Hello from 127.0.0.1:8000!")."""
        super().send_mail(template_prefix, email, {**site_context(), **context})

    def format_email_subject(self, subject: str) -> str:
        return f"{settings.SITE_NAME}: {subject}"


@receiver(authentication_step_completed)
def signing_in_enters_the_password(
    sender: type[User], request: HttpRequest, method: str, user: User, **extra: Any
) -> None:
    """A person who signs in with their password has just entered it: the grace before a
    sensitive act asks for it again starts now, as it does when they enter it to re-authenticate
    (allauth records only the latter as re-authenticating)."""
    if method == "password" and not extra.get("reauthenticated"):
        record_authentication(request, user, method="password", reauthenticated=True)


def in_hearths_words(form: forms.Form, labels: dict[str, StrOrPromise]) -> None:
    """Give `form`'s fields Hearth's labels, and no placeholders: a label above each field says
    what it wants, and a placeholder repeating it only adds noise (and vanishes on typing)."""
    for name, field in form.fields.items():
        if name in labels:
            field.label = labels[name]
        field.widget.attrs.pop("placeholder", None)


class LoginForm(allauth_forms.LoginForm):  # type: ignore[misc]
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        in_hearths_words(self, {"login": _("Email"), "remember": _("Keep me signed in here")})
        # The page offers "Forgot your password?" beside its button, not inside the field's
        # description, where a screen reader would read a link as the password's rules.
        self.fields["password"].help_text = ""


class SignupForm(allauth_forms.SignupForm):  # type: ignore[misc]
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        in_hearths_words(
            self,
            {
                "email": _("Email"),
                "password1": _("Choose a password"),
                "password2": _("The same password again"),
            },
        )


class ChangePasswordForm(allauth_forms.ChangePasswordForm):  # type: ignore[misc]
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        in_hearths_words(
            self,
            {
                "oldpassword": _("Your current password"),
                "password1": _("Your new password"),
                "password2": _("The new password again"),
            },
        )
        self.fields["oldpassword"].help_text = ""  # as on the login page


class ResetPasswordForm(allauth_forms.ResetPasswordForm):  # type: ignore[misc]
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        in_hearths_words(self, {"email": _("Email")})


class ResetPasswordKeyForm(allauth_forms.ResetPasswordKeyForm):  # type: ignore[misc]
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        in_hearths_words(
            self,
            {"password1": _("Your new password"), "password2": _("The new password again")},
        )


class AddEmailForm(allauth_forms.AddEmailForm):  # type: ignore[misc]
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        in_hearths_words(self, {"email": _("Another email address")})


class ReauthenticateForm(allauth_forms.ReauthenticateForm):  # type: ignore[misc]
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        in_hearths_words(self, {"password": _("Your password")})


class AuthenticateForm(mfa_forms.AuthenticateForm):  # type: ignore[misc]
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        in_hearths_words(self, {"code": _("Your code")})


class MFAReauthenticateForm(mfa_forms.ReauthenticateForm):  # type: ignore[misc]
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        in_hearths_words(self, {"code": _("Your code")})


class ActivateTOTPForm(totp_forms.ActivateTOTPForm):  # type: ignore[misc]
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        in_hearths_words(self, {"code": _("The code your app shows")})
