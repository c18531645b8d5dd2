from __future__ import annotations

from django.apps import AppConfig


class NoticesConfig(AppConfig):
    name = "notices"
    verbose_name = "Notices"

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in

        from notices import (
            exports,  # noqa: F401 (registers its export part)
            middleware,
        )

        user_logged_in.connect(middleware.on_login, dispatch_uid="notices.asked")
