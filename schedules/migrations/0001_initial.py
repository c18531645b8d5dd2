"""The schedule models began in checkins (its migration 0002) and moved here unchanged.
checkins 0003 renamed their tables to schedules_*, keeping every row, constraint and index; this
migration takes the models into this app's state and moves their content types along, so
permissions and admin history follow them."""

from __future__ import annotations

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models
from django.db.backends.base.schema import BaseDatabaseSchemaEditor
from django.db.migrations.state import StateApps

import couples.models

MODELS = ("schedule", "reminderoptout", "reminderdelivery", "calendarfeed")


def move_content_types(
    apps: StateApps,
    schema_editor: BaseDatabaseSchemaEditor,
    source: str = "checkins",
    target: str = "schedules",
) -> None:
    content_types = apps.get_model("contenttypes", "ContentType").objects.using(
        schema_editor.connection.alias
    )
    for model in MODELS:
        if not content_types.filter(app_label=target, model=model).exists():
            content_types.filter(app_label=source, model=model).update(app_label=target)


def move_content_types_back(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    move_content_types(apps, schema_editor, source="schedules", target="checkins")


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("checkins", "0003_schedules_move_to_their_own_app"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("couples", "0001_initial"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="CalendarFeed",
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
                        ("token", models.CharField(max_length=64, unique=True)),
                        ("created_at", models.DateTimeField(default=django.utils.timezone.now)),
                        (
                            "user",
                            models.OneToOneField(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="calendar_feed",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                    ],
                ),
                migrations.CreateModel(
                    name="Schedule",
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
                            "kind",
                            models.CharField(
                                choices=[
                                    ("checkin", "check-in"),
                                    ("gratitude", "gratitude exchange"),
                                    ("retreat", "retreat"),
                                    ("custom", "conversation"),
                                ],
                                default="custom",
                                max_length=20,
                            ),
                        ),
                        ("title", models.CharField(max_length=80, verbose_name="title")),
                        ("rrule", models.CharField(max_length=300, verbose_name="rule")),
                        ("starts_on", models.DateField()),
                        ("start_time", models.TimeField(verbose_name="start time")),
                        (
                            "duration_minutes",
                            models.PositiveSmallIntegerField(
                                default=60, verbose_name="duration in minutes"
                            ),
                        ),
                        (
                            "time_zone",
                            models.CharField(
                                default="UTC",
                                max_length=64,
                                validators=[couples.models.validate_time_zone],
                                verbose_name="home time zone",
                            ),
                        ),
                        ("reminder_offsets", models.JSONField(default=list)),
                        ("paused_at", models.DateTimeField(blank=True, null=True)),
                        ("next_reminder_at", models.DateTimeField(blank=True, null=True)),
                        ("version", models.PositiveIntegerField(default=1)),
                        ("created_at", models.DateTimeField(default=django.utils.timezone.now)),
                        (
                            "couple",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="schedules",
                                to="couples.couple",
                            ),
                        ),
                    ],
                    options={
                        "ordering": ("created_at", "id"),
                    },
                ),
                migrations.CreateModel(
                    name="ReminderOptOut",
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
                        ("offset_minutes", models.PositiveIntegerField()),
                        (
                            "user",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                        (
                            "schedule",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="opt_outs",
                                to="schedules.schedule",
                            ),
                        ),
                    ],
                ),
                migrations.CreateModel(
                    name="ReminderDelivery",
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
                        ("occurrence_start", models.DateTimeField()),
                        ("offset_minutes", models.PositiveIntegerField()),
                        (
                            "status",
                            models.CharField(
                                choices=[
                                    ("pending", "pending"),
                                    ("sent", "sent"),
                                    ("missed", "missed: the conversation had started"),
                                    (
                                        "skipped",
                                        "skipped: a later reminder was due, or it was turned off",
                                    ),
                                ],
                                default="pending",
                                max_length=10,
                            ),
                        ),
                        ("created_at", models.DateTimeField(default=django.utils.timezone.now)),
                        ("claimed_at", models.DateTimeField(blank=True, null=True)),
                        ("sent_at", models.DateTimeField(blank=True, null=True)),
                        ("message_id", models.CharField(blank=True, max_length=200)),
                        (
                            "recipient",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                        (
                            "schedule",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="deliveries",
                                to="schedules.schedule",
                            ),
                        ),
                    ],
                    options={
                        "verbose_name_plural": "reminder deliveries",
                    },
                ),
                migrations.AddIndex(
                    model_name="schedule",
                    index=models.Index(fields=["next_reminder_at"], name="schedule_due_idx"),
                ),
                migrations.AddConstraint(
                    model_name="reminderoptout",
                    constraint=models.UniqueConstraint(
                        fields=("schedule", "user", "offset_minutes"),
                        name="one_opt_out_per_reminder",
                    ),
                ),
                migrations.AddIndex(
                    model_name="reminderdelivery",
                    index=models.Index(
                        condition=models.Q(("status", "pending")),
                        fields=["created_at"],
                        name="delivery_pending_idx",
                    ),
                ),
                migrations.AddConstraint(
                    model_name="reminderdelivery",
                    constraint=models.UniqueConstraint(
                        fields=("schedule", "occurrence_start", "recipient", "offset_minutes"),
                        name="one_delivery_per_reminder",
                    ),
                ),
            ],
        ),
        migrations.RunPython(move_content_types, move_content_types_back),
    ]
