"""Toolkit pieces shown on pages that other apps own: the couple's values on the home page."""

from __future__ import annotations

from typing import Any

from django import template

from couples.models import Couple
from toolkit.selectors import shared_values

register = template.Library()


@register.inclusion_tag("toolkit/home_values.html")
def our_values(couple: Couple) -> dict[str, Any]:
    return {"values": shared_values(couple)}
