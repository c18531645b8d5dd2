from __future__ import annotations

from typing import Any

from django import template

from notices.selectors import notice_email_form

register = template.Library()


@register.inclusion_tag("notices/settings_section.html", takes_context=True)
def notice_email_setting(context: template.Context) -> dict[str, Any]:
    return {"form": notice_email_form(context["user"]), "csrf_token": context.get("csrf_token")}
