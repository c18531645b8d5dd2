from __future__ import annotations

from django.apps import AppConfig


class CouplesConfig(AppConfig):
    name = "couples"
    verbose_name = "Couples"

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in

        from couples import middleware

        user_logged_in.connect(middleware.on_login, dispatch_uid="couples.time_zone")
