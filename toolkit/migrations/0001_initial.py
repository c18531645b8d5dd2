"""The toolkit's models leave the couples app: their state moves here while their tables and
rows stay as they are, and then the tables take this app's names."""

from __future__ import annotations

from collections.abc import Callable

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models
from django.db.backends.base.schema import BaseDatabaseSchemaEditor
from django.db.migrations.state import StateApps

MODELS = ("phrase", "repair", "savedtopic", "sharedvalue", "triggerscript")


def move_content_types(old: str, new: str) -> Callable[[StateApps, BaseDatabaseSchemaEditor], None]:
    """Keep each model's content type (and the permissions that point at it) under its new app
    label, instead of leaving a stale one behind and making a second."""

    def move(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
        content_types = apps.get_model("contenttypes", "ContentType").objects
        for model in MODELS:
            if not content_types.filter(app_label=new, model=model).exists():
                content_types.filter(app_label=old, model=model).update(app_label=new)

    return move


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("contenttypes", "0002_remove_content_type_name"),
        ("couples", "0002_toolkit"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            # The tables exist already (made by couples 0002_toolkit).
            state_operations=[
                migrations.CreateModel(
                    name="Phrase",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True,
                                primary_key=True,
                                serialize=False,
                                verbose_name="ID",
                            ),
                        ),
                        (
                            "group",
                            models.CharField(
                                choices=[
                                    ("feel", "I feel…"),
                                    ("need", "I need…"),
                                    ("appreciate", "I appreciate…"),
                                ],
                                max_length=20,
                                verbose_name="group",
                            ),
                        ),
                        ("text", models.CharField(max_length=120, verbose_name="phrase")),
                        ("position", models.PositiveIntegerField(default=0)),
                        ("retired_at", models.DateTimeField(blank=True, null=True)),
                        ("created_at", models.DateTimeField(default=django.utils.timezone.now)),
                        (
                            "couple",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="phrases",
                                to="couples.couple",
                            ),
                        ),
                    ],
                    options={
                        "db_table": "couples_phrase",
                        "ordering": ["position", "id"],
                    },
                ),
                migrations.CreateModel(
                    name="Repair",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True,
                                primary_key=True,
                                serialize=False,
                                verbose_name="ID",
                            ),
                        ),
                        (
                            "acknowledgement",
                            models.TextField(max_length=2000, verbose_name="What I acknowledge"),
                        ),
                        ("apology", models.TextField(max_length=2000, verbose_name="My apology")),
                        (
                            "plan",
                            models.TextField(
                                max_length=2000, verbose_name="What I'll do differently"
                            ),
                        ),
                        ("follow_up_on", models.DateField(verbose_name="Let's follow up on")),
                        (
                            "response",
                            models.TextField(
                                blank=True, max_length=2000, verbose_name="Your response (optional)"
                            ),
                        ),
                        ("responded_at", models.DateTimeField(blank=True, null=True)),
                        ("followed_up_at", models.DateTimeField(blank=True, null=True)),
                        ("created_at", models.DateTimeField(default=django.utils.timezone.now)),
                        (
                            "author",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.SET_NULL,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                        (
                            "couple",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="repairs",
                                to="couples.couple",
                            ),
                        ),
                        (
                            "responded_by",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.SET_NULL,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                    ],
                    options={
                        "db_table": "couples_repair",
                        "ordering": ["-created_at", "-id"],
                    },
                ),
                migrations.CreateModel(
                    name="SavedTopic",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True,
                                primary_key=True,
                                serialize=False,
                                verbose_name="ID",
                            ),
                        ),
                        ("topic", models.CharField(max_length=200, verbose_name="Topic")),
                        (
                            "session",
                            models.CharField(
                                choices=[
                                    ("individual", "My individual session"),
                                    ("joint", "Our joint session"),
                                ],
                                default="individual",
                                max_length=20,
                                verbose_name="For which session?",
                            ),
                        ),
                        (
                            "note",
                            models.TextField(
                                blank=True, max_length=2000, verbose_name="Note (optional)"
                            ),
                        ),
                        ("created_at", models.DateTimeField(default=django.utils.timezone.now)),
                        ("discussed_at", models.DateTimeField(blank=True, null=True)),
                        (
                            "author",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="saved_topics",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                        (
                            "couple",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="+",
                                to="couples.couple",
                            ),
                        ),
                    ],
                    options={
                        "db_table": "couples_savedtopic",
                        "ordering": ["created_at", "id"],
                    },
                ),
                migrations.CreateModel(
                    name="SharedValue",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True,
                                primary_key=True,
                                serialize=False,
                                verbose_name="ID",
                            ),
                        ),
                        ("name", models.CharField(max_length=60, verbose_name="Value")),
                        (
                            "description",
                            models.CharField(
                                blank=True,
                                max_length=300,
                                verbose_name="What it means to us (optional)",
                            ),
                        ),
                        ("created_at", models.DateTimeField(default=django.utils.timezone.now)),
                        (
                            "couple",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="values",
                                to="couples.couple",
                            ),
                        ),
                    ],
                    options={
                        "db_table": "couples_sharedvalue",
                        "ordering": ["created_at", "id"],
                    },
                ),
                migrations.CreateModel(
                    name="TriggerScript",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True,
                                primary_key=True,
                                serialize=False,
                                verbose_name="ID",
                            ),
                        ),
                        (
                            "when_i_notice",
                            models.CharField(max_length=300, verbose_name="When I notice"),
                        ),
                        ("i_will", models.CharField(max_length=300, verbose_name="I'll")),
                        ("shared_at", models.DateTimeField(blank=True, null=True)),
                        ("created_at", models.DateTimeField(default=django.utils.timezone.now)),
                        (
                            "author",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="trigger_scripts",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                        (
                            "couple",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="trigger_scripts",
                                to="couples.couple",
                            ),
                        ),
                    ],
                    options={
                        "db_table": "couples_triggerscript",
                        "ordering": ["created_at", "id"],
                    },
                ),
            ],
        ),
        *(migrations.AlterModelTable(name=model, table=None) for model in MODELS),
        migrations.RunPython(
            move_content_types("couples", "toolkit"), move_content_types("toolkit", "couples")
        ),
    ]
