"""How a person hears from Hearth: the settings group (saved by htmx in place, or by its Save
button without JavaScript) and the question put to them once. The one-click unsubscribe link
every "something new" email carries is served by `core.views.unsubscribe` (see urls.py).
Push on the installed app: the devices a person enabled it on, adding this one (posted by
static/js/push.js) and removing one."""

from __future__ import annotations

from datetime import time

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe
from django_htmx.middleware import HtmxDetails

from couples import access
from couples.models import User
from notices import push, selectors, services
from notices.forms import SUGGESTED_QUIET, NotificationForm, PushSubscriptionForm
from notices.middleware import remember_asked
from notices.models import Channel, Kind, NotificationPreference, PushSubscription


@login_required
@require_POST
def notification_settings(request: HttpRequest) -> HttpResponse:
    user = access.member(request)
    form = NotificationForm(request.POST, instance=NotificationPreference.of(user))
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
        if "email_each" in request.POST:
            # The one-tap answer, exactly as its button's words say.
            everything = {kind.value: str(Channel.EMAIL) for kind in Kind}
            return _answered(request, user, everything, *SUGGESTED_QUIET)
        form = NotificationForm(request.POST, instance=NotificationPreference.of(user))
        if form.is_valid():
            quiet = form.cleaned_data["quiet_start"], form.cleaned_data["quiet_end"]
            return _answered(request, user, form.channels(), *quiet)
    else:
        form = selectors.notification_form(user, suggest=True)
    ctx = {"form": form, "previews": selectors.PREVIEWS, "quiet": SUGGESTED_QUIET}
    return render(request, "notices/ask.html", ctx)


def _answered(
    request: HttpRequest,
    user: User,
    channels: dict[str, str],
    quiet_start: time | None,
    quiet_end: time | None,
) -> HttpResponse:
    services.save_preferences(
        user=user, channels=channels, quiet_start=quiet_start, quiet_end=quiet_end
    )
    remember_asked(request, True)
    messages.success(request, _("Saved. You can change this any time in your settings."))
    return redirect("home")


class HtmxHttpRequest(HttpRequest):
    htmx: HtmxDetails


def _devices_page(request: HtmxHttpRequest, user: User) -> HttpResponse:
    """The page, or for htmx the section alone (as settings pages include it)."""
    template = "notices/push_devices.html" if request.htmx else "notices/push_devices_page.html"
    return render(request, template, selectors.push_devices(user))


@login_required
@require_safe
def push_devices(request: HtmxHttpRequest) -> HttpResponse:
    """The devices where push is enabled, each removable, and enabling it on this one."""
    return _devices_page(request, access.member(request))


@login_required
@require_POST
def push_subscribe(request: HttpRequest) -> HttpResponse:
    """What the page's script posts once the browser subscribed (static/js/push.js)."""
    if not push.offered():
        raise Http404
    user = access.member(request)
    form = PushSubscriptionForm.from_json(request.body)
    if not form.is_valid():
        return JsonResponse({"errors": form.errors}, status=400)
    done = push.subscribe(
        user=user,
        endpoint=form.cleaned_data["endpoint"],
        p256dh=form.cleaned_data["p256dh"],
        auth=form.cleaned_data["auth"],
        user_agent=request.headers.get("User-Agent", ""),
    )
    return JsonResponse({"device": done.subscription.device}, status=201 if done.created else 200)


@login_required
@require_POST
def push_device_remove(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    user = access.member(request)
    push.remove(subscription=get_object_or_404(PushSubscription.objects.of(user), pk=pk))
    if request.htmx:
        return _devices_page(request, user)
    messages.success(request, _("That device gets no more notifications."))
    return redirect("push_devices")
