from __future__ import annotations

from django.apps import AppConfig


class ToolkitConfig(AppConfig):
    name = "toolkit"
    verbose_name = "Toolkit"

    def ready(self) -> None:
        from couples.signals import couple_created
        from toolkit import (
            exports,  # noqa: F401 (registers its export sections)
            services,
        )

        couple_created.connect(services.seed_toolkit_on_creation, dispatch_uid="toolkit.seed")
