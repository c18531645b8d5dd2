from __future__ import annotations

from django.contrib import admin
from django.urls import include, path

from config import pwa, views

urlpatterns = [
    path("", include("couples.urls")),
    path("", include("toolkit.urls")),
    path("", include("agreements.urls")),
    path("", include("checkins.urls")),
    path("", include("schedules.urls")),
    path("", include("privacy.urls")),
    path("", include("notices.urls")),
    path("accounts/", include("allauth.urls")),
    path("healthz/", views.healthz, name="healthz"),
    path("manifest.webmanifest", pwa.manifest, name="manifest"),
    path("sw.js", pwa.service_worker, name="service_worker"),
    path("offline/", pwa.offline, name="offline"),
    path("dev/mail/", views.dev_mail, name="dev_mail"),
    path("dev/components/", views.dev_components, name="dev_components"),
    path("dev/mail/<str:name>/", views.dev_mail_message, name="dev_mail_message"),
    path("admin/", admin.site.urls),
]
