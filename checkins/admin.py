from __future__ import annotations

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest

from checkins.models import CheckIn, Entry, Prompt, Reflection


@admin.register(CheckIn)
class CheckInAdmin(admin.ModelAdmin[CheckIn]):
    list_display = ("couple", "week_start", "revealed_at", "closed_at")
    raw_id_fields = ("couple", "next_step_by")
    # What partners write is theirs; the admin shows the shape of a week, not its words.
    exclude = ("next_step",)


@admin.register(Entry)
class EntryAdmin(admin.ModelAdmin[Entry]):
    list_display = ("checkin", "author", "updated_at", "shared_at")
    raw_id_fields = ("checkin", "author")
    fields = ("checkin", "author", "updated_at", "shared_at", "edited_after_sharing_at")
    readonly_fields = fields


@admin.register(Reflection)
class ReflectionAdmin(admin.ModelAdmin[Reflection]):
    list_display = ("entry", "listener", "created_at", "answer")
    raw_id_fields = ("entry", "listener")
    fields = ("entry", "listener", "created_at", "answer", "answered_at")
    readonly_fields = fields


@admin.register(Prompt)
class PromptAdmin(admin.ModelAdmin[Prompt]):
    """Hearth's own library. A couple's own prompts are their words and stay out of the admin."""

    list_display = ("text", "category")
    list_filter = ("category",)
    search_fields = ("text",)
    fields = ("category", "text")

    def get_queryset(self, request: HttpRequest) -> QuerySet[Prompt]:
        return super().get_queryset(request).filter(couple__isnull=True)
