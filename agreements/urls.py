from __future__ import annotations

from django.urls import path

from agreements import views

urlpatterns = [
    path("agreements/", views.agreement_list, name="agreements"),
    path("agreements/new/", views.agreement_new, name="agreement_new"),
    path("agreements/<int:pk>/", views.agreement_detail, name="agreement"),
    path("agreements/<int:pk>/propose/", views.agreement_propose, name="agreement_propose"),
    path("agreements/<int:pk>/retire/", views.agreement_retire, name="agreement_retire"),
    path("agreements/<int:pk>/accept/", views.agreement_accept, name="agreement_accept"),
    path("agreements/<int:pk>/decline/", views.agreement_decline, name="agreement_decline"),
    path("agreements/<int:pk>/withdraw/", views.agreement_withdraw, name="agreement_withdraw"),
    path("agreements/<int:pk>/compare/", views.agreement_compare, name="agreement_compare"),
    path("pause/", views.pause, name="pause"),
    path("pause/banner/", views.pause_banner, name="pause_banner"),
    path("pause/<int:pk>/extend/", views.pause_extend, name="pause_extend"),
    path("pause/<int:pk>/end/", views.pause_end, name="pause_end"),
    path("pause/<int:pk>/ready/", views.pause_ready, name="pause_ready"),
    path("pause/<int:pk>/take-your-time/", views.pause_take_time, name="pause_take_time"),
]
