"""The opt-in email "your partner has shared": off by default, one neutral email when the
partner shares something the person may read, at most one an hour with what waited collapsed
into the next, exactly once however often its task runs, and switched off in one click."""

from __future__ import annotations

import ast
import re
from collections.abc import Callable
from datetime import timedelta

import pytest
import time_machine
from django.conf import settings
from django.test import Client
from django.utils import timezone
from pytest_django import DjangoAssertNumQueries, Settings

from agreements import services as agreements
from couples import services as couples
from couples.models import Couple, User
from notices import services, tasks
from notices.models import Kind, Notice, NoticeEmail
from tests.support.notices import SUBJECT, Capture, notice_emails, opt_in, propose, sent_to, share
from tests.support.pages import Response


def test_nobody_is_emailed_while_the_email_is_off(
    couple: Couple, alice: User, bob: User, django_capture_on_commit_callbacks: Capture
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        share(couple, alice)
        share(couple, bob)
        proposal = propose(couple, alice)
        agreements.accept(agreement=proposal.agreement, proposal_id=proposal.pk, by=bob)
    assert notice_emails() == []
    assert not Notice.objects.exists()


def test_a_partner_who_opted_in_gets_one_neutral_email_when_the_check_in_opens_to_them(
    couple: Couple, alice: User, bob: User, django_capture_on_commit_callbacks: Capture
) -> None:
    opt_in(alice, bob)
    with django_capture_on_commit_callbacks(execute=True):
        share(couple, alice)
    # Alice's entry waits, unread, until Bob shares too: nothing to tell him yet.
    assert notice_emails() == []
    with django_capture_on_commit_callbacks(execute=True):
        share(couple, bob)
    [email] = notice_emails()
    assert email.to == [alice.email]
    assert email.subject == SUBJECT
    assert "Your partner shared their check-in with you." in email.body
    assert f"{settings.SITE_URL}/settings/notice-email/unsubscribe/" in email.body
    assert f"{settings.SITE_URL}/\n" in email.body
    assert email.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert re.fullmatch(
        r"<https?://\S+/settings/notice-email/unsubscribe/\S+/>",
        email.extra_headers["List-Unsubscribe"],
    )
    assert NoticeEmail.objects.get().sent_at == timezone.now()


def test_proposing_and_answering_an_agreement_each_tell_the_other_partner(
    couple: Couple, alice: User, bob: User, django_capture_on_commit_callbacks: Capture
) -> None:
    opt_in(alice, bob)
    with django_capture_on_commit_callbacks(execute=True):
        proposal = propose(couple, alice)
    [to_bob] = sent_to(bob)
    assert "Your partner proposed wording for an agreement." in to_bob.body
    assert sent_to(alice) == []
    with django_capture_on_commit_callbacks(execute=True):
        agreements.decline(
            agreement=proposal.agreement, proposal_id=proposal.pk, by=bob, reason="Not yet"
        )
    [to_alice] = sent_to(alice)
    assert "Your partner answered a proposal." in to_alice.body
    assert len(sent_to(bob)) == 1


def test_the_person_who_shared_is_never_told(
    couple: Couple, alice: User, bob: User, django_capture_on_commit_callbacks: Capture
) -> None:
    opt_in(alice)
    with django_capture_on_commit_callbacks(execute=True):
        propose(couple, alice)
    assert notice_emails() == []
    assert not Notice.objects.exists()


def test_a_second_event_within_the_hour_waits_and_the_next_after_it_brings_both(
    couple: Couple,
    alice: User,
    bob: User,
    django_capture_on_commit_callbacks: Capture,
    clock: time_machine.Traveller,
) -> None:
    opt_in(bob)
    with django_capture_on_commit_callbacks(execute=True):
        propose(couple, alice, "Phones at dinner")
    assert len(notice_emails()) == 1

    clock.shift(timedelta(minutes=10))
    with django_capture_on_commit_callbacks(execute=True):
        propose(couple, alice, "Screens in the bedroom")
    assert len(notice_emails()) == 1
    assert Notice.objects.filter(email__isnull=True).count() == 1

    clock.shift(timedelta(minutes=51))
    with django_capture_on_commit_callbacks(execute=True):
        propose(couple, alice, "Messages at work")
    assert len(notice_emails()) == 2
    second = notice_emails()[1]
    assert second.subject == SUBJECT
    assert "Your partner proposed wording for 2 agreements." in second.body
    assert not Notice.objects.filter(email__isnull=True).exists()


def test_what_waited_goes_out_once_its_hour_has_passed_without_another_event(
    couple: Couple,
    alice: User,
    bob: User,
    django_capture_on_commit_callbacks: Capture,
    clock: time_machine.Traveller,
) -> None:
    opt_in(bob)
    with django_capture_on_commit_callbacks(execute=True):
        propose(couple, alice, "Phones at dinner")
    clock.shift(timedelta(minutes=10))
    with django_capture_on_commit_callbacks(execute=True):
        propose(couple, alice, "Screens in the bedroom")
    assert tasks.send_due_notices() == 0

    clock.shift(timedelta(minutes=50))
    assert tasks.send_due_notices() == 1
    assert tasks.send_due_notices() == 0
    assert len(notice_emails()) == 2
    assert "Your partner proposed wording for an agreement." in notice_emails()[1].body


def test_the_task_run_twice_sends_one_email(
    couple: Couple, alice: User, bob: User, django_capture_on_commit_callbacks: Capture
) -> None:
    opt_in(bob)
    with django_capture_on_commit_callbacks(execute=False) as enqueued:
        propose(couple, alice)
    for callback in [*enqueued, *enqueued]:
        callback()
    tasks.send_notices(bob.pk)
    email = NoticeEmail.objects.get()
    assert services.send_emails(email_ids=[email.pk], now=timezone.now()) == 0
    assert len(notice_emails()) == 1


def test_an_email_whose_worker_died_is_sent_once_after_its_lease(
    couple: Couple,
    alice: User,
    bob: User,
    django_capture_on_commit_callbacks: Capture,
    clock: time_machine.Traveller,
) -> None:
    opt_in(bob)
    with django_capture_on_commit_callbacks(execute=False):
        propose(couple, alice)
    # A worker gathered the email and claimed it, then died before sending.
    email = services._gather(bob.pk, timezone.now())
    assert email is not None
    NoticeEmail.objects.filter(pk=email.pk).update(claimed_at=timezone.now())
    assert tasks.send_due_notices() == 0

    clock.shift(NoticeEmail.LEASE + timedelta(seconds=1))
    assert tasks.send_due_notices() == 1
    assert tasks.send_due_notices() == 0
    assert len(notice_emails()) == 1


def test_one_event_recorded_twice_is_one_notice(couple: Couple, alice: User, bob: User) -> None:
    opt_in(bob)
    for _time in range(2):
        services.record(couple=couple, actor=alice, kind=Notice.Kind.ANSWER, thing_id=7)
    assert Notice.objects.count() == 1


def test_someone_who_left_before_the_email_went_out_is_not_told(
    couple: Couple, alice: User, bob: User, django_capture_on_commit_callbacks: Capture
) -> None:
    opt_in(bob)
    with django_capture_on_commit_callbacks(execute=False) as enqueued:
        propose(couple, alice)
    couples.leave_couple(user=bob)
    for callback in enqueued:
        callback()
    assert notice_emails() == []
    assert not Notice.objects.exists()


def unsubscribe_path(user: User) -> str:
    [email] = sent_to(user)
    header: str = email.extra_headers["List-Unsubscribe"]
    url = header.strip("<>")
    return "/" + url.split("/", 3)[3]


def test_the_one_click_unsubscribe_turns_the_email_off(
    couple: Couple,
    alice: User,
    bob: User,
    django_capture_on_commit_callbacks: Capture,
    clock: time_machine.Traveller,
) -> None:
    opt_in(bob)
    with django_capture_on_commit_callbacks(execute=True):
        propose(couple, alice, "Phones at dinner")
    # A mail app posts without cookies or a CSRF token (RFC 8058).
    mail_app = Client(enforce_csrf_checks=True)
    response = mail_app.post(unsubscribe_path(bob), {"List-Unsubscribe": "One-Click"})
    assert response.status_code == 200
    assert not services.wants(bob, Kind.SHARED)

    clock.shift(timedelta(hours=2))
    with django_capture_on_commit_callbacks(execute=True):
        propose(couple, alice, "Screens in the bedroom")
    assert len(notice_emails()) == 1


def test_the_unsubscribe_link_opened_in_a_browser_asks_first(
    couple: Couple,
    alice: User,
    bob: User,
    django_capture_on_commit_callbacks: Capture,
    words: Callable[[Response | str], str],
) -> None:
    opt_in(bob)
    with django_capture_on_commit_callbacks(execute=True):
        propose(couple, alice)
    path = unsubscribe_path(bob)
    page = Client().get(path)
    assert "Stop these emails" in words(page)
    assert services.wants(bob, Kind.SHARED)

    done = Client().post(path)
    assert "Done: you won't get these emails any more." in words(done)
    assert not services.wants(bob, Kind.SHARED)
    assert "These emails were already off." in words(Client().get(path))


def test_the_unsubscribe_page_leads_back_to_the_notifications_settings(
    bob: User, bob_client: Client
) -> None:
    opt_in(bob)
    done = Client().post(f"/settings/notice-email/unsubscribe/{services.unsubscribe_token(bob)}/")
    [target] = re.findall(r'href="/settings/#([\w-]+)"', done.content.decode())
    assert f'id="{target}"' in bob_client.get("/settings/").content.decode()


def test_a_damaged_unsubscribe_link_says_so_and_changes_nothing(
    bob: User, words: Callable[[Response | str], str]
) -> None:
    opt_in(bob)
    response = Client().post("/settings/notice-email/unsubscribe/not-a-real-link/")
    assert response.status_code == 400
    assert "This link isn't valid." in words(response)
    assert services.wants(bob, Kind.SHARED)


def test_unsubscribing_costs_the_same_queries_however_much_waited(
    couple: Couple, alice: User, bob: User, django_assert_num_queries: DjangoAssertNumQueries
) -> None:
    opt_in(bob)
    path = f"/settings/notice-email/unsubscribe/{services.unsubscribe_token(bob)}/"
    for size in (1, 20):
        services.set_email_me(user=bob, email_me=True)
        for n in range(size):
            services.record(couple=couple, actor=alice, kind=Notice.Kind.ANSWER, thing_id=n)
        with django_assert_num_queries(4):
            assert Client().post(path).status_code == 200
        assert not Notice.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_two_workers_at_once_send_one_email(
    couple: Couple, alice: User, bob: User, at_once: Callable[..., list[object]]
) -> None:
    proposal = propose(couple, alice)
    opt_in(bob)
    Notice.objects.create(
        recipient=bob, couple=couple, kind=Notice.Kind.PROPOSAL, thing_id=proposal.pk
    )
    now = timezone.now()

    def send() -> bool:
        return services.send_waiting(recipient_id=bob.pk, now=now)

    assert sorted(at_once(send, send), key=str) == [False, True]
    assert len(sent_to(bob)) == 1
    assert NoticeEmail.objects.count() == 1


def test_what_a_tick_cannot_send_in_its_time_goes_out_in_a_follow_up_once(
    couple: Couple,
    alice: User,
    bob: User,
    settings: Settings,
    django_capture_on_commit_callbacks: Capture,
) -> None:
    opt_in(alice, bob)
    with django_capture_on_commit_callbacks(execute=False):
        propose(couple, alice, "Phones at dinner")
        propose(couple, bob, "Screens in the bedroom")
    # No time to send more than the first message.
    settings.OUTBOX_SEND_SECONDS = 0

    with django_capture_on_commit_callbacks(execute=False) as follow_ups:
        assert tasks.send_due_notices() == 1
    assert len(notice_emails()) == 1
    waiting = NoticeEmail.objects.get(sent_at__isnull=True)
    assert waiting.claimed_at is None
    assert len(follow_ups) == 1

    follow_ups[0]()
    assert tasks.send_due_notices() == 0
    emails = notice_emails()
    assert sorted(m.to[0] for m in emails) == [alice.email, bob.email]
    assert sorted(m.extra_headers["Message-ID"] for m in emails) == sorted(
        f"<notice-{pk}@127.0.0.1>" for pk in NoticeEmail.objects.values_list("pk", flat=True)
    )
    assert set(NoticeEmail.objects.values_list("message_id", flat=True)) == {
        m.extra_headers["Message-ID"] for m in emails
    }


def test_notices_read_no_model_of_the_apps_whose_things_they_tell_of() -> None:
    imported = {
        node.module
        for path in (settings.BASE_DIR / "notices").glob("*.py")
        for node in ast.walk(ast.parse(path.read_text()))
        if isinstance(node, ast.ImportFrom) and node.module
    }
    assert not {m for m in imported if m.split(".")[0] in {"checkins", "agreements"}}
