from __future__ import annotations

from django.apps import AppConfig


class NoticesConfig(AppConfig):
    name = "notices"
    verbose_name = "Notices"

    def ready(self) -> None:
        from couples.signals import member_left
        from notices import push

        member_left.connect(push.on_member_left, dispatch_uid="notices.push.member_left")
