"""The "your partner has shared" email: switching it on or off in settings. The one-click
unsubscribe link every such email carries is served by `core.views.unsubscribe` (see urls.py)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from couples import access
from notices import services
from notices.forms import NoticeEmailForm


@login_required
@require_POST
def notice_email(request: HttpRequest) -> HttpResponse:
    user = access.member(request)
    form = NoticeEmailForm(request.POST)
    email_me = form.is_valid() and form.cleaned_data["email_me"]
    services.set_email_me(user=user, email_me=email_me)
    messages.success(request, _("Saved."))
    return redirect("settings")
