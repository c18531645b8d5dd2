from __future__ import annotations

from django.test import Client

from checkins.models import CheckIn, Entry, Reflection
from couples.models import Couple, User
from tests.factories import UserFactory
from tests.support.checkins import week_of


def test_the_admin_shows_the_shape_of_a_week_never_its_words(
    couple: Couple, alice: User, bob: User
) -> None:
    checkin = week_of(couple, alice, bob, weeks_ago=0, step="A private step")
    entry = Entry.objects.get(author=alice)
    reflection = Reflection.objects.create(entry=entry, listener=bob, heard="A private paraphrase")
    staff = UserFactory.create(is_staff=True, is_superuser=True)
    client = Client()
    client.force_login(staff)
    for path in (
        "/admin/checkins/checkin/",
        f"/admin/checkins/checkin/{checkin.pk}/change/",
        "/admin/checkins/entry/",
        f"/admin/checkins/entry/{entry.pk}/change/",
        "/admin/checkins/reflection/",
        f"/admin/checkins/reflection/{reflection.pk}/change/",
    ):
        page = client.get(path).content.decode()
        assert client.get(path).status_code == 200, path
        for words in ("s win", "s challenge", "A private step", "A private paraphrase"):
            assert words not in page, (path, words)
    assert CheckIn.objects.count() == 1
