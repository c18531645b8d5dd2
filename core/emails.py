"""Every email Hearth sends is built here from three templates in templates/emails/:
NAME-subject.txt, NAME-body.txt and NAME-body.html. Subjects never carry relationship content."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string


def make_message(name: str, to: str, ctx: dict[str, Any]) -> EmailMultiAlternatives:
    ctx = {"site_url": settings.SITE_URL, **ctx}
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
