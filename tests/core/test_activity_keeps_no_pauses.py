"""The activity log keeps consent and membership events, not pauses: the migration removes
the pause lines logged before, and the couple's page no longer shows them."""

from __future__ import annotations

from importlib import import_module

from django.apps import apps
from django.test import Client

from core.activity import log
from core.models import ActivityEntry
from couples.models import Couple, User
from tests.support.pages import visible_words


def test_the_pause_lines_logged_before_are_forgotten_and_the_rest_kept(
    couple: Couple, alice: User, alice_client: Client
) -> None:
    for line in (
        "asked for a pause",
        "ended the pause",
        "extended the pause",
        "came back from the pause, together",
        "asked for a pause that ended on its own after 24 hours",
    ):
        log(couple=couple, actor=alice, message=line)
    log(couple=couple, actor=alice, message="proposed a new agreement: “Evenings”")
    migration = import_module("agreements.migrations.0005_forget_pause_activity")
    migration.forget_pauses(apps, None)
    assert list(ActivityEntry.objects.values_list("message", flat=True)) == [
        "proposed a new agreement: “Evenings”"
    ]
    page = visible_words(alice_client.get("/couple/"))
    assert "pause" not in page.split("What changed lately", 1)[1].split("Leave", 1)[0]
