"""A person downloads what they can read in Hearth, as JSON and as one readable page: their own
words (private ones included) and the couple's shared records, never the partner's private
words, nothing from before they joined, after entering their password again."""

from __future__ import annotations

import base64
import hashlib
import json
import re
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.conf import settings
from django.test import Client
from django.utils import timezone
from django.utils.csp import build_policy
from pytest_django import DjangoAssertNumQueries

from agreements.models import Agreement, AgreementVersion, PauseSignal
from checkins.models import CheckIn, Entry, Reflection, current_week
from core import registry
from core.models import ActivityEntry
from core.time import week_dates
from core.zones import zone_label
from couples.models import Couple, User
from notices.models import PushSubscription
from privacy.export import ACCOUNT_PARTS, SECTIONS
from schedules.models import ReminderOptOut
from tests.factories import UserFactory
from tests.support.pages import visible_words
from tests.support.people import client_for
from tests.support.privacy import HTML_URL, JSON_URL, download, enter_password_again, exported
from tests.support.story import FORMER, WEEK_48, Story
from toolkit.models import Repair, SavedTopic, SharedValue, TriggerScript

URLS = ["/settings/export/", JSON_URL, HTML_URL]


def plant_private_words(couple: Couple, person: User) -> None:
    """What only `person` may read: a draft of this week, a private trigger script, a topic
    saved for therapy with a note, and a script shared with the partner (the partner reads it
    in Hearth but never takes it away in a file)."""
    name = person.display_name.lower()
    checkin, _ = CheckIn.objects.get_or_create(couple=couple, week_start=current_week(couple))
    Entry.objects.create(
        checkin=checkin, author=person, small_win=f"{name}-draft-win", challenge=f"{name}-draft"
    )
    TriggerScript.objects.create(
        couple=couple, author=person, when_i_notice=f"{name}-private-script", i_will="breathe"
    )
    TriggerScript.objects.create(
        couple=couple,
        author=person,
        when_i_notice=f"{name}-shared-script",
        i_will="walk",
        shared_at=timezone.now(),
    )
    SavedTopic.objects.create(
        couple=couple, author=person, topic=f"{name}-therapy-topic", note=f"{name}-therapy-note"
    )


def shared_week(couple: Couple, alice: User, bob: User, weeks_ago: int) -> CheckIn:
    """A week both shared, with Bob's listening to Alice's challenge and her answer."""
    now = timezone.now()
    checkin = CheckIn.objects.create(
        couple=couple,
        week_start=current_week(couple) - timedelta(weeks=weeks_ago),
        revealed_at=now,
        next_step=f"step {weeks_ago}",
        next_step_by=alice,
        next_step_at=now,
        closed_at=now,
    )
    for person in (alice, bob):
        entry = Entry.objects.create(
            checkin=checkin,
            author=person,
            small_win=f"{person.display_name}'s win {weeks_ago}",
            challenge=f"{person.display_name}'s challenge {weeks_ago}",
            shared_at=now,
            revealed_at=now,
        )
        if person == alice:
            Reflection.objects.create(
                entry=entry, listener=bob, heard=f"heard {weeks_ago}", answer="yes", answered_at=now
            )
    return checkin


def history(couple: Couple, alice: User, bob: User, weeks: int) -> None:
    """`weeks` weeks of everything a couple keeps."""
    now = timezone.now()
    for ago in range(1, weeks + 1):
        shared_week(couple, alice, bob, ago)
        agreement = Agreement.objects.create(
            couple=couple, title=f"Agreement {ago}", category="home", status="active", version=1
        )
        accepted = AgreementVersion.objects.create(
            agreement=agreement,
            text=f"Words {ago}",
            base_version=0,
            number=1,
            status="accepted",
            proposed_by=alice,
            responded_by=bob,
            responded_at=now,
            expires_at=now + timedelta(days=14),
        )
        Agreement.objects.filter(pk=agreement.pk).update(current=accepted)
        AgreementVersion.objects.create(
            agreement=agreement,
            text=f"Declined words {ago}",
            base_version=1,
            status="declined",
            proposed_by=bob,
            responded_by=alice,
            responded_at=now,
            decline_reason="not yet",
            expires_at=now + timedelta(days=14),
        )
        started = now - timedelta(days=7 * ago)
        PauseSignal.objects.create(
            couple=couple,
            sender=bob,
            phrase=f"pause {ago}",
            started_at=started,
            returns_at=started + timedelta(minutes=20),
            ended_at=started + timedelta(minutes=30),
            end_reason="ready",
        )
        Repair.objects.create(
            couple=couple,
            author=alice,
            acknowledgement=f"ack {ago}",
            apology="sorry",
            plan="plan",
            follow_up_on=started.date(),
            response="thank you",
            responded_by=bob,
            responded_at=now,
        )
        ActivityEntry.objects.create(couple=couple, actor=alice, message=f"did thing {ago}")
        TriggerScript.objects.create(
            couple=couple, author=alice, when_i_notice=f"notice {ago}", i_will="breathe"
        )
        SavedTopic.objects.create(couple=couple, author=alice, topic=f"topic {ago}")
        SharedValue.objects.create(couple=couple, name=f"value {ago}")


# Who finds what


@pytest.mark.parametrize(("me", "other"), [("alice", "bob"), ("bob", "alice")])
def test_each_partner_takes_their_own_private_words_and_never_the_others(
    me: str,
    other: str,
    couple: Couple,
    alice: User,
    bob: User,
    signed_in_again: tuple[Client, Client],
) -> None:
    history(couple, alice, bob, weeks=2)
    plant_private_words(couple, alice)
    plant_private_words(couple, bob)
    client = signed_in_again[0] if me == "alice" else signed_in_again[1]

    data = json.dumps(exported(client), ensure_ascii=False)
    page = visible_words(download(client, HTML_URL))
    for text in (data, page):
        for own in (
            "draft-win",
            "private-script",
            "shared-script",
            "therapy-topic",
            "therapy-note",
        ):
            assert f"{me}-{own}" in text, own
            assert f"{other}-{own}" not in text, own
        # The couple's shared records are there for both: each partner's shared words.
        assert "Alice's win 2" in text
        assert "Bob's challenge 1" in text
        assert "Declined words 2" in text


def test_the_json_names_who_did_what_and_keeps_drafts_marked(
    couple: Couple, alice: User, bob: User, signed_in_again: tuple[Client, Client]
) -> None:
    history(couple, alice, bob, weeks=1)
    plant_private_words(couple, alice)
    data = exported(signed_in_again[0])

    assert data["schema_version"] == 1
    assert data["time_zone"] == "Europe/Berlin"
    assert str(data["exported_at"]).endswith("Z")
    week, this_week = data["checkins"]
    assert [e["by"] for e in week["entries"]] == ["you", "partner"]
    assert week["entries"][0]["reflections"][0]["by"] == "partner"
    assert week["next_step_by"] == "you"
    draft = this_week["entries"][0]
    assert (draft["small_win"], draft["shared_at"]) == ("alice-draft-win", None)
    (agreement,) = data["agreements"]
    versions = {v["text"]: v for v in agreement["versions"]}
    accepted = versions["Words 1"]
    assert (accepted["proposed_by"], accepted["responded_by"], accepted["status"]) == (
        "you",
        "partner",
        "accepted",
    )
    assert versions["Declined words 1"]["decline_reason"] == "not yet"
    # Ids are the records' own, the same in every export.
    assert exported(signed_in_again[0])["checkins"][0]["id"] == week["id"]


def test_the_json_holds_the_persons_own_reminder_choices(
    couple: Couple, alice: User, bob: User, signed_in_again: tuple[Client, Client]
) -> None:
    schedule = couple.schedules.get()
    ReminderOptOut.objects.create(schedule=schedule, user=alice, offset_minutes=60)
    ReminderOptOut.objects.create(schedule=schedule, user=bob, offset_minutes=1440)
    alices, bobs = (exported(client)["schedules"][0] for client in signed_in_again)
    assert {r["minutes_before"]: r["emailed_to_you"] for r in alices["reminders"]} == {
        1440: True,
        60: False,
    }
    assert {r["minutes_before"]: r["emailed_to_you"] for r in bobs["reminders"]} == {
        1440: False,
        60: True,
    }


def test_a_person_without_a_couple_exports_their_account(db: None) -> None:
    loner = UserFactory.create(display_name="Lin", time_zone="Asia/Tokyo")
    client = client_for(loner)
    enter_password_again(client)

    data = exported(client)
    assert data["couple"] is None
    assert data["account"]["display_name"] == "Lin"
    assert data["time_zone"] == "Asia/Tokyo"
    assert all(data[part] == [] for part in ("checkins", "agreements", "activity"))
    assert "You are not in a shared space" in visible_words(download(client, HTML_URL))


def test_another_couple_exports_nothing_of_the_first(
    couple: Couple, alice: User, bob: User, charlie_client: Client
) -> None:
    history(couple, alice, bob, weeks=2)
    plant_private_words(couple, alice)
    enter_password_again(charlie_client)
    for url in (JSON_URL, HTML_URL):
        text = download(charlie_client, url)
        assert not re.search(r"Alice|Bob|alice-|Agreement \d|heard \d", text), url


def test_a_partner_who_joined_later_takes_nothing_from_before_she_came(story: Story) -> None:
    with time_machine.travel(WEEK_48 + timedelta(hours=4)):
        enter_password_again(story.fay_client)
        data = json.dumps(exported(story.fay_client), ensure_ascii=False)
        page = download(story.fay_client, HTML_URL)
        for text in (data, page):
            leaks = [text[max(0, m.start() - 60) : m.end() + 30] for m in FORMER.finditer(text)]
            assert not leaks
            # What the couple lives by carries over, and this week is hers and Erin's.
            assert "We keep our evenings calm." in text
            assert "fay-win" in text
            assert "a quiet walk" in text


def test_the_partner_who_stayed_takes_the_former_partners_shared_words(story: Story) -> None:
    with time_machine.travel(WEEK_48 + timedelta(hours=4)):
        enter_password_again(story.erin_client)
        data = exported(story.erin_client)
        week_46 = next(w for w in data["checkins"] if w["week"] == "2026-W46")
        dans = next(e for e in week_46["entries"] if e["small_win"] == "dan-win")
        assert dans["by"] == "former_partner"
        assert "A former partner" in visible_words(download(story.erin_client, HTML_URL))
        text = json.dumps(data, ensure_ascii=False)
        # Dan's share of week 48 was never revealed; his script and topic went with him.
        for never in ("dan-now", "dan-script", "dan-topic"):
            assert never not in text, never


def test_someone_who_left_takes_only_their_account(story: Story) -> None:
    with time_machine.travel(WEEK_48 + timedelta(hours=4)):
        enter_password_again(story.dan_client)
        data = exported(story.dan_client)
        assert data["couple"] is None
        text = json.dumps(data, ensure_ascii=False)
        assert not re.search(r"dan-|erin|Erin|fay", text)


def enable_push(person: User, device: str, added: datetime, used: datetime | None) -> None:
    """A device where `person` enabled push, with its browser's secrets named after them."""
    name = person.display_name.lower()
    PushSubscription.objects.create(
        user=person,
        endpoint=f"https://push.example.net/{name}-endpoint/{device.replace(' ', '-')}",
        p256dh=f"{name}-p256dh",
        auth=f"{name}-auth",
        device=device,
        created_at=added,
        last_used=used,
    )


ADDED = datetime(2026, 11, 2, 8, 30, tzinfo=UTC)
USED = datetime(2026, 11, 20, 21, 5, tzinfo=UTC)


@pytest.mark.parametrize(("me", "other"), [("alice", "bob"), ("bob", "alice")])
def test_each_partner_takes_their_own_push_devices_without_their_secrets(
    me: str, other: str, alice: User, bob: User, signed_in_again: tuple[Client, Client]
) -> None:
    enable_push(alice, "Firefox on Android", ADDED, USED)
    enable_push(alice, "Safari on macOS", ADDED + timedelta(days=1), None)
    enable_push(bob, "Edge on Windows", ADDED, USED)
    client = signed_in_again[0] if me == "alice" else signed_in_again[1]

    data = exported(client)
    devices = data["account"]["push_devices"]
    if me == "alice":
        assert devices == [
            {
                "name": "Firefox on Android",
                "added_at": "2026-11-02T08:30:00Z",
                "last_used_at": "2026-11-20T21:05:00Z",
            },
            {"name": "Safari on macOS", "added_at": "2026-11-03T08:30:00Z", "last_used_at": None},
        ]
    else:
        assert devices == [
            {
                "name": "Edge on Windows",
                "added_at": "2026-11-02T08:30:00Z",
                "last_used_at": "2026-11-20T21:05:00Z",
            }
        ]
    page = visible_words(download(client, HTML_URL))
    for text in (json.dumps(data, ensure_ascii=False), download(client, HTML_URL)):
        for secret in ("endpoint", "p256dh", "auth"):
            assert f"{me}-{secret}" not in text, secret
            assert f"{other}-{secret}" not in text, secret
        assert "push.example.net" not in text
    if me == "alice":
        assert "Firefox on Android, added 2 Nov 2026, last used 20 Nov 2026" in page
        assert "Safari on macOS, added 3 Nov 2026" in page
        assert "Edge on Windows" not in page
    else:
        assert "Edge on Windows, added 2 Nov 2026, last used 20 Nov 2026" in page
        assert "Firefox on Android" not in page


def test_someone_without_push_devices_exports_none(
    signed_in_again: tuple[Client, Client],
) -> None:
    assert exported(signed_in_again[0])["account"]["push_devices"] == []
    assert "Devices with notifications None" in visible_words(
        download(signed_in_again[0], HTML_URL)
    )


def test_partners_before_and_after_a_leaving_each_take_only_their_own_devices(
    story: Story,
) -> None:
    for person, device in (
        (story.dan, "Firefox on Linux"),
        (story.erin, "Safari on iPhone"),
        (story.fay, "Chrome on Android"),
    ):
        enable_push(person, device, ADDED, None)
    with time_machine.travel(WEEK_48 + timedelta(hours=4)):
        for client, own in (
            (story.dan_client, "Firefox on Linux"),
            (story.erin_client, "Safari on iPhone"),
            (story.fay_client, "Chrome on Android"),
        ):
            enter_password_again(client)
            data = exported(client)
            assert [d["name"] for d in data["account"]["push_devices"]] == [own]
            text = json.dumps(data) + download(client, HTML_URL)
            others = {"Firefox on Linux", "Safari on iPhone", "Chrome on Android"} - {own}
            assert not [name for name in others if name in text]


# Signing in, and the password again


@pytest.mark.parametrize("url", URLS)
def test_an_anonymous_visitor_is_sent_to_log_in(url: str, db: None) -> None:
    response = Client().get(url)
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/accounts/login/?next=")


@pytest.mark.parametrize("url", URLS)
def test_a_stale_session_enters_the_password_again_and_comes_back(
    url: str, alice_client: Client
) -> None:
    with time_machine.travel(datetime(2026, 12, 1, 9, 0, tzinfo=UTC), tick=False) as clock:
        enter_password_again(alice_client)
        assert alice_client.get(url).status_code == 200
        clock.shift(timedelta(minutes=6))

        response = alice_client.get(url)
        assert response.status_code == 302
        assert (
            response.headers["Location"]
            == f"/accounts/reauthenticate/?next={url.replace('/', '%2F')}"
        )
        wrong = alice_client.post(response.headers["Location"], {"password": "not it"})
        assert wrong.status_code == 200
        assert alice_client.get(url).status_code == 302

        back = alice_client.post(response.headers["Location"], {"password": "a calm evening walk"})
        assert back.status_code == 302
        assert back.headers["Location"] == url
        assert alice_client.get(url).status_code == 200


def test_the_page_says_what_the_file_holds_and_never_holds(
    signed_in_again: tuple[Client, Client],
) -> None:
    alice = signed_in_again[0]
    assert "/settings/export/" in alice.get("/settings/").content.decode()
    page = visible_words(alice.get("/settings/export/"))
    assert "Your partner's drafts, trigger scripts and topics saved for therapy" in page
    assert "Your check-in entries, drafts included" in page
    assert "the devices where you enabled notifications" in page
    assert "the addresses your browsers receive notifications at" in page
    links = alice.get("/settings/export/").content.decode()
    assert f'href="{JSON_URL}"' in links
    assert f'href="{HTML_URL}"' in links


def test_posting_to_a_download_is_refused(signed_in_again: tuple[Client, Client]) -> None:
    assert signed_in_again[0].post(JSON_URL).status_code == 405


# The answer itself


@pytest.mark.parametrize(
    ("url", "content_type"),
    [(JSON_URL, "application/json; charset=utf-8"), (HTML_URL, "text/html; charset=utf-8")],
)
def test_a_download_is_a_dated_attachment_with_the_sites_security_headers(
    url: str, content_type: str, signed_in_again: tuple[Client, Client]
) -> None:
    alice = signed_in_again[0]
    with time_machine.travel(datetime(2026, 12, 31, 23, 30, tzinfo=UTC)):
        enter_password_again(alice)
        response = alice.get(url)
    assert response.streaming
    assert response.headers["Content-Type"] == content_type
    # 31 December in UTC is already 1 January in Alice's Berlin.
    extension = url.rsplit(".", 1)[1]
    assert response.headers["Content-Disposition"] == (
        f'attachment; filename="hearth-export-2027-01-01.{extension}"'
    )
    # The site's own policy; a file has no scripts, so it carries no nonce.
    assert response.headers["Content-Security-Policy"] == build_policy(settings.SECURE_CSP)
    assert "frame-ancestors 'none'" in response.headers["Content-Security-Policy"]
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["Referrer-Policy"] == "same-origin"
    assert "no-store" in response.headers["Cache-Control"]


def test_the_page_escapes_hostile_words_and_keeps_every_character(
    couple: Couple, alice: User, bob: User, signed_in_again: tuple[Client, Client]
) -> None:
    hostile = '<script>alert("x")</script><img src=x onerror=alert(1)>{{ 7|add:1 }}'
    exact = "שלום עליך 👋🏽 family 👨‍👩‍👧 café e\u0301 مرحبا"
    checkin = shared_week(couple, alice, bob, weeks_ago=1)
    Entry.objects.filter(checkin=checkin, author=bob).update(small_win=hostile, challenge=exact)
    alice_client = signed_in_again[0]

    page = download(alice_client, HTML_URL)
    assert "<script" not in page
    assert "<img" not in page
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in page
    assert "{{ 7|add:1 }}" in page
    assert exact in page
    assert f'<dd dir="auto">{exact}</dd>' in page.replace("\n", "").replace("  ", "")
    # The file allows its own stylesheet and nothing else, wherever it is opened.
    style = re.search(r"<style>(.*?)</style>", page, re.DOTALL)
    assert style
    digest = base64.b64encode(hashlib.sha256(style[1].encode()).digest()).decode()
    assert f"content=\"default-src 'none'; style-src &#x27;sha256-{digest}&#x27;\"" in page

    entries = exported(alice_client)["checkins"][0]["entries"]
    bobs = next(e for e in entries if e["by"] == "partner")
    assert (bobs["small_win"], bobs["challenge"]) == (hostile, exact)
    assert exact in download(alice_client, JSON_URL)


# Cost


@pytest.fixture(params=[1, 20], ids=["1 week", "20 weeks"])
def weeks(request: pytest.FixtureRequest, couple: Couple, alice: User, bob: User) -> int:
    history(couple, alice, bob, weeks=request.param)
    plant_private_words(couple, alice)
    return int(request.param)


# The session and the person, allauth's look at which ways of re-entering they have (three
# kinds of two-factor), their couple and partner; then one query for each part of the file: the
# account with its email choices and calendar feed, its push devices, its email addresses, the weeks, their
# entries, the reflections, the agreements, their versions, pauses, repairs, trigger scripts,
# topics saved for therapy, shared words, values, reminder choices, schedules and activity.
EXPORT_QUERIES = 24


@pytest.mark.parametrize("url", [JSON_URL, HTML_URL])
def test_a_download_costs_the_same_queries_however_long_the_history(
    url: str,
    weeks: int,
    signed_in_again: tuple[Client, Client],
    django_assert_num_queries: DjangoAssertNumQueries,
) -> None:
    alice = signed_in_again[0]
    with django_assert_num_queries(EXPORT_QUERIES):
        text = download(alice, url)
    assert f"Bob's challenge {weeks}" in visible_words(text)
    assert f"ack {weeks}" in text


def test_the_export_page_costs_the_same_queries_however_long_the_history(
    weeks: int,
    signed_in_again: tuple[Client, Client],
    django_assert_num_queries: DjangoAssertNumQueries,
) -> None:
    # The session, the person, allauth's three two-factor checks, their couple and the pause
    # banner.
    with django_assert_num_queries(7):
        page = signed_in_again[0].get("/settings/export/")
    assert page.status_code == 200


def test_every_part_of_the_export_and_each_erasure_is_registered_by_its_app() -> None:
    assert set(registry.EXPORT_SECTIONS) == set(SECTIONS)
    assert set(registry.ACCOUNT_PARTS) == set(ACCOUNT_PARTS)
    assert {erase.__module__ for erase in registry.ERASERS} == {
        "checkins.exports",
        "toolkit.exports",
    }


def test_the_readable_export_names_weeks_rules_and_zones_in_words(
    couple: Couple, alice: User, bob: User, signed_in_again: tuple[Client, Client]
) -> None:
    monday = current_week(couple)
    CheckIn.objects.create(couple=couple, week_start=monday)
    page = visible_words(download(signed_in_again[0], HTML_URL))

    berlin = zone_label("Europe/Berlin", timezone.now())
    assert f"Week of {week_dates(monday, today=timezone.localdate())}" in page
    assert f"Every Sunday at 19:00 in {berlin}, from" in page
    assert f"Times are shown in your time zone, {berlin}." in page
    for machine_words in (f"{monday:%G-W%V}", "FREQ=", "Europe/Berlin"):
        assert machine_words not in page
    assert exported(signed_in_again[0])["time_zone"] == "Europe/Berlin"
