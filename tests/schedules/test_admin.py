"""Support finds schedules and reminder deliveries in the admin, under the schedules app."""

from __future__ import annotations

from django.test import Client

from couples.models import User
from schedules.models import ReminderDelivery, Schedule
from tests.factories import UserFactory
from tests.support.schedules import BEFORE


def test_staff_see_schedules_and_deliveries_in_the_admin(schedule: Schedule, alice: User) -> None:
    delivery = ReminderDelivery.objects.create(
        schedule=schedule,
        occurrence_start=BEFORE,
        recipient=alice,
        offset_minutes=60,
        status=ReminderDelivery.Status.SENT,
    )
    client = Client()
    client.force_login(UserFactory.create(is_staff=True, is_superuser=True))
    assert "Our Sunday talk" in client.get("/admin/schedules/schedule/").content.decode()
    assert client.get(f"/admin/schedules/schedule/{schedule.pk}/change/").status_code == 200
    deliveries = client.get("/admin/schedules/reminderdelivery/?status__exact=sent")
    assert str(alice) in deliveries.content.decode()
    change = client.get(f"/admin/schedules/reminderdelivery/{delivery.pk}/change/")
    assert change.status_code == 200
