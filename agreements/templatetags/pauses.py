from __future__ import annotations

from typing import Any

from django import template

from agreements.selectors import pause_email_form

register = template.Library()


@register.inclusion_tag("agreements/pause_email_setting.html", takes_context=True)
def pause_email_setting(context: template.Context) -> dict[str, Any]:
    return {"form": pause_email_form(context["user"]), "csrf_token": context.get("csrf_token")}
