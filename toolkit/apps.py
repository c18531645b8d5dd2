from __future__ import annotations

from django.apps import AppConfig


class ToolkitConfig(AppConfig):
    name = "toolkit"
    verbose_name = "Toolkit"

    def ready(self) -> None:
        from couples.signals import couple_created, member_left
        from toolkit import (
            exports,  # noqa: F401 (registers its export sections)
            services,
        )

        couple_created.connect(services.seed_toolkit_on_creation, dispatch_uid="toolkit.seed")
        member_left.connect(services.on_member_left, dispatch_uid="toolkit.member_left")
