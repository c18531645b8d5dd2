from __future__ import annotations

from django.urls import path

from core.views import unsubscribe
from notices import events, services, views

urlpatterns = [
    path("settings/notifications/", views.notification_settings, name="notification_settings"),
    path("notifications/ask/", views.ask, name="notifications_ask"),
    path("settings/notifications/devices/", views.push_devices, name="push_devices"),
    path(
        "settings/notifications/devices/subscribe/",
        views.push_subscribe,
        name="push_subscribe",
    ),
    path(
        "settings/notifications/devices/<int:pk>/remove/",
        views.push_device_remove,
        name="push_device_remove",
    ),
    path(
        "settings/notice-email/unsubscribe/<str:token>/",
        unsubscribe,
        {"what": services.NOTICE_EMAILS},
        name="notice_unsubscribe",
    ),
    path(
        "settings/event-email/unsubscribe/<str:token>/",
        unsubscribe,
        {"what": events.EVENT_EMAILS},
        name="event_unsubscribe",
    ),
]
