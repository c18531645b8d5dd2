from __future__ import annotations

from typing import Any

from django import template

from notices.selectors import PREVIEWS, notification_form

register = template.Library()


@register.inclusion_tag("notices/settings_group.html", takes_context=True)
def notification_settings(context: template.Context) -> dict[str, Any]:
    """The notification settings group for /settings/."""
    return {
        "form": notification_form(context["user"]),
        "previews": PREVIEWS,
        "csrf_token": context.get("csrf_token"),
    }
