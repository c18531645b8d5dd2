from __future__ import annotations

from typing import Any

from django import template

from notices.forms import NoticeEmailForm
from notices.models import NoticePreference

register = template.Library()


@register.inclusion_tag("notices/settings_section.html", takes_context=True)
def notice_email_setting(context: template.Context) -> dict[str, Any]:
    user = context["user"]
    return {
        "form": NoticeEmailForm(initial={"email_me": NoticePreference.wants_email(user)}),
        "csrf_token": context.get("csrf_token"),
    }
