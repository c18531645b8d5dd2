from __future__ import annotations

from django.contrib import admin

from schedules.models import ReminderDelivery, Schedule


@admin.register(Schedule)
class ScheduleAdmin(admin.ModelAdmin[Schedule]):
    list_display = ("title", "couple", "rrule", "start_time", "time_zone", "next_reminder_at")
    raw_id_fields = ("couple",)


@admin.register(ReminderDelivery)
class ReminderDeliveryAdmin(admin.ModelAdmin[ReminderDelivery]):
    list_display = ("schedule", "occurrence_start", "recipient", "offset_minutes", "status")
    list_filter = ("status",)
    raw_id_fields = ("schedule", "recipient")
