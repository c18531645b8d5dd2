"""The one way into couple-owned data. Every view resolves the member's place in their couple
here (`current_membership`), and reads every couple-owned object through its model's
`Model.objects.visible_to(membership)`, so another couple's object, and what this member may not
read of their own couple's, is a 404."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _

from core import registry
from couples.models import Couple, Membership, User

View = Callable[..., HttpResponse]

_CACHE_ATTR = "_hearth_membership"
_PARTNERS_ATTR = "_hearth_partners"


def member_membership(request: HttpRequest) -> Membership | None:
    """The signed-in person's place in their couple, or None. Looked up once per request,
    together with both members (`current_partners`): nearly every page names them, and one
    query for both costs a page that does not only one more row."""
    if not request.user.is_authenticated:
        return None
    if not hasattr(request, _CACHE_ATTR):
        both = list(
            Membership.objects.select_related("couple", "user")
            .annotate(**{name: make() for name, make in registry.MEMBERSHIP_ANNOTATIONS.items()})
            .filter(couple__memberships__user_id=request.user.pk)
            .order_by("joined_at", "id")
        )
        membership = next((m for m in both if m.user_id == request.user.pk), None)
        setattr(request, _CACHE_ATTR, membership)
        setattr(request, _PARTNERS_ATTR, [m.user for m in both])
    found: Membership | None = getattr(request, _CACHE_ATTR)
    return found


def member_couple(request: HttpRequest) -> Couple | None:
    """The signed-in person's couple, or None. Looked up once per request."""
    membership = member_membership(request)
    return membership.couple if membership else None


def member(request: HttpRequest) -> User:
    """The signed-in person of a view wrapped in `login_required` or `couple_required`."""
    assert isinstance(request.user, User)
    return request.user


def current_couple(request: HttpRequest) -> Couple:
    """The couple of a view wrapped in `couple_required`."""
    couple = member_couple(request)
    if couple is None:
        raise Http404
    return couple


def current_membership(request: HttpRequest) -> Membership:
    """The membership of a view wrapped in `couple_required`: its `joined_at` bounds what the
    person may read of what was shared in the couple before they joined."""
    membership = member_membership(request)
    if membership is None:
        raise Http404
    return membership


def couple_required(view: View) -> View:
    """Sign-in required; a signed-in person without a couple is sent to create or join one."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if member_couple(request) is None:
            messages.info(
                request, _("Create your shared space first, or open your invitation link.")
            )
            return redirect("home")
        return view(request, *args, **kwargs)

    return login_required(wrapper)


def current_partners(request: HttpRequest) -> list[User]:
    """Both members of the couple of a view wrapped in `couple_required`, as `partners` gives
    them, read with the membership itself."""
    current_membership(request)
    found: list[User] = getattr(request, _PARTNERS_ATTR)
    return found


def partners(couple: Couple) -> list[User]:
    """Both members, oldest first (the first is whoever made the space or joined first)."""
    return [m.user for m in couple.memberships.select_related("user").order_by("joined_at", "id")]
