from __future__ import annotations

from django.urls import path

from core.views import unsubscribe
from schedules import services, views

urlpatterns = [
    path("schedule/", views.schedule_list, name="schedule"),
    path("schedule/new/", views.schedule_new, name="schedule_new"),
    path("schedule/<int:pk>/", views.schedule_edit, name="schedule_edit"),
    path("schedule/<int:pk>/pause/", views.schedule_pause, name="schedule_pause"),
    path("schedule/<int:pk>/delete/", views.schedule_delete, name="schedule_delete"),
    path("schedule/reminders/", views.reminder_choices, name="reminder_choices"),
    path("schedule/calendar-link/", views.calendar_link, name="calendar_link"),
    path(
        "schedule/unsubscribe/<str:token>/",
        unsubscribe,
        {"what": services.REMINDERS},
        name="unsubscribe",
    ),
    path("calendar/<slug:token>.ics", views.calendar_feed, name="calendar_feed"),
]
