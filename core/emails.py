"""Every email Hearth sends is built here from three templates in templates/emails/:
NAME-subject.txt, NAME-body.txt and NAME-body.html (both bodies extend emails/_layout.*, which
greet and sign with the site's name). Subjects never carry relationship content. allauth's own
emails (templates/account/email/) get the same site context through config.accounts."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string


@dataclass(frozen=True)
class Site:
    """Stands in for django.contrib.sites' Site (not installed) where allauth's templates and
    code read `current_site.name` and `.domain`: both say the configured name, never a host."""

    name: str
    domain: str


def site_context() -> dict[str, Any]:
    """What every email may say about the site itself: its configured name and address."""
    return {
        "site_name": settings.SITE_NAME,
        "site_url": settings.SITE_URL,
        "current_site": Site(name=settings.SITE_NAME, domain=settings.SITE_NAME),
    }


def make_message(name: str, to: str, ctx: dict[str, Any]) -> EmailMultiAlternatives:
    ctx = {**site_context(), **ctx}
    subject = render_to_string(f"emails/{name}-subject.txt", ctx).strip()
    text = render_to_string(f"emails/{name}-body.txt", ctx)
    html = render_to_string(f"emails/{name}-body.html", ctx)
    message = EmailMultiAlternatives(subject, text, to=[to])
    message.attach_alternative(html, "text/html")
    return message


def one_click_unsubscribe(message: EmailMultiAlternatives, url: str) -> None:
    """Let mail apps offer "unsubscribe" for `message`: `url` turns the email off when posted to
    (RFC 8058 one-click) and shows a page to confirm when opened. Its view is CSRF-exempt, as
    mail apps post without a token; the signed link is the credential."""
    message.extra_headers["List-Unsubscribe"] = f"<{url}>"
    message.extra_headers["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"


def mail_domain() -> str:
    """The right-hand side of the Message-IDs Hearth makes: its own host name."""
    return urlsplit(settings.SITE_URL).hostname or "hearth"


def send(name: str, to: str, ctx: dict[str, Any]) -> None:
    make_message(name, to, ctx).send()
