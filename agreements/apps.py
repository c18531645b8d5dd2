from __future__ import annotations

from django.apps import AppConfig


class AgreementsConfig(AppConfig):
    name = "agreements"

    def ready(self) -> None:
        from django.db.models.signals import post_delete, post_save

        from agreements import (
            banner,
            exports,  # noqa: F401 (registers its export sections)
            services,
        )
        from agreements.models import AgreementVersion
        from core import registry
        from couples.signals import member_joined, member_left
        from notices.models import Notice
        from toolkit.models import TriggerScript

        member_left.connect(services.on_member_left, dispatch_uid="agreements.member_left")
        member_joined.connect(services.on_member_joined, dispatch_uid="agreements.member_joined")
        registry.readable_through(
            Notice.Kind.PROPOSAL,
            Notice.Kind.ANSWER,
            visible_to=AgreementVersion.objects.visible_to,
        )

        # The pause banner shows the sender's shared trigger scripts; the toolkit app does not
        # need to know that.
        for signal in (post_save, post_delete):
            signal.connect(
                banner.script_changed,
                sender=TriggerScript,
                dispatch_uid=f"agreements.script_changed.{signal is post_save}",
            )
