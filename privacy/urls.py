from __future__ import annotations

from django.urls import path

from privacy import views

urlpatterns = [
    path("settings/delete/", views.delete_account, name="delete_account"),
]
