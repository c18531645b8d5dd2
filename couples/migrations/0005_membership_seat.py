"""Each member takes seat 1 or 2 of their couple, so the database itself keeps a couple at two
members. Existing members get their seats in the order they joined; every row is kept."""

from __future__ import annotations

from typing import Any

from django.db import migrations, models
from django.db.models import F, Q, Window
from django.db.models.functions import RowNumber


def give_seats(apps: Any, schema_editor: Any) -> None:
    Membership = apps.get_model("couples", "Membership")
    in_order = Window(RowNumber(), partition_by=F("couple_id"), order_by=(F("joined_at"), F("id")))
    seats = list(Membership.objects.annotate(n=in_order).values_list("pk", "couple_id", "n"))
    crowded = sorted({couple for _pk, couple, n in seats if n > 2})
    if crowded:
        # Hearth has always refused a third member; rather than drop anyone, stop here.
        raise RuntimeError(f"Couples with more than two members, to settle by hand: {crowded}")
    Membership.objects.bulk_update(
        [Membership(pk=pk, seat=n) for pk, _couple, n in seats], ["seat"], batch_size=1000
    )


class Migration(migrations.Migration):
    dependencies = [
        ("couples", "0004_membership_partner_left_notice"),
    ]

    operations = [
        migrations.AddField(
            model_name="membership",
            name="seat",
            field=models.PositiveSmallIntegerField(choices=[(1, "1"), (2, "2")], null=True),
        ),
        migrations.RunPython(give_seats, migrations.RunPython.noop, elidable=True),
        migrations.AlterField(
            model_name="membership",
            name="seat",
            field=models.PositiveSmallIntegerField(choices=[(1, "1"), (2, "2")]),
        ),
        migrations.AddConstraint(
            model_name="membership",
            constraint=models.CheckConstraint(
                condition=Q(seat__in=(1, 2)), name="membership_seat_1_or_2"
            ),
        ),
        migrations.AddConstraint(
            model_name="membership",
            constraint=models.UniqueConstraint(
                fields=("couple", "seat"), name="membership_one_per_seat"
            ),
        ),
    ]
