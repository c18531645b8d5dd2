from __future__ import annotations

from django.contrib import admin

from notices.models import EventEmail, NoticeEmail, NotificationPreference


@admin.register(NoticeEmail)
class NoticeEmailAdmin(admin.ModelAdmin[NoticeEmail]):
    list_display = ("recipient", "created_at", "claimed_at", "sent_at")
    raw_id_fields = ("recipient",)


@admin.register(NotificationPreference)
class NotificationPreferenceAdmin(admin.ModelAdmin[NotificationPreference]):
    list_display = ("user", "shared", "agreement", "pause", "reminder", "asked")
    raw_id_fields = ("user",)


@admin.register(EventEmail)
class EventEmailAdmin(admin.ModelAdmin[EventEmail]):
    """What waits or went out about one event: never the words of anyone."""

    list_display = ("recipient", "letter", "created_at", "not_before", "sent_at", "dropped_at")
    list_filter = ("letter",)
    raw_id_fields = ("recipient", "couple")
