from __future__ import annotations

from typing import Any

from django import template

from notices.selectors import notice_email_form, push_devices

register = template.Library()


@register.inclusion_tag("notices/settings_section.html", takes_context=True)
def notice_email_setting(context: template.Context) -> dict[str, Any]:
    return {"form": notice_email_form(context["user"]), "csrf_token": context.get("csrf_token")}


@register.inclusion_tag("notices/push_devices.html", takes_context=True)
def push_devices_setting(context: template.Context) -> dict[str, Any]:
    """The devices where push is enabled, for a settings page: `{% push_devices_setting %}`."""
    return {
        **push_devices(context["user"]),
        "csrf_token": context.get("csrf_token"),
        "csp_nonce": context.get("csp_nonce"),
    }
