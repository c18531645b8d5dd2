"""/schedule/: both partners see and change the couple's rhythm; every change is logged."""

from __future__ import annotations

import re
from datetime import UTC, datetime, time
from typing import Any

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from pytest_django import DjangoAssertNumQueries

from core.errors import RefusedError
from couples.models import Couple, User
from couples.services import create_couple
from schedules import services
from schedules.models import ReminderOptOut, Schedule
from tests.support.pages import main_content, visible_words
from tests.support.schedules import make_schedule

NOW = datetime(2026, 3, 2, 12, 0, tzinfo=UTC)


def activity(client: Client) -> str:
    return visible_words(client.get("/couple/"))


def friendly_form(**changes: object) -> dict[str, object]:
    return {
        "title": "Gratitude",
        "frequency": "monthly_first",
        "weekday": "SU",
        "start_time": "18:30",
        "duration_minutes": "30",
        "reminder_offsets": ["1440", "60"],
        "time_zone": "Europe/Berlin",
        "rule": "",
        **changes,
    }


def test_a_new_couple_starts_with_the_weekly_check_in(alice: User) -> None:
    couple = create_couple(user=alice, name="Us", time_zone="America/New_York")
    schedule = couple.schedules.get()
    assert (schedule.kind, schedule.rrule, schedule.start_time) == (
        "checkin",
        "FREQ=WEEKLY;BYDAY=SU",
        time(19, 0),
    )
    assert (schedule.time_zone, schedule.offsets) == ("America/New_York", [1440, 60])
    assert schedule.next_reminder_at is not None


@time_machine.travel(NOW, tick=False)
def test_each_partner_sees_the_next_dates_in_their_own_zone(
    schedule: Schedule, alice_client: Client, bob_client: Client
) -> None:
    alice_page = visible_words(alice_client.get("/schedule/"))
    assert "Our Sunday talk" in alice_page
    assert "Every Sunday at 19:00, your time, 60 minutes." in alice_page
    assert "Sun 8 Mar 2026, 19:00" in alice_page
    assert "at home" not in alice_page
    bob_page = visible_words(bob_client.get("/schedule/"))
    assert "Sun 8 Mar 2026, 14:00 · 19:00 at home in Berlin (GMT+1)" in bob_page
    assert "Sun 15 Mar 2026, 14:00" in bob_page
    assert "Every Sunday at 19:00 in Berlin (GMT+1), 60 minutes." in bob_page
    assert "New York (GMT-5)" in bob_page
    assert "24 hours before, 1 hour before" in bob_page


@time_machine.travel(NOW, tick=False)
def test_a_ritual_from_a_template_is_added_and_logged(
    couple: Couple, alice_client: Client, bob_client: Client
) -> None:
    couple.memberships.update(joined_at=NOW)  # the log shows what happened since they joined
    page = alice_client.get("/schedule/new/?template=gratitude").content.decode()
    assert 'value="Monthly gratitude exchange"' in page
    response = alice_client.post("/schedule/new/?template=gratitude", friendly_form())
    assert response.status_code == 302
    schedule = couple.schedules.get(kind="gratitude")
    assert (schedule.title, schedule.rrule, schedule.start_time) == (
        "Gratitude",
        "FREQ=MONTHLY;BYDAY=1SU",
        time(18, 30),
    )
    assert schedule.duration_minutes == 30
    # The first Sunday of April (1 March has passed), 18:30 CEST, less 24 hours.
    assert schedule.next_reminder_at == datetime(2026, 4, 4, 16, 30, tzinfo=UTC)
    assert "Alice added “Gratitude” to the schedule" in activity(bob_client)


@pytest.mark.parametrize(
    ("frequency", "rule"),
    [
        ("weekly", "FREQ=WEEKLY;BYDAY=SU"),
        ("monthly_last", "FREQ=MONTHLY;BYDAY=-1SU"),
        ("quarterly", "FREQ=MONTHLY;BYMONTH=1,4,7,10;BYDAY=1SU"),
    ],
)
def test_the_friendly_choices_become_rules(
    couple: Couple, alice_client: Client, frequency: str, rule: str
) -> None:
    alice_client.post("/schedule/new/", friendly_form(frequency=frequency))
    assert couple.schedules.get(kind="custom").rrule == rule


def test_a_power_user_writes_their_own_rule(couple: Couple, alice_client: Client) -> None:
    form = friendly_form(frequency="custom", rule="RRULE:FREQ=WEEKLY;INTERVAL=2;BYDAY=SA")
    alice_client.post("/schedule/new/", form)
    schedule = couple.schedules.get(kind="custom")
    assert schedule.rrule == "FREQ=WEEKLY;INTERVAL=2;BYDAY=SA"
    page = alice_client.get(f"/schedule/{schedule.pk}/").content.decode()
    assert 'value="FREQ=WEEKLY;INTERVAL=2;BYDAY=SA"' in page
    assert '<option value="custom" selected>' in page
    assert "Now: Every other Saturday at 18:30 in Berlin (GMT+1)." in visible_words(page)
    listed = visible_words(alice_client.get("/schedule/"))
    assert "Every other Saturday at 18:30" in listed
    assert "FREQ=" not in listed


@pytest.mark.parametrize(
    ("rule", "message"),
    [
        ("FREQ=MINUTELY", "needs COUNT of at most 24"),
        ("FREQ=HOURLY;COUNT=500", "needs COUNT of at most 24"),
        ("FREQ=WEEKLY;BYHOUR=9", "instead of BYHOUR"),
        ("every sunday please", "can&#x27;t read this rule"),
        ("DTSTART:20260101T000000\nRRULE:FREQ=DAILY", "without DTSTART"),
        ("FREQ=DAILY;UNTIL=20200101", "no dates from today on"),
        ("FREQ=DAILY;BYMONTH=2;BYMONTHDAY=30", "never comes to a date"),
        ("FREQ=MONTHLY;INTERVAL=12;BYMONTH=2;BYMONTHDAY=1", "never comes to a date"),
        ("FREQ=YEARLY;BYWEEKNO=53", "Hearth&#x27;s rules may use BYDAY, BYMONTH"),
        ("", "Write a rule"),
        ("FREQ=DAILY;INTERVAL=0", "INTERVAL must be a whole number from 1 upwards."),
        ("FREQ=WEEKLY;INTERVAL=-2", "INTERVAL must be a whole number from 1 upwards."),
    ],
)
def test_a_rule_hearth_cannot_use_is_refused_clearly_and_the_form_is_kept(
    couple: Couple, alice_client: Client, rule: str, message: str
) -> None:
    response = alice_client.post(
        "/schedule/new/", friendly_form(frequency="custom", rule=rule, title="Mine")
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert message in page
    assert 'value="Mine"' in page
    assert not couple.schedules.filter(title="Mine").exists()


@pytest.mark.parametrize(
    ("rule", "message"),
    [
        ("FREQ=MINUTELY", "needs COUNT of at most 24"),
        ("FREQ=WEEKLY;BYHOUR=9", "instead of BYHOUR"),
        ("DTSTART:20260101T000000\nRRULE:FREQ=DAILY", "without DTSTART"),
        ("FREQ=DAILY;BYMONTH=2;BYMONTHDAY=30", "never comes to a date"),
        ("FREQ=YEARLY;BYWEEKNO=53", "Hearth's rules may use BYDAY, BYMONTH"),
    ],
)
def test_the_service_refuses_a_rule_hearth_cannot_use_in_the_words_the_form_shows(
    couple: Couple, alice: User, rule: str, message: str
) -> None:
    with pytest.raises(RefusedError, match=re.escape(message)):
        services.create_schedule(
            couple=couple,
            by=alice,
            kind=Schedule.Kind.CUSTOM,
            title="Mine",
            rrule=rule,
            start_time=time(19, 0),
            duration_minutes=60,
        )
    assert not couple.schedules.filter(title="Mine").exists()


def test_an_edit_to_a_rule_hearth_cannot_use_is_refused_and_the_schedule_kept(
    schedule: Schedule, bob: User
) -> None:
    with pytest.raises(RefusedError, match="needs COUNT of at most 24"):
        services.update_schedule(schedule=schedule, by=bob, version=1, rrule="FREQ=HOURLY")
    schedule.refresh_from_db()
    assert (schedule.rrule, schedule.version) == ("FREQ=WEEKLY;BYDAY=SU", 1)


def test_a_schedule_with_a_rule_hearth_cannot_use_does_not_validate(schedule: Schedule) -> None:
    schedule.rrule = "FREQ=SECONDLY"
    with pytest.raises(ValidationError, match="needs COUNT of at most 24"):
        schedule.full_clean()


def test_a_partner_edits_the_schedule_and_it_is_logged(
    schedule: Schedule, bob_client: Client, alice_client: Client
) -> None:
    page = bob_client.get(f"/schedule/{schedule.pk}/").content.decode()
    assert 'value="Our Sunday talk"' in page
    response = bob_client.post(
        f"/schedule/{schedule.pk}/",
        friendly_form(title="Sunday, gently", frequency="weekly", weekday="SA", version="1"),
    )
    assert response.status_code == 302
    schedule.refresh_from_db()
    assert (schedule.title, schedule.rrule, schedule.version) == (
        "Sunday, gently",
        "FREQ=WEEKLY;BYDAY=SA",
        2,
    )
    assert "Bob changed “Sunday, gently” in the schedule" in activity(alice_client)


def test_an_edit_on_a_stale_page_says_what_happened_and_keeps_what_was_typed(
    schedule: Schedule, alice_client: Client, bob_client: Client
) -> None:
    bob_client.post(
        f"/schedule/{schedule.pk}/",
        friendly_form(title="Bob's title", frequency="weekly", version="1"),
    )
    response = alice_client.post(
        f"/schedule/{schedule.pk}/",
        friendly_form(title="Alice's title", frequency="weekly", version="1"),
    )
    assert "Your partner changed this schedule while you were editing it." in visible_words(
        response
    )
    page = response.content.decode()
    assert 'value="Alice&#x27;s title"' in page
    assert 'name="version" value="2"' in page
    schedule.refresh_from_db()
    assert schedule.title == "Bob's title"


def test_saving_an_edit_of_a_schedule_deleted_meanwhile_says_so(
    schedule: Schedule, alice_client: Client, bob: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Bob's delete lands between Alice's page loading the schedule and her save reaching it."""
    update_schedule = services.update_schedule

    def deleted_first(**fields: Any) -> Schedule:
        services.delete_schedule(schedule=schedule, by=bob)
        return update_schedule(**fields)

    monkeypatch.setattr(services, "update_schedule", deleted_first)
    response = alice_client.post(
        f"/schedule/{schedule.pk}/",
        friendly_form(title="Alice's title", frequency="weekly", version="1"),
        follow=True,
    )
    assert response.status_code == 200
    assert "This schedule was deleted meanwhile." in visible_words(response)
    assert not Schedule.objects.filter(pk=schedule.pk).exists()


def test_stopping_for_now_and_starting_again_are_logged(
    schedule: Schedule, alice_client: Client, bob_client: Client
) -> None:
    stopped = alice_client.post(f"/schedule/{schedule.pk}/pause/", {"paused": "1"}, follow=True)
    assert "Stopped for now: no reminders until one of you starts it again." in visible_words(
        stopped
    )
    schedule.refresh_from_db()
    assert (schedule.paused_at is not None, schedule.next_reminder_at) == (True, None)
    assert "Stopped for now." in visible_words(bob_client.get("/schedule/"))
    # Bob's click on a stale "Stop for now" button changes nothing.
    bob_client.post(f"/schedule/{schedule.pk}/pause/", {"paused": "1"})
    started = bob_client.post(f"/schedule/{schedule.pk}/pause/", {"paused": "0"}, follow=True)
    assert "Started again: reminders go out as before." in visible_words(started)
    schedule.refresh_from_db()
    assert schedule.paused_at is None
    assert schedule.next_reminder_at is not None
    log = activity(alice_client)
    assert "Alice stopped “Our Sunday talk” for now" in log
    assert log.count("stopped") == 1
    assert "Bob started “Our Sunday talk” again" in log


def test_the_schedules_buttons_are_not_named_like_the_pause_signal(
    schedule: Schedule, alice_client: Client
) -> None:
    """ "I need a pause" sits in every page's menu; a schedule's own buttons say something else,
    so nobody stops reminders when they meant to ask for a pause, or the other way round."""
    running = visible_words(main_content(alice_client.get("/schedule/")))
    assert "Stop for now Our Sunday talk" in running
    alice_client.post(f"/schedule/{schedule.pk}/pause/", {"paused": "1"})
    stopped = visible_words(main_content(alice_client.get("/schedule/")))
    assert "Start again Our Sunday talk" in stopped
    deleting = visible_words(main_content(alice_client.get(f"/schedule/{schedule.pk}/delete/")))
    assert "“Stop for now” keeps it for later instead." in deleting
    for page in (running, stopped, deleting):
        assert not re.search(r"\b(paus|resum)", page, re.IGNORECASE), page


def test_a_stop_or_start_button_without_its_choice_changes_nothing(
    schedule: Schedule, alice_client: Client
) -> None:
    response = alice_client.post(f"/schedule/{schedule.pk}/pause/", {}, follow=True)
    assert "Please press “Stop for now” or “Start again” once more." in visible_words(response)
    schedule.refresh_from_db()
    assert (schedule.paused_at, schedule.version) == (None, 1)


def test_deleting_asks_first_then_removes_and_logs(
    schedule: Schedule, alice_client: Client, bob_client: Client
) -> None:
    assert "Delete “Our Sunday talk”?" in visible_words(
        alice_client.get(f"/schedule/{schedule.pk}/delete/")
    )
    alice_client.post(f"/schedule/{schedule.pk}/delete/")
    assert not Schedule.objects.filter(pk=schedule.pk).exists()
    assert "Alice removed “Our Sunday talk” from the schedule" in activity(bob_client)


def test_another_couples_schedule_is_404(schedule: Schedule, charlie_client: Client) -> None:
    for path in (f"/schedule/{schedule.pk}/", f"/schedule/{schedule.pk}/delete/"):
        assert charlie_client.get(path).status_code == 404
        assert charlie_client.post(path).status_code == 404
    assert (
        charlie_client.post(f"/schedule/{schedule.pk}/pause/", {"paused": "1"}).status_code == 404
    )
    assert "Our Sunday talk" not in charlie_client.get("/schedule/").content.decode()


def test_an_anonymous_visitor_is_sent_to_log_in(schedule: Schedule) -> None:
    for path in ("/schedule/", "/schedule/new/", f"/schedule/{schedule.pk}/"):
        assert Client().get(path)["Location"].startswith("/accounts/login/")


def switched_on(page: str, schedule_pk: int, minutes: int) -> bool:
    """Whether the page shows the reminder `minutes` before the schedule as a switch that is on."""
    inputs = re.findall(rf'<input[^>]*name="schedule_{schedule_pk}"[^>]*>', page)
    [switch] = [i for i in inputs if f'value="{minutes}"' in i]
    assert 'role="switch"' in switch
    return " checked" in switch


def test_each_partner_chooses_their_own_reminders_in_settings(
    schedule: Schedule, alice: User, alice_client: Client, bob_client: Client
) -> None:
    page = visible_words(alice_client.get("/settings/"))
    assert "Reminder emails" in page
    assert "24 hours before" in page
    alice_client.post("/schedule/reminders/", {f"schedule_{schedule.pk}": ["60"]})
    assert list(ReminderOptOut.objects.values_list("user__email", "offset_minutes")) == [
        ("alice@example.com", 1440)
    ]
    page = alice_client.get("/settings/").content.decode()
    assert switched_on(page, schedule.pk, 60)
    assert not switched_on(page, schedule.pk, 1440)
    bob_page = bob_client.get("/settings/").content.decode()
    assert switched_on(bob_page, schedule.pk, 1440)


def test_reminder_choices_never_touch_another_couples_schedule(
    schedule: Schedule, charlie_client: Client
) -> None:
    charlie_client.post("/schedule/reminders/", {f"schedule_{schedule.pk}": ["60"]})
    assert not ReminderOptOut.objects.filter(schedule=schedule).exists()
    # Charlie's own schedule is the one his choices applied to: nothing chosen, all off.
    assert ReminderOptOut.objects.exclude(schedule=schedule).count() == 2


def test_settings_without_a_couple_have_no_reminder_section(db: None) -> None:
    from tests.factories import UserFactory

    loner = UserFactory.create()
    client = Client()
    client.force_login(loner)
    page = client.get("/settings/").content.decode()
    assert "Reminder emails" not in page


def test_the_home_card_costs_one_query_however_many_schedules(
    couple: Couple, alice_client: Client
) -> None:
    """Compared rather than counted: other cards on the home page have queries of their own."""
    couple.schedules.all().delete()
    counts = []
    for count in (1, 20):
        while couple.schedules.count() < count:
            make_schedule(couple)
        with CaptureQueriesContext(connection) as queries:
            assert alice_client.get("/").status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1]
    table = Schedule._meta.db_table
    assert sum(table in q["sql"] for q in queries.captured_queries) == 1


def test_the_home_card_shows_the_next_conversation_in_the_viewers_zone(
    schedule: Schedule, bob_client: Client
) -> None:
    with time_machine.travel(NOW, tick=False):
        page = visible_words(bob_client.get("/"))
    assert "Your next conversation Our Sunday talk, Sun 8 Mar 2026, 14:00 (your time)" in page


@pytest.mark.parametrize("count", [1, 20])
def test_schedule_pages_cost_the_same_with_1_or_20_schedules(
    couple: Couple,
    alice_client: Client,
    django_assert_num_queries: DjangoAssertNumQueries,
    count: int,
) -> None:
    couple.schedules.all().delete()
    for _ in range(count):
        make_schedule(couple)
    # session, user, couple, schedules, the pause banner
    with django_assert_num_queries(5):
        assert alice_client.get("/schedule/").status_code == 200
    # session, user, couple, schedules, opt-outs, calendar link, notification choices, push
    # devices, the pause banner
    with django_assert_num_queries(9):
        assert alice_client.get("/settings/").status_code == 200
    schedule = couple.schedules.first()
    assert schedule is not None
    # session, user, couple, the schedule, the pause banner
    with django_assert_num_queries(5):
        assert alice_client.get(f"/schedule/{schedule.pk}/").status_code == 200


def test_the_home_zone_is_chosen_by_city_and_the_rule_waits_under_advanced(
    schedule: Schedule, alice_client: Client
) -> None:
    page = alice_client.get(f"/schedule/{schedule.pk}/").content.decode()
    assert '<optgroup label="Europe">' in page
    assert '<option value="Europe/Berlin" selected>Berlin (GMT+1)</option>' in page
    assert "Etc/GMT+5" not in page
    assert "W-SU" not in page
    advanced = page.index("<summary>Advanced")
    assert page.index('value="FREQ=WEEKLY;BYDAY=SU"') > advanced


def test_a_zone_kept_from_before_stays_offered_on_the_schedule_form(
    schedule: Schedule, alice_client: Client
) -> None:
    Schedule.objects.filter(pk=schedule.pk).update(time_zone="US/Eastern")
    page = alice_client.get(f"/schedule/{schedule.pk}/").content.decode()
    assert '<option value="US/Eastern" selected>Eastern (GMT-5)</option>' in page


def test_only_a_new_schedule_offers_to_start_from_the_browsers_zone(
    schedule: Schedule, alice_client: Client
) -> None:
    assert "data-browser-time-zone" in alice_client.get("/schedule/new/").content.decode()
    edit = alice_client.get(f"/schedule/{schedule.pk}/").content.decode()
    assert "data-browser-time-zone" not in edit
