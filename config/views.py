from __future__ import annotations

import email
import email.policy
from email.message import EmailMessage
from ipaddress import ip_address
from pathlib import Path

from django.conf import settings
from django.db import connection
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from config.celery import app as celery_app
from config.forms import ComponentsForm


def _database_ok() -> bool:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except Exception:
        return False
    return True


def _broker_ok() -> bool:
    try:
        with celery_app.connection_for_write() as conn:
            conn.ensure_connection(max_retries=1, timeout=2)
    except Exception:
        return False
    return True


@never_cache
@require_safe
def healthz(request: HttpRequest) -> JsonResponse:
    checks = {"database": _database_ok(), "broker": _broker_ok()}
    failing = [name for name, ok in checks.items() if not ok]
    body = {name: "ok" if ok else "unreachable" for name, ok in checks.items()}
    return JsonResponse(
        {"status": "fail" if failing else "ok", **body, "failing": failing},
        status=503 if failing else 200,
    )


def _from_this_machine(request: HttpRequest) -> bool:
    try:
        return ip_address(request.META.get("REMOTE_ADDR", "")).is_loopback
    except ValueError:
        return False


def _mail_files(request: HttpRequest) -> list[Path]:
    # Password-reset links are in there: only a developer on this very machine may read them.
    if not settings.DEBUG or not _from_this_machine(request):
        raise Http404
    folder = Path(settings.MAIL_DIR)
    return sorted(folder.glob("*.eml"), reverse=True) if folder.exists() else []


def _parse(path: Path) -> EmailMessage:
    message = email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
    assert isinstance(message, EmailMessage)
    return message


@require_safe
def dev_mail(request: HttpRequest) -> HttpResponse:
    """While DEBUG is on, the emails the app sent, newest first, so a developer can follow
    verification and invitation links without a mail server."""
    files = _mail_files(request)[:50]
    mails = [{"name": path.stem, "message": _parse(path)} for path in files]
    return render(request, "dev/mail.html", {"mails": mails})


@require_safe
def dev_mail_message(request: HttpRequest, name: str) -> HttpResponse:
    path = next((p for p in _mail_files(request) if p.stem == name), None)
    if path is None:
        raise Http404
    message = _parse(path)
    text = message.get_body(preferencelist=("plain",))
    attachments = [part.get_filename() for part in message.iter_attachments()]
    return render(
        request,
        "dev/mail_message.html",
        {
            "message": message,
            "text": text.get_content() if text else "",
            "attachments": attachments,
        },
    )


@require_safe
def dev_components(request: HttpRequest) -> HttpResponse:
    """While DEBUG is on, every piece of Hearth's design on one page (docs/design.md shows it),
    drawn by the real stylesheet and form templates."""
    if not settings.DEBUG:
        raise Http404
    return render(request, "dev/components.html", {"form": ComponentsForm(data={"name": ""})})
