from __future__ import annotations

from functools import partial

from django.http import HttpRequest

from couples import services
from couples.access import member_couple, member_membership


def partner_left_notice(request: HttpRequest) -> bool:
    """Whether this page is the one that tells the member their partner left. Costs nothing
    beyond the membership the page loads anyway, unless there is a notice to show."""
    membership = member_membership(request)
    return membership is not None and services.take_partner_left_notice(membership)


def couple(request: HttpRequest) -> dict[str, object]:
    # Callables, so pages that never show the couple never query for it.
    return {
        "member_couple": partial(member_couple, request),
        "partner_left_notice": partial(partner_left_notice, request),
    }
