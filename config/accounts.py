"""How Hearth counts sign-in attempts and the password's grace (SECURITY.md says why), and how
allauth's emails name the site."""

from __future__ import annotations

from typing import Any

from allauth.account.adapter import DefaultAccountAdapter
from allauth.account.internal.flows.login import record_authentication
from allauth.account.signals import authentication_step_completed
from allauth.core.internal.ratelimit import get_ip
from django.conf import settings
from django.dispatch import receiver
from django.http import HttpRequest

from core.emails import site_context
from couples.models import User


class AccountAdapter(DefaultAccountAdapter):  # type: ignore[misc]  # allauth ships no types
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
