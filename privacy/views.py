"""The export page, its two downloads, and deleting one's account. Each asks for the password
again (allauth's re-authentication) when it was last entered more than a few minutes ago: a stale
session is sent to enter it and comes back to where it was going."""

from __future__ import annotations

from collections.abc import Callable, Iterator

from allauth.account.decorators import reauthentication_required
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_safe

from couples import access
from privacy import export as exporting
from privacy import services
from privacy.forms import DeleteAccountForm


@login_required
@require_safe
@reauthentication_required  # type: ignore[untyped-decorator]  # allauth ships no types
@never_cache
def export(request: HttpRequest) -> HttpResponse:
    return render(request, "privacy/export.html", {"couple": access.member_couple(request)})


def _download(
    request: HttpRequest,
    write: Callable[[exporting.Reader], Iterator[bytes]],
    extension: str,
    content_type: str,
) -> StreamingHttpResponse:
    reader = exporting.Reader.of(access.member(request), access.member_membership(request))
    response = StreamingHttpResponse(write(reader), content_type=content_type)
    response["Content-Disposition"] = content_disposition_header(
        as_attachment=True, filename=reader.filename(extension)
    )
    return response


@login_required
@require_safe
@reauthentication_required  # type: ignore[untyped-decorator]  # allauth ships no types
@never_cache
def export_json(request: HttpRequest) -> StreamingHttpResponse:
    return _download(request, exporting.json_export, "json", "application/json; charset=utf-8")


@login_required
@require_safe
@reauthentication_required  # type: ignore[untyped-decorator]  # allauth ships no types
@never_cache
def export_html(request: HttpRequest) -> StreamingHttpResponse:
    return _download(request, exporting.html_export, "html", "text/html; charset=utf-8")


@login_required
@reauthentication_required  # type: ignore[untyped-decorator]  # allauth ships no types
@require_http_methods(["GET", "HEAD", "POST"])
def delete_account(request: HttpRequest) -> HttpResponse:
    user = access.member(request)
    form = DeleteAccountForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        services.delete_account(user=user)
        logout(request)
        messages.success(
            request, _("Your account is deleted. Thank you for the time you spent here.")
        )
        return redirect("home")
    ctx = {"form": form, "couple": access.member_couple(request)}
    return render(request, "privacy/delete.html", ctx)
