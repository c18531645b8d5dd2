"""Print the row count of every model's table as JSON, keyed so that a model moved between
Hearth's own apps keeps its key (its class name) while other apps' models keep their label."""

from __future__ import annotations

import json

import django

django.setup()

from django.apps import apps  # noqa: E402

HEARTH_APPS = {"core", "couples", "checkins", "agreements", "toolkit", "schedules"}

counts = {}
for model in apps.get_models(include_auto_created=True):
    meta = model._meta
    key = meta.object_name if meta.app_label in HEARTH_APPS else meta.label
    counts[key] = model.objects.count()
print(json.dumps(counts, sort_keys=True))
