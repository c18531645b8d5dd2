"""The activity log keeps consent and membership events, not pauses: the pause entries written
before go with the change, and every other entry stays."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.apps import apps as current_apps
from django.db.migrations.executor import MigrationExecutor

from tests.support.migrations import latest, migrate, migrated_back_to

BEFORE = [("agreements", "0004_pause_take_your_time"), ("core", "0001_initial")]


@pytest.fixture
def before_the_change() -> Iterator[MigrationExecutor]:
    with migrated_back_to(BEFORE) as executor:
        yield executor


@pytest.mark.django_db(transaction=True)
def test_pause_entries_leave_the_activity_log_and_the_rest_stays(
    before_the_change: MigrationExecutor,
) -> None:
    old = before_the_change.loader.project_state(BEFORE).apps
    couple = old.get_model("couples", "Couple").objects.create(name="Before", time_zone="UTC")
    entry = old.get_model("core", "ActivityEntry")
    for message in (
        "asked for a pause",
        "extended the pause",
        "ended the pause",
        "came back from the pause, together",
        "asked for a pause that ended on its own after 24 hours",
        "proposed a new agreement: “Phones at dinner”",
        "joined the couple space",
    ):
        entry.objects.create(couple=couple, message=message)

    migrate(latest())

    kept = current_apps.get_model("core", "ActivityEntry").objects.order_by("id")
    assert list(kept.values_list("message", flat=True)) == [
        "proposed a new agreement: “Phones at dinner”",
        "joined the couple space",
    ]
