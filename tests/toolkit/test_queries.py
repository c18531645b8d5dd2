from __future__ import annotations

from datetime import date

import pytest
from django.test import Client

from couples.models import Couple, User
from tests.conftest import HOME_QUERIES
from toolkit.models import Phrase, Repair, SavedTopic, SharedValue, TriggerScript

# user and couple come first on every page (the session comes from the cache); the rest is the
# page's own. The same counts hold for 1 and 50 of each thing.
PAGES = {
    "/toolkit/": 2,
    "/toolkit/words/": 3,  # + phrases
    "/toolkit/scripts/": 5,  # + partners, my scripts, shared with me
    "/toolkit/therapy/": 3,  # + my topics
    "/toolkit/therapy/agenda/": 3,  # + my open topics
    "/toolkit/therapy/agenda.txt": 3,
    "/toolkit/repairs/": 4,  # + partners, repairs with authors
    "/toolkit/repairs/{repair}/": 4,  # + repair with author and responder, partners
    "/toolkit/values/": 3,  # + values
    "/toolkit/words/{phrase}/": 3,
    "/toolkit/scripts/{script}/": 3,
    "/toolkit/therapy/{topic}/": 3,
    "/toolkit/values/{value}/": 3,
}


def fill(couple: Couple, alice: User, bob: User, n: int) -> dict[str, int]:
    for i in range(n):
        Phrase.objects.create(couple=couple, group="feel", text=f"I feel {i}", position=100 + i)
        Phrase.objects.create(
            couple=couple, group="need", text=f"old {i}", retired_at="2026-01-01T00:00Z"
        )
        TriggerScript.objects.create(couple=couple, author=alice, when_i_notice=f"{i}", i_will="x")
        TriggerScript.objects.create(
            couple=couple,
            author=bob,
            when_i_notice=f"{i}",
            i_will="y",
            shared_at="2026-01-01T00:00Z",
        )
        SavedTopic.objects.create(couple=couple, author=alice, topic=f"t{i}", note="n")
        SavedTopic.objects.create(
            couple=couple, author=alice, topic=f"d{i}", discussed_at="2026-01-01T00:00Z"
        )
        Repair.objects.create(
            couple=couple,
            author=alice if i % 2 else bob,
            acknowledgement="a",
            apology="b",
            plan="c",
            follow_up_on=date(2026, 1, 1),
            response="r",
            responded_by=bob if i % 2 else alice,
        )
        SharedValue.objects.create(couple=couple, name=f"v{i}")
    return {
        "phrase": Phrase.objects.filter(couple=couple).first().pk,
        "script": TriggerScript.objects.filter(author=alice).first().pk,
        "topic": SavedTopic.objects.filter(author=alice).first().pk,
        "repair": Repair.objects.filter(couple=couple).first().pk,
        "value": SharedValue.objects.filter(couple=couple).first().pk,
    }


@pytest.mark.parametrize("items", [1, 50])
@pytest.mark.parametrize(("page", "queries"), PAGES.items())
def test_toolkit_pages_do_not_query_more_with_more_items(
    couple: Couple,
    alice: User,
    bob: User,
    alice_client: Client,
    django_assert_num_queries,
    page: str,
    queries: int,
    items: int,
) -> None:
    path = page.format(**fill(couple, alice, bob, items))
    with django_assert_num_queries(queries):
        response = alice_client.get(path)
    assert response.status_code == 200


@pytest.mark.parametrize("items", [1, 50])
def test_the_home_page_queries_the_values_once(
    couple: Couple,
    alice: User,
    bob: User,
    alice_client: Client,
    django_assert_num_queries,
    items: int,
) -> None:
    fill(couple, alice, bob, items)
    with django_assert_num_queries(HOME_QUERIES):
        assert alice_client.get("/").status_code == 200
