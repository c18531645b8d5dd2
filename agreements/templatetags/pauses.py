from __future__ import annotations

from typing import Any

from django import template

from agreements.forms import PauseEmailForm
from agreements.models import PauseEmailPreference

register = template.Library()


@register.inclusion_tag("agreements/pause_email_setting.html", takes_context=True)
def pause_email_setting(context: template.Context) -> dict[str, Any]:
    user = context["user"]
    email_me = PauseEmailPreference.objects.filter(user=user, email_me=True).exists()
    return {
        "form": PauseEmailForm(initial={"email_me": email_me}),
        "csrf_token": context.get("csrf_token"),
    }
