from __future__ import annotations

from django.apps import AppConfig


class SchedulesConfig(AppConfig):
    name = "schedules"

    def ready(self) -> None:
        from couples.signals import couple_created
        from schedules import services

        couple_created.connect(services.on_couple_created, dispatch_uid="schedules.weekly_checkin")
