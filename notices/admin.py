from __future__ import annotations

from django.contrib import admin

from notices.models import NoticeEmail


@admin.register(NoticeEmail)
class NoticeEmailAdmin(admin.ModelAdmin[NoticeEmail]):
    list_display = ("recipient", "created_at", "claimed_at", "sent_at")
    raw_id_fields = ("recipient",)
