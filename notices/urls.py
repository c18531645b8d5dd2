from __future__ import annotations

from django.urls import path

from core.views import unsubscribe
from notices import services, views

urlpatterns = [
    path("settings/notice-email/", views.notice_email, name="notice_email"),
    path(
        "settings/notice-email/unsubscribe/<str:token>/",
        unsubscribe,
        {"what": services.NOTICE_EMAILS},
        name="notice_unsubscribe",
    ),
]
