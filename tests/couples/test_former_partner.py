"""What happened between two partners before someone joined stays between them.

In the story (tests/support/story.py) Erin and Dan share a space, Dan leaves and Fay joins. Fay
then opens every page she can and finds none of Dan's words, nor Erin's words from before she
came; Erin still finds what she and Dan shared; and Dan, in a new space, finds none of the old
one."""

from __future__ import annotations

import re
from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

import time_machine

from tests.support.pages import Response, markup, visible_words
from tests.support.people import join_as_new_partner
from tests.support.story import FORMER, WEEK_48, Story, post


def found(path: str, response: Response) -> str:
    """What a page shows, less the search words it repeats back to the person who typed them."""
    page = markup(response)
    for typed in parse_qs(urlsplit(path).query).get("q", []):
        page = page.replace(typed, "")
    return page


def pages(story: Story) -> dict[str, str]:
    """Every page of the space a member can open, by what it is."""
    evenings, never = story.evenings.pk, story.never.pk
    versions = list(story.evenings.versions.order_by("created_at").values_list("pk", flat=True))
    return {
        "home": "/",
        "this week": "/checkins/this-week/",
        "week 48": "/checkins/2026-W48/",
        "week 48 while editing": "/checkins/2026-W48/?edit=1",
        "week 46": "/checkins/2026-W46/",
        "history": "/checkins/",
        "search for Dan's words": "/checkins/?q=dan",
        "search for Dan's step": "/checkins/?q=dan-step",
        "search for Erin's earlier words": "/checkins/?q=erin-old",
        "toolkit": "/toolkit/",
        "shared words": "/toolkit/words/",
        "trigger scripts": "/toolkit/scripts/",
        "topics for therapy": "/toolkit/therapy/",
        "therapy agenda": "/toolkit/therapy/agenda/",
        "therapy agenda as text": "/toolkit/therapy/agenda.txt",
        "repairs": "/toolkit/repairs/",
        "Dan's repair": f"/toolkit/repairs/{story.repair.pk}/",
        "values": "/toolkit/values/",
        "agreements": "/agreements/",
        "the agreement in force": f"/agreements/{evenings}/",
        "its comparison": f"/agreements/{evenings}/compare/",
        "its first two versions compared": (
            f"/agreements/{evenings}/compare/?a={versions[0]}&b={versions[2]}"
        ),
        "the agreement never in force": f"/agreements/{never}/",
        "proposing a change": f"/agreements/{evenings}/propose/",
        "pause": "/pause/",
        "pause banner": "/pause/banner/",
        "our space": "/couple/",
        "settings": "/settings/",
    }


def test_a_new_partner_reads_nothing_shared_before_she_joined(story: Story) -> None:
    with time_machine.travel(WEEK_48 + timedelta(hours=4)):
        for name, path in pages(story).items():
            response = story.fay_client.get(path, follow=True)
            # A week before she came, what was Dan's alone or never in force: not hers to open.
            refused = name in {"week 46", "Dan's repair", "the agreement never in force"}
            assert response.status_code == (404 if refused else 200), name
            page = found(path, response)
            leaks = [page[max(0, m.start() - 60) : m.end() + 30] for m in FORMER.finditer(page)]
            assert not leaks, (name, leaks)

        fay = story.fay_client
        # What the couple lives by carries over: the agreement in force, values, Erin's script.
        assert "We keep our evenings calm." in visible_words(
            fay.get(f"/agreements/{story.evenings.pk}/")
        )
        assert "Curiosity" in visible_words(fay.get("/"))
        assert "when I feel rushed" in visible_words(fay.get("/toolkit/scripts/"))
        # And this week is theirs: Erin's words shared since Fay came, and Fay's own.
        week = visible_words(fay.get("/checkins/2026-W48/"))
        assert "a quiet walk" in week
        assert "fay-win" in week
        assert "No weeks match" in visible_words(fay.get("/checkins/", {"q": "dan"}))
        # Nothing she could not read is hers to act on.
        assert fay.get(f"/toolkit/repairs/{story.repair.pk}/").status_code == 404
        assert fay.get(f"/agreements/{story.never.pk}/").status_code == 404


def test_the_partner_who_stayed_still_reads_what_they_shared(story: Story) -> None:
    erin = story.erin_client
    with time_machine.travel(WEEK_48 + timedelta(hours=4)):
        old_week = visible_words(erin.get("/checkins/2026-W46/"))
        for said in ("dan-win", "dan-challenge", "dan-heard", "dan-rep", "dan-step"):
            assert said in old_week, said
        assert "A former partner" in old_week
        assert "dan-win" in visible_words(erin.get("/checkins/", {"q": "dan-win"}))
        this_week = visible_words(erin.get("/checkins/2026-W48/"))
        assert "The small step you chose last time: dan-step" in this_week
        assert "dan-pause" in this_week
        assert "dan-plan" in this_week
        # Dan's share this week was never revealed, and his leaving showed nothing of it.
        assert "dan-now" not in this_week
        assert "dan-ack" in visible_words(erin.get(f"/toolkit/repairs/{story.repair.pk}/"))
        detail = visible_words(erin.get(f"/agreements/{story.evenings.pk}/"))
        for said in ("dan-rule-v1", "dan-declined-words", "erin-old-reason"):
            assert said in detail, said
        assert "dan-pause" in visible_words(erin.get("/pause/"))
        assert "dan-title" in visible_words(erin.get("/couple/"))
        # A former partner's scripts describe their own triggers: they went with them.
        assert "dan-script" not in visible_words(erin.get("/toolkit/scripts/"))


def test_a_leaver_in_a_new_space_reads_nothing_of_the_old_one(story: Story) -> None:
    dan = story.dan_client
    with time_machine.travel(WEEK_48 + timedelta(days=1)):
        post(dan, "/couple/new/", {"name": "Dan's new place", "time_zone": "Europe/Berlin"})
        _gus, gus = join_as_new_partner(dan, "Gus")
        for client in (dan, gus):
            for name, path in pages(story).items():
                page = found(path, client.get(path, follow=True))
                assert not re.findall(r"dan-|\bErin\b|fay-|a quiet walk|evenings calm", page), name
