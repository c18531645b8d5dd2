"""The "your partner has shared" email: switching it on or off in settings, and the one-click
unsubscribe link every such email carries."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST

from couples import access
from notices import services
from notices.forms import NoticeEmailForm
from notices.models import NoticePreference


@login_required
@require_POST
def notice_email(request: HttpRequest) -> HttpResponse:
    user = access.member(request)
    form = NoticeEmailForm(request.POST)
    email_me = form.is_valid() and form.cleaned_data["email_me"]
    services.set_email_me(user=user, email_me=email_me)
    messages.success(request, _("Saved."))
    return redirect("settings")


@csrf_exempt
@require_http_methods(["GET", "HEAD", "POST"])
def unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    """The link in the email's List-Unsubscribe header. A mail app's one-click POST (RFC 8058)
    switches the email off at once; a person who opens the link gets a page to confirm. Exempt
    from CSRF because mail apps post without a token; the signed link is the credential."""
    user_id = services.read_unsubscribe_token(token)
    if user_id is None:
        problem = _(
            "This link isn't valid. Check that it was copied whole, or switch the email off in "
            "your settings."
        )
        return render(request, "notices/unsubscribe.html", {"problem": problem}, status=400)
    ctx: dict[str, object] = {}
    if request.method == "POST":
        ctx["outcome"] = "turned_off" if services.turn_off(user_id=user_id) else "already_off"
    elif not NoticePreference.objects.filter(user_id=user_id, email_me=True).exists():
        ctx["outcome"] = "already_off"
    return render(request, "notices/unsubscribe.html", ctx)
