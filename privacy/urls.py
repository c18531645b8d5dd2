from __future__ import annotations

from django.urls import URLPattern, path

from privacy import views

urlpatterns: list[URLPattern] = [
    path("settings/export/", views.export, name="export"),
    path("settings/export/hearth.json", views.export_json, name="export_json"),
    path("settings/export/hearth.html", views.export_html, name="export_html"),
    path("settings/delete/", views.delete_account, name="delete_account"),
]
