from __future__ import annotations

from django.apps import AppConfig


class CheckinsConfig(AppConfig):
    name = "checkins"

    def ready(self) -> None:
        from checkins import services
        from couples.signals import couple_created

        couple_created.connect(services.on_couple_created, dispatch_uid="checkins.schedules")
