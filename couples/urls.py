from __future__ import annotations

from allauth.account import views as account_views
from allauth.account.decorators import reauthentication_required
from django.urls import path

from couples import views

urlpatterns = [
    path("", views.home, name="home"),
    path("couple/", views.couple_settings, name="couple"),
    path("couple/new/", views.couple_new, name="couple_new"),
    path("couple/invite/", views.invite, name="invite"),
    path("couple/invitations/<int:pk>/revoke/", views.revoke_invitation, name="revoke_invitation"),
    path("couple/leave/", views.leave, name="leave"),
    path("join/<str:token>/", views.join, name="join"),
    path("settings/", views.personal_settings, name="settings"),
    # allauth's own page, asking for the password again first (allauth asks before email
    # changes and two-factor changes itself); it comes before allauth's URLs, so it answers.
    path(
        "accounts/password/change/",
        reauthentication_required(account_views.password_change, app="allauth.account"),
        name="account_change_password",
    ),
]
