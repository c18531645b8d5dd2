from __future__ import annotations

from django.urls import path

from toolkit import views

urlpatterns = [
    path("toolkit/", views.toolkit, name="toolkit"),
    path("toolkit/words/", views.phrases, name="toolkit_phrases"),
    path("toolkit/words/<int:pk>/", views.phrase_edit, name="toolkit_phrase_edit"),
    path("toolkit/words/<int:pk>/move/", views.phrase_move, name="toolkit_phrase_move"),
    path("toolkit/words/<int:pk>/retire/", views.phrase_retire, name="toolkit_phrase_retire"),
    path("toolkit/words/<int:pk>/restore/", views.phrase_restore, name="toolkit_phrase_restore"),
    path("toolkit/scripts/", views.scripts, name="toolkit_scripts"),
    path("toolkit/scripts/<int:pk>/", views.script_edit, name="toolkit_script_edit"),
    path("toolkit/scripts/<int:pk>/share/", views.script_share, name="toolkit_script_share"),
    path("toolkit/scripts/<int:pk>/delete/", views.script_delete, name="toolkit_script_delete"),
    path("toolkit/therapy/", views.topics, name="toolkit_topics"),
    path("toolkit/therapy/agenda/", views.topics_agenda, name="toolkit_agenda"),
    path("toolkit/therapy/agenda.txt", views.topics_agenda_text, name="toolkit_agenda_text"),
    path("toolkit/therapy/<int:pk>/", views.topic_edit, name="toolkit_topic_edit"),
    path(
        "toolkit/therapy/<int:pk>/discussed/",
        views.topic_discussed,
        name="toolkit_topic_discussed",
    ),
    path("toolkit/therapy/<int:pk>/delete/", views.topic_delete, name="toolkit_topic_delete"),
    path("toolkit/repairs/", views.repairs, name="toolkit_repairs"),
    path("toolkit/repairs/<int:pk>/", views.repair, name="toolkit_repair"),
    path(
        "toolkit/repairs/<int:pk>/followed-up/",
        views.repair_followed_up,
        name="toolkit_repair_followed_up",
    ),
    path("toolkit/values/", views.values, name="toolkit_values"),
    path("toolkit/values/<int:pk>/", views.value_edit, name="toolkit_value_edit"),
    path("toolkit/values/<int:pk>/remove/", views.value_remove, name="toolkit_value_remove"),
]
