from __future__ import annotations

from django.urls import path

from agreements import views

urlpatterns = [
    path("pause/", views.pause, name="pause"),
    path("pause/banner/", views.pause_banner, name="pause_banner"),
    path("pause/<int:pk>/extend/", views.pause_extend, name="pause_extend"),
    path("pause/<int:pk>/end/", views.pause_end, name="pause_end"),
    path("pause/<int:pk>/ready/", views.pause_ready, name="pause_ready"),
    path("settings/pause-email/", views.pause_email, name="pause_email"),
]
