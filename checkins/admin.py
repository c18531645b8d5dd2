from __future__ import annotations

from django.contrib import admin

from checkins.models import CheckIn, Entry, Reflection


@admin.register(CheckIn)
class CheckInAdmin(admin.ModelAdmin):
    list_display = ("couple", "week_start", "revealed_at", "closed_at")
    raw_id_fields = ("couple", "next_step_by")
    # What partners write is theirs; the admin shows the shape of a week, not its words.
    exclude = ("next_step",)


@admin.register(Entry)
class EntryAdmin(admin.ModelAdmin):
    list_display = ("checkin", "author", "updated_at", "shared_at")
    raw_id_fields = ("checkin", "author")
    fields = ("checkin", "author", "updated_at", "shared_at", "edited_after_sharing_at")
    readonly_fields = fields


@admin.register(Reflection)
class ReflectionAdmin(admin.ModelAdmin):
    list_display = ("entry", "listener", "created_at", "answer")
    raw_id_fields = ("entry", "listener")
    fields = ("entry", "listener", "created_at", "answer", "answered_at")
    readonly_fields = fields
