from __future__ import annotations

from django.urls import path

from notices import views

urlpatterns = [
    path("settings/notice-email/", views.notice_email, name="notice_email"),
    path(
        "settings/notice-email/unsubscribe/<str:token>/",
        views.unsubscribe,
        name="notice_unsubscribe",
    ),
]
