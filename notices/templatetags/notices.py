from __future__ import annotations

from typing import Any

from django import template

from notices.selectors import PREVIEWS, notification_form, push_devices

register = template.Library()


@register.inclusion_tag("notices/settings_group.html", takes_context=True)
def notification_settings(context: template.Context) -> dict[str, Any]:
    """The notification settings group for /settings/."""
    return {
        "form": notification_form(context["user"]),
        "previews": PREVIEWS,
        "csrf_token": context.get("csrf_token"),
    }


@register.inclusion_tag("notices/push_devices.html", takes_context=True)
def push_devices_setting(context: template.Context) -> dict[str, Any]:
    """The devices where push is enabled, for a settings page: `{% push_devices_setting %}`."""
    return {
        **push_devices(context["user"]),
        "csrf_token": context.get("csrf_token"),
        "csp_nonce": context.get("csp_nonce"),
    }
