from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.core import mail
from django.test import Client
from django.utils import timezone
from pytest_django import DjangoCaptureOnCommitCallbacks

from couples import services
from couples.models import Couple, Invitation, User, hash_token
from tests.factories import UserFactory, pair
from tests.support.people import client_for


@pytest.fixture
def waiting(alice: User) -> Couple:
    """Alice's space before her partner joins."""
    return pair(alice)


def invite(couple: Couple, inviter: User, email: str = "") -> str:
    return services.invite_partner(couple=couple, inviter=inviter, email=email)[1]


def test_an_invitation_stores_only_a_hash_of_its_token(waiting: Couple, alice: User) -> None:
    token = invite(waiting, alice)
    invitation = Invitation.objects.get()
    assert invitation.token_hash == hash_token(token)
    assert token not in invitation.token_hash
    assert invitation.expires_at - invitation.created_at == timedelta(days=7)


def test_inviting_by_link_shows_the_link_once(waiting: Couple, alice: User) -> None:
    client = client_for(alice)
    client.post("/couple/invite/", {"email": ""})
    first = client.get("/couple/").content.decode()
    assert "/join/" in first
    assert "/join/" not in client.get("/couple/").content.decode()
    assert not mail.outbox


def test_inviting_by_email_sends_the_link_after_commit(
    waiting: Couple, alice: User, django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks
) -> None:
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        client_for(alice).post("/couple/invite/", {"email": "bob@example.com"})
    assert not mail.outbox
    assert len(callbacks) == 1
    callbacks[0]()
    assert mail.outbox[0].to == ["bob@example.com"]
    assert "/join/" in mail.outbox[0].body
    assert isinstance(mail.outbox[0], mail.EmailMultiAlternatives)
    assert "/join/" in mail.outbox[0].alternatives[0].content  # type: ignore[attr-defined]  # django-stubs: plain tuples


def test_a_bad_email_address_is_refused_kindly(waiting: Couple, alice: User) -> None:
    response = client_for(alice).post("/couple/invite/", {"email": "not an email"}, follow=True)
    assert "doesn&#x27;t look right" in response.content.decode()
    assert not Invitation.objects.exists()


def test_resending_replaces_the_old_link(waiting: Couple, alice: User) -> None:
    old = invite(waiting, alice)
    new = invite(waiting, alice)
    newcomer = client_for(UserFactory.create())
    assert "no longer works" in newcomer.get(f"/join/{old}/").content.decode()
    assert newcomer.get(f"/join/{new}/").status_code == 200


def test_a_replaced_link_is_not_emailed_by_a_late_worker(
    waiting: Couple, alice: User, django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks
) -> None:
    with django_capture_on_commit_callbacks(execute=False) as first:
        invite(waiting, alice, "bob@example.com")
    invite(waiting, alice)
    first[0]()
    assert not mail.outbox


def join(client: Client, token: str) -> tuple[int, str]:
    response = client.post(f"/join/{token}/")
    return response.status_code, response.content.decode()


def assert_says_only_the_link_no_longer_works(status: int, page: str, couple: Couple) -> None:
    assert status == 404
    assert "This invitation link no longer works" in page
    assert "Alice" not in page
    assert couple.name not in page


def test_an_expired_invitation_is_refused(waiting: Couple, alice: User) -> None:
    token = invite(waiting, alice)
    with time_machine.travel(timezone.now() + timedelta(days=7, seconds=1)):
        status, page = join(client_for(UserFactory.create()), token)
    assert_says_only_the_link_no_longer_works(status, page, waiting)
    assert waiting.memberships.count() == 1


def test_a_used_invitation_is_refused(waiting: Couple, alice: User) -> None:
    token = invite(waiting, alice)
    assert join(client_for(UserFactory.create()), token)[0] == 302
    status, page = join(client_for(UserFactory.create()), token)
    assert_says_only_the_link_no_longer_works(status, page, waiting)
    assert waiting.memberships.count() == 2


def test_a_revoked_invitation_is_refused(waiting: Couple, alice: User) -> None:
    token = invite(waiting, alice)
    invitation = Invitation.objects.get()
    client_for(alice).post(f"/couple/invitations/{invitation.pk}/revoke/")
    status, page = join(client_for(UserFactory.create()), token)
    assert_says_only_the_link_no_longer_works(status, page, waiting)
    assert waiting.memberships.count() == 1


def test_an_anonymous_visitor_learns_nothing_from_a_used_link(waiting: Couple, alice: User) -> None:
    token = invite(waiting, alice)
    assert join(client_for(UserFactory.create()), token)[0] == 302
    response = Client().get(f"/join/{token}/")
    assert_says_only_the_link_no_longer_works(
        response.status_code, response.content.decode(), waiting
    )


def test_a_tampered_token_is_refused(waiting: Couple, alice: User) -> None:
    token = invite(waiting, alice)
    status, page = join(client_for(UserFactory.create()), token[:-2] + "xy")
    assert_says_only_the_link_no_longer_works(status, page, waiting)
    assert waiting.memberships.count() == 1


def test_a_third_person_is_refused(couple: Couple, alice: User, bob: User) -> None:
    services.leave_couple(user=bob)
    token = invite(couple, alice)
    pair(UserFactory.create(), couple=couple)  # the space filled up another way meanwhile
    status, page = join(client_for(UserFactory.create()), token)
    assert status == 409
    assert "already has two people" in page
    assert couple.memberships.count() == 2


def test_a_full_space_cannot_invite(couple: Couple, alice: User) -> None:
    response = client_for(alice).post("/couple/invite/", {"email": ""}, follow=True)
    assert "already has two people" in response.content.decode()
    assert not Invitation.objects.exists()


def test_someone_already_in_a_couple_is_refused(
    waiting: Couple, alice: User, charlie: User
) -> None:
    token = invite(waiting, alice)
    status, page = join(client_for(charlie), token)
    assert status == 409
    assert "one space at a time" in page
    assert charlie.membership.couple.name == "Charlie's place"
    assert waiting.memberships.count() == 1


def test_the_inviter_cannot_accept_their_own_invitation(waiting: Couple, alice: User) -> None:
    token = invite(waiting, alice)
    status, page = join(client_for(alice), token)
    assert status == 409
    assert "the invitation you created" in page
    assert Invitation.objects.get().accepted_at is None


def test_an_unverified_account_cannot_accept(waiting: Couple, alice: User) -> None:
    token = invite(waiting, alice)
    status, page = join(client_for(UserFactory.create(verified=False)), token)
    assert status == 409
    assert "confirm your email address" in page
    assert waiting.memberships.count() == 1


def test_an_anonymous_visitor_sees_who_invites_them(waiting: Couple, alice: User) -> None:
    token = invite(waiting, alice)
    page = Client().get(f"/join/{token}/").content.decode()
    assert f"Alice invites you to {waiting.name}" in page
    assert "Create an account" in page


def test_revoking_an_invitation_is_logged(waiting: Couple, alice: User) -> None:
    invite(waiting, alice)
    client_for(alice).post(f"/couple/invitations/{Invitation.objects.get().pk}/revoke/")
    page = client_for(alice).get("/couple/").content.decode()
    assert "Alice withdrew the invitation" in " ".join(page.split())
