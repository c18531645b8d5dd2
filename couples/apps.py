from __future__ import annotations

from django.apps import AppConfig


class CouplesConfig(AppConfig):
    name = "couples"
    verbose_name = "Couples"

    def ready(self) -> None:
        from allauth.account.signals import password_changed, password_reset, password_set
        from django.contrib.auth.signals import user_logged_in

        from couples import (
            exports,  # noqa: F401 (registers its export sections)
            middleware,
            services,
        )

        user_logged_in.connect(middleware.on_login, dispatch_uid="couples.time_zone")
        for name, signal in [
            ("changed", password_changed),
            ("set", password_set),
            ("reset", password_reset),
        ]:
            signal.connect(services.end_other_sessions, dispatch_uid=f"couples.sessions.{name}")
