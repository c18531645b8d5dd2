from __future__ import annotations

from django.apps import AppConfig


class SchedulesConfig(AppConfig):
    name = "schedules"

    def ready(self) -> None:
        from couples.signals import couple_created, member_left
        from schedules import (
            exports,  # noqa: F401 (registers its export sections)
            services,
        )

        couple_created.connect(services.on_couple_created, dispatch_uid="schedules.weekly_checkin")
        member_left.connect(services.on_member_left, dispatch_uid="schedules.member_left")
