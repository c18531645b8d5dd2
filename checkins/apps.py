from __future__ import annotations

from django.apps import AppConfig


class CheckinsConfig(AppConfig):
    name = "checkins"

    def ready(self) -> None:
        from checkins import (
            exports,  # noqa: F401 (registers its export sections)
            services,
        )
        from couples.signals import member_joined, member_left

        member_left.connect(services.on_member_left, dispatch_uid="checkins.member_left")
        member_joined.connect(services.on_member_joined, dispatch_uid="checkins.member_joined")
