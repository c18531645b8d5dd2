from __future__ import annotations

from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from couples.access import member_membership
from notices import selectors


def unread(request: HttpRequest) -> dict[str, object]:
    """`unread`: what is new to the signed-in reader, per area and under "all". Lazy, so a page
    that shows no marker never asks; the counts ride on the membership query every page makes."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"unread": {}}
    return {"unread": SimpleLazyObject(lambda: selectors.unread_of(member_membership(request)))}
