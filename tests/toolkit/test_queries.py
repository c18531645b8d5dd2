from __future__ import annotations

from datetime import date

import pytest
from django.test import Client
from pytest_django import DjangoAssertNumQueries

from couples.models import Couple, User
from tests.support.pages import HOME_QUERIES
from toolkit.models import Phrase, Repair, SavedTopic, SharedValue, TriggerScript

# Session, user, couple and the pause banner come first on every page (the plain-text agenda
# has no banner); the rest is the page's own. The same counts hold for 1 and 50 of each thing,
# and each page shows the things it lists, so the counts are those of pages that really show
# them ({last} is the newest).
PAGES = {
    "/toolkit/": (4, []),
    "/toolkit/words/": (5, ["I feel {last}.", "old {last}."]),  # + phrases
    # + my scripts, shared with me (by a partner still here: part of the same query)
    "/toolkit/scripts/": (6, ["mine {last}.", "Bob: when I notice theirs {last}."]),
    "/toolkit/therapy/": (5, ["topic {last}.", "done {last}."]),  # + my topics
    "/toolkit/therapy/agenda/": (5, ["topic {last}."]),  # + my open topics
    "/toolkit/therapy/agenda.txt": (4, ["topic {last}."]),
    "/toolkit/repairs/": (5, ["plan {last}.", "plan 0."]),  # + repairs with authors
    # + repair with author and responder
    "/toolkit/repairs/{repair}/": (5, ["plan {last}.", "Response from"]),
    "/toolkit/values/": (5, ["value {last}."]),  # + values
    "/toolkit/words/{phrase}/": (5, ["I feel {last}."]),
    "/toolkit/scripts/{script}/": (5, ["mine {last}."]),
    "/toolkit/therapy/{topic}/": (5, ["topic {last}."]),
    "/toolkit/values/{value}/": (5, ["value {last}."]),
}


def fill(couple: Couple, alice: User, bob: User, n: int) -> dict[str, int]:
    """`n` of each toolkit thing; returns the newest of each by kind."""
    for i in range(n):
        phrase = Phrase.objects.create(
            couple=couple, group="feel", text=f"I feel {i}.", position=100 + i
        )
        Phrase.objects.create(
            couple=couple, group="need", text=f"old {i}.", retired_at="2026-01-01T00:00Z"
        )
        script = TriggerScript.objects.create(
            couple=couple, author=alice, when_i_notice=f"mine {i}.", i_will="x"
        )
        TriggerScript.objects.create(
            couple=couple,
            author=bob,
            when_i_notice=f"theirs {i}.",
            i_will="y",
            shared_at="2026-01-01T00:00Z",
        )
        topic = SavedTopic.objects.create(couple=couple, author=alice, topic=f"topic {i}.")
        SavedTopic.objects.create(
            couple=couple, author=alice, topic=f"done {i}.", discussed_at="2026-01-01T00:00Z"
        )
        repair = Repair.objects.create(
            couple=couple,
            author=alice if i % 2 else bob,
            acknowledgement="a",
            apology="b",
            plan=f"plan {i}.",
            follow_up_on=date(2026, 1, 1),
            response="r",
            responded_by=bob if i % 2 else alice,
        )
        value = SharedValue.objects.create(couple=couple, name=f"value {i}.")
    return {
        "phrase": phrase.pk,
        "script": script.pk,
        "topic": topic.pk,
        "repair": repair.pk,
        "value": value.pk,
    }


@pytest.mark.parametrize("items", [1, 50])
@pytest.mark.parametrize(("page", "expected"), PAGES.items())
def test_toolkit_pages_do_not_query_more_with_more_items(
    couple: Couple,
    alice: User,
    bob: User,
    alice_client: Client,
    django_assert_num_queries: DjangoAssertNumQueries,
    page: str,
    expected: tuple[int, list[str]],
    items: int,
) -> None:
    queries, shown = expected
    path = page.format(**fill(couple, alice, bob, items))
    with django_assert_num_queries(queries):
        response = alice_client.get(path)
    assert response.status_code == 200
    content = response.content.decode()
    for text in shown:
        assert text.format(last=items - 1) in content, text


@pytest.mark.parametrize("items", [1, 50])
def test_the_home_page_queries_the_values_once(
    couple: Couple,
    alice: User,
    bob: User,
    alice_client: Client,
    django_assert_num_queries: DjangoAssertNumQueries,
    items: int,
) -> None:
    fill(couple, alice, bob, items)
    with django_assert_num_queries(HOME_QUERIES):
        page = alice_client.get("/").content.decode()
    assert f"<strong>value {items - 1}.</strong>" in page
    assert "<strong>value 0.</strong>" in page
