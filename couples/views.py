from __future__ import annotations

from allauth.account.decorators import reauthentication_required
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from core.errors import RefusedError
from core.models import ActivityEntry
from couples import access, services
from couples.forms import (
    CoupleForm,
    InviteForm,
    LeaveForm,
    ProfileForm,
)
from couples.middleware import remember_time_zone
from couples.models import Invitation

PENDING_INVITE = "pending_invitation_token"
NEW_INVITE_LINK = "new_invitation_link"


@require_safe
def home(request: HttpRequest) -> HttpResponse:
    if not request.user.is_authenticated:
        return render(request, "couples/landing.html")
    couple = access.member_couple(request)
    if couple is None:
        if token := request.session.get(PENDING_INVITE):
            return redirect("join", token=token)
        return render(request, "couples/onboarding.html")
    return render(
        request,
        "couples/home.html",
        {"couple": couple, "partners": access.current_partners(request)},
    )


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def couple_new(request: HttpRequest) -> HttpResponse:
    user = access.member(request)
    if access.member_couple(request) is not None:
        messages.info(request, _("You already share a space; here it is."))
        return redirect("couple")
    form = CoupleForm(request.POST or None, initial={"time_zone": user.time_zone})
    if request.method == "POST" and form.is_valid():
        try:
            services.create_couple(user=user, **form.cleaned_data)
        except RefusedError as e:
            messages.error(request, str(e))
            return redirect("home")
        messages.success(request, _("Your space is ready. Invite your partner when you're ready."))
        return redirect("couple")
    return render(request, "couples/couple_new.html", {"form": form})


@access.couple_required
@require_http_methods(["GET", "HEAD", "POST"])
def couple_settings(request: HttpRequest) -> HttpResponse:
    couple = access.current_couple(request)
    form = CoupleForm(request.POST or None, instance=couple)
    if request.method == "POST" and form.is_valid():
        services.update_couple(couple=couple, by=access.member(request), **form.cleaned_data)
        messages.success(request, _("Saved."))
        return redirect("couple")
    partners = access.current_partners(request)
    membership = access.current_membership(request)
    activity = ActivityEntry.objects.visible_to(membership)[:20]
    ctx = {
        "couple": couple,
        "form": form,
        "partners": partners,
        "members": partners,
        "activity": activity,
        "invitation": Invitation.objects.visible_to(membership).open(timezone.now()).first(),
        "invite_form": InviteForm(),
        "new_link": request.session.pop(NEW_INVITE_LINK, None),
    }
    return render(request, "couples/couple.html", ctx)


@access.couple_required
@require_POST
def invite(request: HttpRequest) -> HttpResponse:
    user = access.member(request)
    couple = access.current_couple(request)
    form = InviteForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("That email address doesn't look right. Please check it."))
        return redirect("couple")
    try:
        invitation, token = services.invite_partner(
            couple=couple, inviter=user, email=form.cleaned_data["email"]
        )
    except RefusedError as e:
        messages.error(request, str(e))
        return redirect("couple")
    request.session[NEW_INVITE_LINK] = request.build_absolute_uri(f"/join/{token}/")
    if invitation.email:
        messages.success(request, _("Invitation sent to %(email)s.") % {"email": invitation.email})
    return redirect("couple")


@access.couple_required
@require_POST
def revoke_invitation(request: HttpRequest, pk: int) -> HttpResponse:
    user = access.member(request)
    membership = access.current_membership(request)
    invitation = get_object_or_404(Invitation.objects.visible_to(membership), pk=pk)
    services.revoke_invitation(invitation=invitation, by=user)
    messages.success(request, _("The invitation link no longer works."))
    return redirect("couple")


@access.couple_required
@reauthentication_required(app="allauth.account")  # type: ignore[untyped-decorator]  # allauth ships no types
@require_http_methods(["GET", "HEAD", "POST"])
def leave(request: HttpRequest) -> HttpResponse:
    user = access.member(request)
    couple = access.current_couple(request)
    # Bound on every POST: a form with nothing chosen still leaves, telling the partner by email.
    form = LeaveForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        services.leave_couple(user=user, tell_partner=form.cleaned_data["tell_partner"])
        messages.success(request, _("You have left %(name)s.") % {"name": couple.name})
        return redirect("home")
    return render(request, "couples/leave.html", {"couple": couple, "form": form})


@require_http_methods(["GET", "HEAD", "POST"])
def join(request: HttpRequest, token: str) -> HttpResponse:
    invitation = services.find_invitation(token)
    if invitation is None:
        request.session.pop(PENDING_INVITE, None)
        return render(request, "couples/join.html", {"problem": services.UNUSABLE_LINK}, status=404)
    if not request.user.is_authenticated:
        # Remembered across sign-up and email confirmation; the home page brings them back here.
        request.session[PENDING_INVITE] = token
        return render(request, "couples/join.html", {"invitation": invitation})
    user = access.member(request)
    if request.method == "POST":
        try:
            couple = services.accept_invitation(token=token, user=user)
        except RefusedError as e:
            problem = str(e)
        else:
            request.session.pop(PENDING_INVITE, None)
            messages.success(request, _("Welcome to %(name)s.") % {"name": couple.name})
            return redirect("home")
    else:
        problem = services.refusal(invitation, user)
    if problem:
        request.session.pop(PENDING_INVITE, None)
        return render(
            request, "couples/join.html", {"invitation": invitation, "problem": problem}, status=409
        )
    return render(request, "couples/join.html", {"invitation": invitation, "can_accept": True})


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def personal_settings(request: HttpRequest) -> HttpResponse:
    user = access.member(request)
    form = ProfileForm(request.POST or None, instance=user)
    if request.method == "POST" and form.is_valid():
        services.update_profile(user=user, **form.cleaned_data)
        remember_time_zone(request, user.time_zone)
        messages.success(request, _("Saved."))
        return redirect("settings")
    return render(request, "couples/settings.html", {"form": form})
