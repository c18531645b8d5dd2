"""The one-click unsubscribe page every email that can be stopped links to (core/unsubscribe.py)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from core.unsubscribe import Unsubscribe


@csrf_exempt
@require_http_methods(["GET", "HEAD", "POST"])
def unsubscribe(request: HttpRequest, token: str, what: Unsubscribe) -> HttpResponse:
    """The link in an email's List-Unsubscribe header. A mail app's one-click POST (RFC 8058)
    stops the email at once; a person who opens the link gets a page to confirm. Exempt from CSRF
    because mail apps post without a token; the signed link is the credential."""
    ctx: dict[str, object] = {"kind": what.name}
    key = what.read(token)
    if key is None:
        return render(request, "core/unsubscribe.html", {**ctx, "problem": "invalid"}, status=400)
    described = what.describe(key)
    if described is None:
        return render(request, "core/unsubscribe.html", {**ctx, "problem": "gone"}, status=404)
    ctx.update(described)
    if request.method == "POST":
        ctx["outcome"] = "turned_off" if what.turn_off(key) else "already_off"
    elif what.is_off(key):
        ctx["outcome"] = "already_off"
    return render(request, "core/unsubscribe.html", ctx)
