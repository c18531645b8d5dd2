"""Values are never pre-filled: the four every couple used to start with go, unless the couple
made them their own; everything else a couple wrote stays theirs."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.apps import apps as current_apps
from django.db.migrations.executor import MigrationExecutor

from tests.support.migrations import latest, migrate, migrated_back_to

BEFORE = [("toolkit", "0002_values_chosen_together"), ("core", "0001_initial")]


@pytest.fixture
def before_the_change() -> Iterator[MigrationExecutor]:
    with migrated_back_to(BEFORE) as executor:
        yield executor


@pytest.mark.django_db(transaction=True)
def test_untouched_prefilled_values_go_and_chosen_ones_stay(
    before_the_change: MigrationExecutor,
) -> None:
    old = before_the_change.loader.project_state(BEFORE).apps
    couple = old.get_model("couples", "Couple").objects.create(name="Before", time_zone="UTC")
    value = old.get_model("toolkit", "SharedValue")
    for name in ("Respect", "Curiosity", "Generosity", "Honesty", "Play"):
        value.objects.create(couple=couple, name=name)
    # Described, or named in the log as added or renamed by a partner: chosen.
    value.objects.filter(name="Curiosity").update(description="We ask before we assume")
    log = old.get_model("core", "ActivityEntry")
    log.objects.create(couple=couple, message="added the value “Honesty”")
    log.objects.create(couple=couple, message="renamed the value “Care” to “Generosity”")

    migrate(latest())

    kept = current_apps.get_model("toolkit", "SharedValue").objects.filter(couple_id=couple.pk)
    assert sorted(kept.values_list("name", flat=True)) == [
        "Curiosity",
        "Generosity",
        "Honesty",
        "Play",
    ]
    assert all(v.agreed_at is not None for v in kept)
