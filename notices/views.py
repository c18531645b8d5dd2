"""How a person hears from Hearth: the settings group (saved by htmx in place, or by its Save
button without JavaScript) and the question put to them once. The one-click unsubscribe link
every "something new" email carries is served by `core.views.unsubscribe` (see urls.py)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from couples import access
from notices import selectors, services
from notices.forms import NotificationForm
from notices.middleware import remember_asked


@login_required
@require_POST
def notification_settings(request: HttpRequest) -> HttpResponse:
    user = access.member(request)
    form = NotificationForm(request.POST)
    if form.is_valid():
        services.save_preferences(
            user=user,
            channels=form.channels(),
            quiet_start=form.cleaned_data["quiet_start"],
            quiet_end=form.cleaned_data["quiet_end"],
        )
        remember_asked(request, True)
    if getattr(request, "htmx", False):
        ctx = {"form": form, "saved": form.is_valid(), "previews": selectors.PREVIEWS}
        return render(request, "notices/settings_group.html", ctx)
    if not form.is_valid():
        messages.error(
            request,
            _("Your notification choices were not saved: %(errors)s")
            % {"errors": " ".join(str(e) for errors in form.errors.values() for e in errors)},
        )
        return redirect("settings")
    messages.success(request, _("Saved."))
    return redirect("settings")


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def ask(request: HttpRequest) -> HttpResponse:
    """How do you want to hear from your partner? Put once; every answer is the person's."""
    user = access.member(request)
    if access.member_couple(request) is None:
        return redirect("home")
    if request.method == "POST":
        if "later" in request.POST:
            services.decide_later(user=user)
            remember_asked(request, True)
            return redirect("home")
        form = NotificationForm(request.POST)
        if form.is_valid():
            services.save_preferences(
                user=user,
                channels=form.channels(),
                quiet_start=form.cleaned_data["quiet_start"],
                quiet_end=form.cleaned_data["quiet_end"],
            )
            remember_asked(request, True)
            messages.success(request, _("Saved. You can change this any time in your settings."))
            return redirect("home")
    else:
        form = selectors.notification_form(user, suggest=True)
    ctx = {"form": form, "previews": selectors.PREVIEWS}
    return render(request, "notices/ask.html", ctx)
