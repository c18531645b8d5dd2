from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import SESSION_KEY
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from agreements import services
from agreements.forms import ExtendForm, PauseEmailForm, PauseForm
from agreements.models import PauseSignal
from couples import access
from couples.models import Membership, User
from couples.services import RefusedError

RECENT_PAUSES = 20


@access.couple_required
@require_http_methods(["GET", "POST"])
def pause(request: HttpRequest) -> HttpResponse:
    """Start a pause, or, while one is on, the calm page both partners see."""
    assert isinstance(request.user, User)
    couple = access.current_couple(request)
    now = timezone.now()
    partners = access.partners(couple)
    current = services.open_pause(couple, now)
    defaults = services.pause_defaults(couple)
    form = PauseForm(request.POST or None, defaults=defaults, now=now)
    if request.method == "POST" and current is None and form.is_valid():
        try:
            current, started = services.start_pause(
                couple=couple,
                sender=request.user,
                phrase=form.cleaned_data["text"],
                minutes=form.cleaned_data["minutes"],
            )
        except RefusedError as e:
            messages.error(request, str(e))
            return redirect("pause")
        if not started:
            messages.info(request, _("Your partner asked for a pause a moment ago. Here it is."))
        return redirect("pause")
    if request.method == "POST" and current is not None:
        messages.info(request, _("A pause is already on. Here it is."))
        return redirect("pause")
    ctx: dict[str, object] = {
        "couple": couple,
        "pause": current,
        "partners": partners,
        "defaults": defaults,
        "form": form,
        "now": now,
    }
    if current is not None:
        ctx |= {
            "sender_here": current.sender_id in {p.pk for p in partners},
            "is_sender": current.sender_id == request.user.pk,
            "is_due": current.is_due(now),
            "is_ready": current.is_ready(request.user),
            "seconds_left": max(0, int((current.returns_at - now).total_seconds())),
            "extend_form": ExtendForm() if current.can_extend(now) else None,
        }
    else:
        ctx["past"] = couple.pauses.ended()[:RECENT_PAUSES]
    return render(request, "agreements/pause.html", ctx)


def _acting_on(request: HttpRequest, pk: int) -> PauseSignal:
    return access.get_for_couple(PauseSignal.objects.all(), access.current_couple(request), pk=pk)


@access.couple_required
@require_POST
def pause_extend(request: HttpRequest, pk: int) -> HttpResponse:
    assert isinstance(request.user, User)
    signal = _acting_on(request, pk)
    form = ExtendForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose how much longer you need."))
        return redirect("pause")
    try:
        signal = services.extend_pause(
            pause=signal, by=request.user, minutes=form.cleaned_data["minutes"]
        )
    except RefusedError as e:
        messages.error(request, str(e))
        return redirect("pause")
    messages.success(
        request,
        _("The pause now runs until %(time)s.")
        % {"time": services.local_time(signal.returns_at, request.user)},
    )
    return redirect("pause")


@access.couple_required
@require_POST
def pause_end(request: HttpRequest, pk: int) -> HttpResponse:
    assert isinstance(request.user, User)
    try:
        services.end_pause(pause=_acting_on(request, pk), by=request.user)
    except RefusedError as e:
        messages.error(request, str(e))
        return redirect("pause")
    messages.success(request, _("The pause has ended. Welcome back."))
    return redirect("pause")


@access.couple_required
@require_POST
def pause_ready(request: HttpRequest, pk: int) -> HttpResponse:
    assert isinstance(request.user, User)
    try:
        signal = services.ready_to_return(pause=_acting_on(request, pk), user=request.user)
    except RefusedError as e:
        messages.error(request, str(e))
        return redirect("pause")
    if signal.ended_at is not None:
        messages.success(request, _("You're both ready. The pause has ended. Welcome back."))
    return redirect("pause")


def pause_banner(request: HttpRequest) -> HttpResponse:
    """Polled by every page of a paired member. A page sends back the version stamp it was
    given (`v`); while it still matches, the answer is an empty 204 after one query (the
    person's couple). The session comes from the cache and `request.user` is never loaded on
    that path: it tells nothing to anyone, so only a changed state pays for the full check."""
    version = request.GET.get("v")
    user_id = request.session.get(SESSION_KEY)
    if request.method == "GET" and version and user_id:
        couple_id = (
            Membership.objects.filter(user_id=user_id).values_list("couple_id", flat=True).first()
        )
        if couple_id is not None and version == services.pause_version(couple_id):
            return HttpResponse(status=204)
    return _pause_banner(request)


@access.couple_required
@require_http_methods(["GET"])
def _pause_banner(request: HttpRequest) -> HttpResponse:
    assert isinstance(request.user, User)
    couple = access.current_couple(request)
    # Read the stamp before the rows: a change in between makes the next poll look again.
    version = services.pause_version(couple.pk)
    current = services.open_pause(couple, timezone.now())
    ctx: dict[str, object] = {
        "version": version,
        "pause": current,
        "just_ended": current is None and bool(request.GET.get("p")),
    }
    if current is not None:
        ctx["sender_here"] = current.sender_id in {p.pk for p in access.partners(couple)}
    return render(request, "agreements/pause_banner.html", ctx)


@login_required
@require_POST
def pause_email(request: HttpRequest) -> HttpResponse:
    assert isinstance(request.user, User)
    form = PauseEmailForm(request.POST)
    form.is_valid()
    services.set_pause_email(user=request.user, email_me=form.cleaned_data.get("email_me", False))
    messages.success(request, _("Saved."))
    return redirect("settings")
