"""A database made before the toolkit had its own app (couples 0002_toolkit) migrates forward
with every toolkit row kept, in tables now named after the toolkit."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from typing import Any

import pytest
from django.apps import apps as current_apps
from django.apps.registry import Apps
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from tests.support.migrations import latest, migrate, migrated_back_to

# The last migration before the toolkit app existed, and that app not yet applied.
LAST_SHARED = ("couples", "0002_toolkit")
BEFORE = [LAST_SHARED, ("toolkit", None)]
MODELS = ("Phrase", "TriggerScript", "SavedTopic", "Repair", "SharedValue")


@pytest.fixture
def before_the_toolkit_app() -> Iterator[MigrationExecutor]:
    with migrated_back_to(BEFORE) as executor:
        yield executor


def fill(old_apps: Apps) -> dict[str, list[dict[str, Any]]]:
    """One couple with rows in every toolkit table, written through the old models."""
    get = old_apps.get_model
    alice = get("couples", "User").objects.create(email="a@example.com", display_name="A")
    bob = get("couples", "User").objects.create(email="b@example.com", display_name="B")
    couple = get("couples", "Couple").objects.create(name="Before", time_zone="UTC")
    now = timezone.now()
    get("couples", "Phrase").objects.create(couple=couple, group="feel", text="I feel", position=3)
    get("couples", "Phrase").objects.create(
        couple=couple, group="need", text="I need", retired_at=now
    )
    get("couples", "TriggerScript").objects.create(
        couple=couple, author=alice, when_i_notice="n", i_will="w", shared_at=now
    )
    get("couples", "SavedTopic").objects.create(
        couple=couple, author=bob, topic="t", session="joint", note="n", discussed_at=now
    )
    get("couples", "Repair").objects.create(
        couple=couple,
        author=alice,
        acknowledgement="a",
        apology="b",
        plan="c",
        follow_up_on=date(2026, 3, 10),
        response="r",
        responded_by=bob,
        responded_at=now,
    )
    get("couples", "SharedValue").objects.create(couple=couple, name="Play", description="d")
    return rows(old_apps, "couples")


def rows(apps: Apps, app_label: str) -> dict[str, list[dict[str, Any]]]:
    return {
        name: list(apps.get_model(app_label, name).objects.order_by("pk").values())
        for name in MODELS
    }


@pytest.mark.django_db(transaction=True)
def test_every_toolkit_row_survives_the_move_to_the_toolkit_app(
    before_the_toolkit_app: MigrationExecutor,
) -> None:
    old_apps = before_the_toolkit_app.loader.project_state(LAST_SHARED).apps
    before = fill(old_apps)
    assert all(before.values())

    migrate(latest())

    after = rows(current_apps, "toolkit")
    # A value the couple had is theirs, agreed, as it was.
    [value] = after["SharedValue"]
    assert value.pop("agreed_at") is not None
    assert value.pop("proposed_by_id") is None
    assert after == before
    tables = connection.introspection.table_names()
    assert {f"toolkit_{name.lower()}" for name in MODELS} <= set(tables)
    assert not {f"couples_{name.lower()}" for name in MODELS} & set(tables)
    # New rows follow on from the old ids.
    phrase = current_apps.get_model("toolkit", "Phrase").objects.create(
        couple_id=before["Phrase"][0]["couple_id"], group="feel", text="After"
    )
    assert phrase.pk > max(row["id"] for row in before["Phrase"])


@pytest.mark.django_db(transaction=True)
def test_the_toolkit_models_keep_their_content_types_across_the_move(
    before_the_toolkit_app: MigrationExecutor,
) -> None:
    old = dict(
        ContentType.objects.filter(
            app_label="couples", model__in=[m.lower() for m in MODELS]
        ).values_list("model", "pk")
    )
    assert len(old) == len(MODELS)

    migrate(latest())

    new = dict(ContentType.objects.filter(app_label="toolkit").values_list("model", "pk"))
    assert new == old
    assert not ContentType.objects.filter(app_label="couples", model__in=list(old)).exists()
