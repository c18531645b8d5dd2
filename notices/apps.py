from __future__ import annotations

from django.apps import AppConfig


class NoticesConfig(AppConfig):
    name = "notices"
    verbose_name = "Notices"

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in

        from core import registry
        from couples.signals import member_left
        from notices import (
            exports,  # noqa: F401 (registers its export part)
            middleware,
            push,
            selectors,
        )
        from notices.models import Unread

        user_logged_in.connect(middleware.on_login, dispatch_uid="notices.asked")
        member_left.connect(push.on_member_left, dispatch_uid="notices.push.member_left")
        for area in Unread.Area.values:
            registry.MEMBERSHIP_ANNOTATIONS[f"unread_{area}"] = selectors.unread_annotation(area)
