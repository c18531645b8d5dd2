"""Conversation prompts: one offered at each week's check-in, never the same again for a long
time and never a retired one; either partner swaps or skips it; /prompts/ to browse, add, retire,
favourite and save one for the next check-in."""

from __future__ import annotations

import html
import re
from collections.abc import Callable
from datetime import timedelta

import pytest
import time_machine
from django.test import Client
from pytest_django import DjangoAssertNumQueries

from checkins import services
from checkins.models import (
    PROMPT_LIMIT,
    CheckIn,
    Prompt,
    PromptCategory,
    PromptMark,
    PromptOffer,
    current_week,
)
from couples.models import Couple, User
from tests.support.checkins import HTMX, NOW, URL, WEEK, ensure_library, week_of, write
from tests.support.pages import Response, markup, visible_words
from tests.support.people import client_for, join_as_new_partner

NEXT_WEEK_URL = "/checkins/2026-W49/"


def offered(client: Client, url: str = URL) -> str:
    """The question the week page offers, as read; "" when it offers none."""
    found = re.search(
        r'<blockquote class="prompt" dir="auto">(.*?)</blockquote>', markup(client.get(url))
    )
    return html.unescape(found[1]) if found else ""


def offer_on(couple: Couple) -> PromptOffer:
    """This week's prompt on offer."""
    return PromptOffer.objects.get(
        checkin__couple=couple, checkin__week_start=current_week(couple), outcome=""
    )


def seen(client: Client, path: str, **params: str) -> str:
    """What a page says, as read."""
    return visible_words(client.get(path, params, follow=True))


def change(
    client: Client, change: str, shown: int | None = None, headers: dict[str, str] | None = None
) -> Response:
    data = {"change": change, **({"shown": str(shown)} if shown else {})}
    return client.post(f"/checkins/{WEEK}/prompt/", data, headers=headers)


def mark(client: Client, prompt: Prompt, change: str) -> Response:
    return client.post(f"/prompts/{prompt.pk}/", {"change": change, "next": "/prompts/"})


def hearth(text: str) -> Prompt:
    return Prompt.objects.get(couple__isnull=True, text=text)


def retire_all_but(couple: Couple, *keep: Prompt) -> None:
    PromptMark.objects.bulk_create(
        PromptMark(couple=couple, prompt=p, retired_at=NOW)
        for p in Prompt.objects.exclude(pk__in=[p.pk for p in keep]).exclude(marks__couple=couple)
    )


# The week's prompt ------------------------------------------------------------------------------


def test_both_partners_see_the_same_prompt_from_hearths_library(
    alice_client: Client, bob_client: Client
) -> None:
    question = offered(alice_client)
    assert question
    assert Prompt.objects.filter(couple__isnull=True, text=question).exists()
    assert offered(bob_client) == question
    assert PromptOffer.objects.count() == 1


def test_the_choice_is_the_same_for_a_couple_and_week_however_often_it_is_made(
    couple: Couple,
) -> None:
    monday = current_week(couple)
    first = services.next_prompt(couple=couple, week_start=monday)
    assert first is not None
    assert all(services.next_prompt(couple=couple, week_start=monday) == first for _ in range(3))


def test_no_prompt_comes_back_until_every_other_has_had_its_turn(
    couple: Couple, alice: User, clock: time_machine.Traveller
) -> None:
    """Weeks in a row (three years and more), with a swap every third week: each offer,
    swapped or not, counts as seen, so every prompt is offered once before any comes back."""
    total = Prompt.objects.count()
    offers_seen: list[int] = []

    def open_week(weeks: int) -> PromptOffer | None:
        clock.move_to(NOW + timedelta(weeks=weeks))
        checkin = services.open_week(membership=alice.membership, monday=current_week(couple))
        assert checkin is not None
        return services.week_prompt(checkin=checkin, couple=couple)

    week = 0
    while len(offers_seen) < total:
        offer = open_week(week)
        assert offer is not None
        if week % 3 == 1 and len(offers_seen) + 2 <= total:
            services.change_week_prompt(
                checkin=offer.checkin, couple=couple, change="swap", shown=offer.pk
            )
        offers_seen.extend(
            offer.checkin.prompt_offers.order_by("id").values_list("prompt_id", flat=True)
        )
        week += 1
    assert len(set(offers_seen)) == len(offers_seen) == total
    # Then the one offered longest ago is the first to come back.
    again = open_week(week)
    assert again is not None
    assert again.prompt_id == offers_seen[0]


def test_a_retired_prompt_is_never_offered(
    couple: Couple, alice_client: Client, bob_client: Client, clock: time_machine.Traveller
) -> None:
    would_be = services.next_prompt(couple=couple, week_start=current_week(couple))
    assert would_be is not None
    mark(bob_client, would_be, "retire")
    assert offered(alice_client) not in ("", would_be.text)

    keep = Prompt.objects.exclude(pk=would_be.pk).first()
    assert keep is not None
    retire_all_but(couple, keep)
    for weeks in range(1, 4):
        clock.move_to(NOW + timedelta(weeks=weeks))
        assert keep.text in html.unescape(
            markup(alice_client.get("/checkins/this-week/", follow=True))
        )
    assert not PromptOffer.objects.filter(prompt=would_be).exists()


def test_a_prompt_saved_from_the_prompts_page_comes_at_the_next_check_in(
    couple: Couple, alice_client: Client, bob_client: Client, clock: time_machine.Traveller
) -> None:
    this_week = offered(alice_client)
    saved = hearth("What small ritual could we start this week that takes less than ten minutes?")
    response = mark(bob_client, saved, "save")
    assert "Saved for your next check-in" in seen(bob_client, response.headers["Location"])
    assert f"in the order you saved them. {saved.text}" in seen(alice_client, "/prompts/")

    # This week keeps its question; next week opens with the saved one, which then no longer
    # waits.
    assert offered(alice_client) == this_week
    clock.move_to(NOW + timedelta(weeks=1))
    assert offered(bob_client, NEXT_WEEK_URL) == saved.text
    assert offered(alice_client, NEXT_WEEK_URL) == saved.text
    assert "Nothing saved" in markup(alice_client.get("/prompts/"))


def test_prompts_saved_before_the_week_opens_come_first_in_the_order_saved(
    couple: Couple, alice_client: Client, clock: time_machine.Traveller
) -> None:
    first, second = Prompt.objects.order_by("-id")[:2]
    mark(alice_client, first, "save")
    clock.shift(timedelta(minutes=1))
    mark(alice_client, second, "save")
    assert offered(alice_client) == first.text
    clock.move_to(NOW + timedelta(weeks=1))
    assert offered(alice_client, NEXT_WEEK_URL) == second.text


def test_either_partner_swaps_the_prompt_and_the_other_sees_the_new_one(
    couple: Couple, alice_client: Client, bob_client: Client
) -> None:
    before = offered(alice_client)
    response = change(bob_client, "swap", offer_on(couple).pk)
    assert response.headers["Location"] == f"{URL}#prompt"
    after = offered(alice_client)
    assert after not in ("", before)
    assert offered(bob_client) == after
    assert list(PromptOffer.objects.values_list("outcome", flat=True).order_by("id")) == [
        "swapped",
        "",
    ]


def test_swapping_within_a_week_offers_every_prompt_not_retired_before_any_comes_back(
    couple: Couple, alice_client: Client, clock: time_machine.Traveller
) -> None:
    first, second, third = Prompt.objects.order_by("id")[:3]
    retire_all_but(couple, first, second, third)
    shown = [offered(alice_client)]
    for _ in range(5):
        clock.shift(timedelta(seconds=1))
        change(alice_client, "swap", offer_on(couple).pk)
        shown.append(offered(alice_client))
    assert sorted(shown[:3]) == sorted(p.text for p in (first, second, third))
    assert shown[3:] == shown[:3]


def test_retiring_the_prompt_on_offer_replaces_it_on_the_week_page_at_once(
    couple: Couple, alice_client: Client, bob_client: Client
) -> None:
    before = offered(alice_client)
    mark(bob_client, hearth(before), "retire")
    after = offered(alice_client)
    assert after not in ("", before)
    assert offer_on(couple).prompt.text == after
    assert offered(bob_client) == after
    assert PromptOffer.objects.get(prompt=hearth(before)).outcome == "swapped"


def test_a_swap_over_htmx_answers_with_the_prompt_part_of_the_page(
    couple: Couple, alice_client: Client
) -> None:
    before = offered(alice_client)
    response = change(alice_client, "swap", offer_on(couple).pk, headers=HTMX)
    part = html.unescape(markup(response))
    assert part.startswith('<section id="prompt"')
    assert offer_on(couple).prompt.text in part
    assert before not in part
    assert "<html" not in part


def test_two_swaps_of_the_same_prompt_at_once_change_it_only_once(
    couple: Couple, alice_client: Client, bob_client: Client
) -> None:
    offered(alice_client)
    shown = offer_on(couple).pk
    change(alice_client, "swap", shown)
    late = bob_client.post(
        f"/checkins/{WEEK}/prompt/", {"change": "swap", "shown": shown}, follow=True
    )
    assert "This week's question changed a moment ago. Here it is now." in visible_words(late)
    assert PromptOffer.objects.count() == 2
    late_htmx = change(bob_client, "skip", shown, headers=HTMX)
    assert "This week's question changed a moment ago" in visible_words(late_htmx)
    assert offer_on(couple).prompt.text in html.unescape(markup(late_htmx))


@pytest.mark.django_db(transaction=True)
def test_both_partners_opening_the_week_at_once_are_offered_the_same_single_prompt(
    couple: Couple, alice: User, bob: User, at_once: Callable[..., list[object]]
) -> None:
    ensure_library()
    CheckIn.objects.create(couple=couple, week_start=current_week(couple))
    alice_client, bob_client = client_for(alice), client_for(bob)
    alice_sees, bob_sees = at_once(lambda: offered(alice_client), lambda: offered(bob_client))
    assert alice_sees == bob_sees != ""
    assert PromptOffer.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_two_swaps_at_the_same_moment_change_the_prompt_once(
    couple: Couple, alice: User, bob: User, at_once: Callable[..., list[object]]
) -> None:
    ensure_library()
    alice_client, bob_client = client_for(alice), client_for(bob)
    before = offered(alice_client)
    shown = offer_on(couple).pk
    statuses = at_once(
        lambda: change(alice_client, "swap", shown).status_code,
        lambda: change(bob_client, "swap", shown).status_code,
    )
    assert statuses == [302, 302]
    assert list(PromptOffer.objects.order_by("id").values_list("outcome", flat=True)) == [
        "swapped",
        "",
    ]
    assert offered(bob_client) == offered(alice_client) != before


def test_a_skipped_prompt_leaves_the_week_without_one_until_asked_again(
    couple: Couple, alice_client: Client, bob_client: Client
) -> None:
    skipped = offered(alice_client)
    change(alice_client, "skip", offer_on(couple).pk)
    page = seen(bob_client, URL)
    assert "No question this week: you set it aside. That's fine." in page
    assert offered(bob_client) == ""

    change(bob_client, "offer")
    again = offered(alice_client)
    assert again not in ("", skipped)
    change(bob_client, "offer")  # a second "offer after all" changes nothing
    assert offered(alice_client) == again


def test_the_check_in_works_with_no_prompt_at_all(
    couple: Couple, alice: User, alice_client: Client, bob_client: Client
) -> None:
    retire_all_but(couple)
    page = markup(alice_client.get(URL))
    assert "Every prompt is retired, so there is none to offer." in page
    write(alice_client, small_win="w", challenge="c", action="share")
    write(bob_client, small_win="w2", challenge="c2", action="share")
    assert "Side by side" in markup(alice_client.get(URL))
    assert not PromptOffer.objects.exists()


def test_an_earlier_week_shows_its_prompt_and_cannot_change_it(
    couple: Couple, alice: User, bob: User, alice_client: Client
) -> None:
    quiet = week_of(couple, alice, bob, weeks_ago=2)
    assert 'id="prompt"' not in markup(alice_client.get(f"/checkins/{quiet.label}/"))

    last = week_of(couple, alice, bob, weeks_ago=1)
    prompt = Prompt.objects.first()
    assert prompt is not None
    offer = PromptOffer.objects.create(checkin=last, prompt=prompt)
    page = markup(alice_client.get(f"/checkins/{last.label}/"))
    assert html.escape(prompt.text) in page
    assert "Another question" not in page
    refused = alice_client.post(
        f"/checkins/{last.label}/prompt/", {"change": "swap", "shown": offer.pk}, follow=True
    )
    assert "This week has ended" in markup(refused)
    assert PromptOffer.objects.get().outcome == ""


def test_a_hand_made_change_is_refused_kindly(alice_client: Client) -> None:
    offered(alice_client)
    response = alice_client.post(f"/checkins/{WEEK}/prompt/", {"change": "burn"}, follow=True)
    assert "That didn't work. Please try again." in visible_words(response)
    assert PromptOffer.objects.get().outcome == ""


# The prompts page -------------------------------------------------------------------------------


def test_the_prompts_page_browses_by_category(alice_client: Client) -> None:
    first = markup(alice_client.get("/prompts/"))
    appreciation = Prompt.objects.filter(category=PromptCategory.APPRECIATION)
    assert all(html.escape(p.text) in first for p in appreciation)
    repair_page = alice_client.get("/prompts/", {"show": "repair"})
    # A prompt added from here starts in the category being browsed.
    assert '<option value="repair" selected>' in repair_page.content.decode()
    repair = html.unescape(markup(repair_page))
    assert all(p.text in repair for p in Prompt.objects.filter(category=PromptCategory.REPAIR))
    assert not any(p.text in repair for p in appreciation)
    # An unknown choice shows the first category rather than failing.
    assert markup(alice_client.get("/prompts/", {"show": "nonsense"})).count(
        "Favourite"
    ) == first.count("Favourite")


def test_shuffling_shows_the_same_prompts_in_a_new_order(alice_client: Client) -> None:
    def shown(query: dict[str, str]) -> list[str]:
        page = html.unescape(markup(alice_client.get("/prompts/", query)))
        texts = [p.text for p in Prompt.objects.filter(category=PromptCategory.REPAIR)]
        return sorted(texts, key=page.index)

    steady = shown({"show": "repair"})
    assert shown({"show": "repair"}) == steady
    orders = {tuple(shown({"show": "repair", "order": "shuffle"})) for _ in range(8)}
    assert all(sorted(order) == sorted(steady) for order in orders)
    assert len(orders) > 1


def test_favourites_retired_and_back_again(alice_client: Client, bob_client: Client) -> None:
    prompt = Prompt.objects.filter(category=PromptCategory.VALUES).first()
    assert prompt is not None
    mark(alice_client, prompt, "favourite")
    favourites = html.unescape(markup(bob_client.get("/prompts/", {"show": "favourites"})))
    assert prompt.text in favourites
    assert "Remove from favourites" in favourites
    mark(bob_client, prompt, "unfavourite")
    assert "No favourites yet" in markup(alice_client.get("/prompts/", {"show": "favourites"}))

    response = mark(alice_client, prompt, "retire")
    assert "Retired. Hearth won" in markup(alice_client.get(response.headers["Location"]))
    assert prompt.text not in html.unescape(
        markup(alice_client.get("/prompts/", {"show": "values"}))
    )
    assert prompt.text in html.unescape(markup(alice_client.get("/prompts/", {"show": "retired"})))
    refused = alice_client.post(
        f"/prompts/{prompt.pk}/", {"change": "save", "next": "/prompts/"}, follow=True
    )
    assert "This prompt is retired. Bring it back first to save it." in markup(refused)
    mark(alice_client, prompt, "restore")
    assert prompt.text in html.unescape(markup(alice_client.get("/prompts/", {"show": "values"})))


def test_a_mark_returns_only_to_a_path_on_this_site(alice_client: Client) -> None:
    prompt = Prompt.objects.first()
    assert prompt is not None
    response = alice_client.post(
        f"/prompts/{prompt.pk}/", {"change": "favourite", "next": "https://elsewhere.example/"}
    )
    assert response.headers["Location"] == f"/prompts/#prompt-{prompt.pk}"


def test_a_couple_adds_a_prompt_of_their_own(
    couple: Couple, alice: User, alice_client: Client, bob_client: Client
) -> None:
    response = alice_client.post(
        "/prompts/", {"category": "rituals", "text": "Where shall we walk on Sunday?"}
    )
    prompt = Prompt.objects.get(couple=couple)
    assert response.headers["Location"] == f"/prompts/?show=own#prompt-{prompt.pk}"
    assert (prompt.category, prompt.created_by) == ("rituals", alice)
    assert "Where shall we walk on Sunday? Added by you" in seen(
        alice_client, "/prompts/", show="own"
    )
    assert "Where shall we walk on Sunday? Added by Alice" in seen(
        bob_client, "/prompts/", show="rituals"
    )
    mark(bob_client, prompt, "save")
    assert offered(alice_client) == "Where shall we walk on Sunday?"
    assert "One of your own prompts · Only an offer" in seen(alice_client, URL)


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("", "Write the question you'd like to ask."),
        ("   ", "Write the question you'd like to ask."),
        ("Why? " * 61, f"Please keep this to {PROMPT_LIMIT} characters; it has 305 now."),
    ],
    ids=["empty", "only spaces", "too long"],
)
def test_a_prompt_that_cannot_be_kept_is_refused_with_the_words_shown_again(
    alice_client: Client, typed: str, message: str
) -> None:
    response = alice_client.post("/prompts/", {"category": "repair", "text": typed})
    assert response.status_code == 400
    assert message in visible_words(response)
    assert f">\n{typed}</textarea>" in response.content.decode()
    assert not Prompt.objects.filter(couple__isnull=False).exists()


def test_an_unknown_category_is_refused(alice_client: Client) -> None:
    response = alice_client.post("/prompts/", {"category": "gossip", "text": "Hm?"})
    assert response.status_code == 400
    assert "Select a valid choice." in markup(response)
    assert not Prompt.objects.filter(couple__isnull=False).exists()


# Who sees what ---------------------------------------------------------------------------------


def test_another_couple_never_sees_or_marks_a_couples_own_prompts(
    couple: Couple, alice: User, alice_client: Client, charlie: User, charlie_client: Client
) -> None:
    own = services.add_prompt(couple=couple, author=alice, category="repair", text="Ours alone?")
    assert "Ours alone?" not in markup(charlie_client.get("/prompts/", {"show": "repair"}))
    assert charlie_client.post(f"/prompts/{own.pk}/", {"change": "retire"}).status_code == 404
    assert not PromptMark.objects.exists()
    # Hearth's library is everyone's; marking it marks it for charlie's couple only.
    shared = Prompt.objects.filter(couple__isnull=True).first()
    assert shared is not None
    mark(charlie_client, shared, "retire")
    assert PromptMark.objects.get().couple == charlie.membership.couple
    assert html.escape(shared.text) in markup(
        alice_client.get("/prompts/", {"show": shared.category})
    )
    # A week's prompt is only ever changed through one's own couple's week.
    offered(alice_client)
    shown = offer_on(couple).pk
    assert change(charlie_client, "swap", shown).status_code == 404
    assert offer_on(couple).pk == shown


@pytest.mark.parametrize(
    "path", ["/prompts/", "/prompts/1/", f"/checkins/{WEEK}/prompt/"], ids=["page", "mark", "swap"]
)
def test_an_anonymous_visitor_is_sent_to_log_in(client: Client, path: str) -> None:
    for method in (client.get, client.post):
        response = method(path)
        assert response.status_code == 302
        assert response.headers["Location"].startswith("/accounts/login/")


def test_a_former_partners_prompts_stay_with_those_who_were_there(
    couple: Couple, bob: User, alice_client: Client, bob_client: Client
) -> None:
    services.add_prompt(couple=couple, author=bob, category="repair", text="Bob's question?")
    own = Prompt.objects.get(couple=couple)
    mark(bob_client, own, "save")
    assert offered(alice_client) == "Bob's question?"
    bob_client.post("/couple/leave/")
    assert "Bob's question? Added by a former partner" in seen(
        alice_client, "/prompts/", show="own"
    )

    _fay, fay_client = join_as_new_partner(alice_client, "Fay")
    # The week's question Bob wrote is set aside for one both can read, from Hearth's library.
    for client in (alice_client, fay_client):
        question = offered(client)
        assert question not in ("", "Bob's question?")
        assert Prompt.objects.get(text=question).couple is None
    assert "Bob's question?" not in seen(fay_client, "/prompts/", show="own")
    assert "Bob's question?" not in seen(fay_client, "/prompts/", show="repair")
    assert fay_client.post(f"/prompts/{own.pk}/", {"change": "favourite"}).status_code == 404
    assert services.next_prompt(couple=couple, week_start=current_week(couple)) != own


# What the pages cost ----------------------------------------------------------------------------


@pytest.fixture(params=[1, 20], ids=["1 of each", "20 of each"])
def prompt_data(request: pytest.FixtureRequest, couple: Couple, alice: User, bob: User) -> int:
    """`n` prompts of the couple's own, `n` favourites, `n` saved and `n` retired, and `n`
    earlier weeks each with a swapped and a kept offer."""
    n: int = request.param
    own = [
        services.add_prompt(couple=couple, author=alice, category="repair", text=f"Own {i}?")
        for i in range(n)
    ]
    library = list(Prompt.objects.filter(couple__isnull=True).order_by("id"))
    PromptMark.objects.bulk_create(
        [PromptMark(couple=couple, prompt=p, favourite_at=NOW) for p in own]
        + [PromptMark(couple=couple, prompt=p, saved_at=NOW) for p in library[:n]]
        + [PromptMark(couple=couple, prompt=p, retired_at=NOW) for p in library[n : 2 * n]]
    )
    for ago in range(1, n + 1):
        checkin = week_of(couple, alice, bob, weeks_ago=ago)
        PromptOffer.objects.create(checkin=checkin, prompt=library[-ago], outcome="swapped")
        PromptOffer.objects.create(checkin=checkin, prompt=library[-ago - n])
    return n


@pytest.mark.parametrize("show", ["repair", "own", "favourites", "retired"])
def test_the_prompts_page(
    prompt_data: int,
    show: str,
    alice_client: Client,
    django_assert_num_queries: DjangoAssertNumQueries,
) -> None:
    # session, user, couple, partners, the prompts shown with the couple's marks and who added
    # them, the prompts saved for the next check-in, and the pause banner
    with django_assert_num_queries(7):
        page = visible_words(alice_client.get("/prompts/", {"show": show}))
    assert page.count("Don't save") == prompt_data
    if show == "own":
        assert page.count("Added by you") == prompt_data


def test_a_mark(
    prompt_data: int, alice_client: Client, django_assert_num_queries: DjangoAssertNumQueries
) -> None:
    prompt = Prompt.objects.filter(couple__isnull=True).last()
    assert prompt is not None
    # session, user, couple, the prompt, whether it is retired, then the mark written by
    # update_or_create (its read and its insert, each in a savepoint)
    with django_assert_num_queries(11):
        mark(alice_client, prompt, "save")
    assert PromptMark.objects.get(prompt=prompt).saved_at is not None


def test_adding_a_prompt(
    prompt_data: int, alice_client: Client, django_assert_num_queries: DjangoAssertNumQueries
) -> None:
    # session, user, couple, the insert
    with django_assert_num_queries(4):
        alice_client.post("/prompts/", {"category": "values", "text": "What matters now?"})
    assert Prompt.objects.filter(text="What matters now?").exists()


def test_the_first_visit_of_a_week_chooses_its_prompt_once(
    prompt_data: int, alice_client: Client, django_assert_num_queries: DjangoAssertNumQueries
) -> None:
    # The week page's queries, the week created (in a savepoint), then its prompt chosen:
    # the candidates with their marks and when each was last offered, and the offer written
    # with its saved mark cleared (in a savepoint).
    with django_assert_num_queries(20):
        first = offered(alice_client)
    # The first of the saved prompts, no longer waiting.
    assert PromptMark.objects.get(prompt__text=first).saved_at is None
    assert PromptMark.objects.filter(saved_at__isnull=False).count() == prompt_data - 1
    with django_assert_num_queries(10):
        assert offered(alice_client) == first


def test_a_swap(
    prompt_data: int,
    couple: Couple,
    alice_client: Client,
    django_assert_num_queries: DjangoAssertNumQueries,
) -> None:
    offered(alice_client)
    shown = offer_on(couple).pk
    # session, user, couple, the week, the offer set aside, the next prompt chosen and offered
    # with its saved mark cleared (in savepoints), then the week's prompt read for the answer
    with django_assert_num_queries(13):
        response = change(alice_client, "swap", shown, headers=HTMX)
    assert offer_on(couple).prompt.text in html.unescape(markup(response))
