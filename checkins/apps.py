from __future__ import annotations

from django.apps import AppConfig


class CheckinsConfig(AppConfig):
    name = "checkins"

    def ready(self) -> None:
        from checkins import (
            exports,  # noqa: F401 (registers its export sections)
            services,
        )
        from checkins.models import Entry
        from core import registry
        from couples.signals import member_joined, member_left
        from notices.models import Notice

        member_left.connect(services.on_member_left, dispatch_uid="checkins.member_left")
        member_joined.connect(services.on_member_joined, dispatch_uid="checkins.member_joined")
        registry.readable_through(Notice.Kind.ENTRY, visible_to=Entry.objects.visible_to)
