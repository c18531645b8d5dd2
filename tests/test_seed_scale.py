"""`manage.py seed_scale`: many couples and their history in bulk, for the load benchmark. A few
couples here; each of their members finds a full space on every page. On PostgreSQL the rows go
in through COPY, elsewhere through bulk_create; both write the same rows."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db.models import Count, F
from django.test import Client

from agreements.banner import stamp_for_user
from agreements.models import Agreement, AgreementVersion, PauseSignal
from bench.management.commands.seed_scale import CHALLENGES, PASSWORD
from checkins.models import CheckIn, Entry, Reflection, current_week
from couples.models import Couple, User
from schedules.models import ReminderDelivery, Schedule
from toolkit.models import Phrase, Repair, TriggerScript

COUPLES = 3
WEEKS = 6

# VACUUM, run after seeding on PostgreSQL, cannot run inside the test's transaction.
pytestmark = pytest.mark.django_db(transaction=True)


def seed(**options: int) -> str:
    out = StringIO()
    call_command("seed_scale", stdout=out, **{"couples": COUPLES, "weeks": WEEKS, **options})
    return out.getvalue()


def test_it_seeds_paired_couples_with_weeks_of_history() -> None:
    output = seed()

    assert f"Seeded {COUPLES} couples with {WEEKS} weeks of history" in output
    assert Couple.objects.count() == COUPLES
    assert set(Couple.objects.annotate(n=Count("memberships")).values_list("n", flat=True)) == {2}
    for couple in Couple.objects.all():
        weeks = CheckIn.objects.filter(couple=couple)
        # Each past week met or a gap, and this week open.
        assert 1 < weeks.count() <= WEEKS + 1
        assert weeks.filter(week_start=current_week(couple), revealed_at__isnull=True).exists()
        assert Phrase.objects.filter(couple=couple).exists()
        assert Schedule.objects.filter(couple=couple, next_reminder_at__isnull=False).exists()
        assert Agreement.objects.filter(couple=couple).count() == 5
    assert ReminderDelivery.objects.filter(status=ReminderDelivery.Status.SENT).exists()
    assert Reflection.objects.filter(answer=Reflection.Answer.YES).exists()
    assert PauseSignal.objects.filter(ended_at__isnull=True).count() == 0
    assert TriggerScript.objects.filter(shared_at__isnull=False).exists()
    assert Repair.objects.exists()


def test_the_history_keeps_the_rules_the_services_keep() -> None:
    seed()

    past = Entry.objects.filter(checkin__revealed_at__isnull=False)
    assert past.exists()
    # Both entries of a week open together, after both were shared, after both partners joined.
    assert not past.exclude(revealed_at=F("checkin__revealed_at")).exists()
    assert not past.filter(shared_at__gt=F("revealed_at")).exists()
    assert not past.filter(revealed_at__lt=F("checkin__couple__memberships__joined_at")).exists()
    assert not PauseSignal.objects.filter(started_at__lt=F("couple__created_at")).exists()
    # Versions in force are numbered 1, 2, … and the agreement points at the last one.
    for agreement in Agreement.objects.all():
        numbers = list(
            agreement.versions.accepted().order_by("number").values_list("number", flat=True)
        )
        assert numbers == list(range(1, agreement.version + 1))
        assert agreement.current is not None
        assert agreement.current.number == agreement.version
    assert not AgreementVersion.objects.filter(status=AgreementVersion.Status.OPEN).exists()


def test_a_seeded_member_signs_in_with_the_shared_password_and_finds_every_page() -> None:
    seed()
    member = User.objects.get(email="a1@scale.example.com")
    client = Client()
    assert client.login(username=member.email, password=PASSWORD)
    couple = member.membership.couple
    week = CheckIn.objects.get(couple=couple, week_start=current_week(couple)).label
    agreement = Agreement.objects.filter(couple=couple).first()
    assert agreement is not None

    pages = [
        "/",
        f"/checkins/{week}/",
        "/checkins/",
        "/agreements/",
        f"/agreements/{agreement.pk}/",
        "/pause/",
        "/schedule/",
        "/toolkit/",
    ]
    for path in pages:
        assert client.get(path).status_code == 200, path
    history = client.get("/checkins/").content.decode()
    assert any(challenge in history for challenge in CHALLENGES)
    assert client.get(f"/pause/banner/?v={stamp_for_user(member.pk)}").status_code == 204


def test_new_rows_after_seeding_get_fresh_ids() -> None:
    seed()

    newcomer = User.objects.create_user("new@example.com", "x", display_name="New")
    couple = Couple.objects.create(name="New", time_zone="UTC")

    assert newcomer.pk > User.objects.exclude(pk=newcomer.pk).order_by("-pk")[0].pk
    assert couple.pk > Couple.objects.exclude(pk=couple.pk).order_by("-pk")[0].pk


def test_it_refuses_a_database_that_already_has_couples() -> None:
    seed(couples=1)

    with pytest.raises(CommandError, match="already holds couples"):
        seed(couples=1)
    assert Couple.objects.count() == 1


def test_it_refuses_nonsense_sizes() -> None:
    with pytest.raises(CommandError, match="at least 1"):
        seed(couples=0)
    assert not Couple.objects.exists()
