"""The "your partner has shared" email: switching it on or off in settings. The one-click
unsubscribe link every such email carries is served by `core.views.unsubscribe` (see urls.py).
Push on the installed app: the devices a person enabled it on, adding this one (posted by
static/js/push.js) and removing one."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe
from django_htmx.middleware import HtmxDetails

from couples import access
from couples.models import User
from notices import push, selectors, services
from notices.forms import NoticeEmailForm, PushSubscriptionForm
from notices.models import PushSubscription


@login_required
@require_POST
def notice_email(request: HttpRequest) -> HttpResponse:
    user = access.member(request)
    form = NoticeEmailForm(request.POST)
    email_me = form.is_valid() and form.cleaned_data["email_me"]
    services.set_email_me(user=user, email_me=email_me)
    messages.success(request, _("Saved."))
    return redirect("settings")


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
