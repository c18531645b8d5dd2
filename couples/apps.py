from __future__ import annotations

from django.apps import AppConfig


class CouplesConfig(AppConfig):
    name = "couples"
    verbose_name = "Couples"

    def ready(self) -> None:
        from couples import services
        from couples.signals import couple_created

        couple_created.connect(
            services.seed_toolkit_on_creation, dispatch_uid="couples.seed_toolkit"
        )
