"""`{% who person %}`: who wrote this, as the reader knows them (`core.who`). The template's
context holds `user` (the reader) and `members`, the people in their couple now, which the view
passes from `couples.access.current_partners`: the tag reads no row."""

from __future__ import annotations

from django import template

from core.who import Who, who
from couples.models import User

register = template.Library()


@register.simple_tag(takes_context=True, name="who")
def who_tag(context: template.Context, person: User | int | None) -> Who:
    """The person's name (the reader's own included) or "A former partner"; with
    `{% who person as by %}`, `by.you`, `by.here` and `by.name` ("You" for the reader)."""
    # A page without `members` would call everyone a former partner: it fails loudly instead.
    members: list[User] = context["members"]
    return who(person, reader_id=context["user"].pk, members=members)
