"""The couple's home as one person reads it (`checkins.selectors.home`)."""

from __future__ import annotations

from django import template

from checkins.selectors import Home, home
from couples import access

register = template.Library()


@register.simple_tag(takes_context=True)
def home_for_reader(context: template.Context) -> Home:
    request = context["request"]
    return home(
        membership=access.current_membership(request), members=access.current_partners(request)
    )
