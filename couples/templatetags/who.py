"""`{% who person %}`: who wrote this, as the reader knows them (`core.who`). The template's
context holds `user` (the reader) and `members`, the people in their couple now, which the view
passes from `couples.access.current_partners`: the tag reads no row."""

from __future__ import annotations

from typing import Any

from django import template

from core.who import Who, who
from couples.models import User

register = template.Library()


@register.simple_tag(takes_context=True, name="who")
def who_tag(context: template.Context, person: User | int | None) -> Who:
    """The person's name (the reader's own included) or "A former partner"; with
    `{% who person as by %}`, `by.you`, `by.here` and `by.name` ("You" for the reader)."""
    reader: Any = context.get("user")
    return who(person, reader_id=getattr(reader, "pk", None), members=context.get("members") or ())
