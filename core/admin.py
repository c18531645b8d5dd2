from __future__ import annotations

from django.contrib import admin

from core.models import ActivityEntry


@admin.register(ActivityEntry)
class ActivityEntryAdmin(admin.ModelAdmin[ActivityEntry]):
    list_display = ("couple", "actor", "message", "created_at")
    raw_id_fields = ("couple", "actor")
