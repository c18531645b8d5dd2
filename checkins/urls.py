from __future__ import annotations

from django.urls import path

from checkins import views

urlpatterns = [
    path("checkins/", views.history, name="checkins"),
    path("checkins/this-week/", views.this_week, name="checkin_this_week"),
    path("checkins/<str:week>/", views.week, name="checkin_week"),
    path("checkins/<str:week>/entry/", views.entry, name="checkin_entry"),
    path("checkins/<str:week>/status/", views.status, name="checkin_status"),
    path("checkins/<str:week>/entries/<int:pk>/reflect/", views.reflect, name="checkin_reflect"),
    path("checkins/<str:week>/entries/<int:pk>/resolve/", views.resolve, name="checkin_resolve"),
    path(
        "checkins/<str:week>/entries/<int:pk>/bring-back/",
        views.bring_back,
        name="checkin_bring_back",
    ),
    path("checkins/<str:week>/reflections/<int:pk>/answer/", views.answer, name="checkin_answer"),
    path("checkins/<str:week>/reflections/<int:pk>/reply/", views.reply, name="checkin_reply"),
    path("checkins/<str:week>/next-step/", views.propose_step, name="checkin_next_step"),
    path("checkins/<str:week>/next-step/agree/", views.agree_step, name="checkin_agree"),
    path("checkins/<str:week>/prompt/", views.week_prompt, name="checkin_prompt"),
    path("prompts/", views.prompts, name="prompts"),
    path("prompts/<int:pk>/", views.prompt_mark, name="prompt_mark"),
]
