"""Starter agreements in Hearth's own words. A partner picks one on /agreements/new/, edits it
until it sounds like the two of them, and proposes it."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from agreements.models import Category


@dataclass(frozen=True)
class Starter:
    slug: str
    category: Category
    title: str | Promise
    text: str | Promise
    pause_minutes: int | None = None
    signal_phrases: str | Promise = ""
    grounding_practice: str | Promise = ""
    return_phrase: str | Promise = ""


STARTERS = [
    Starter(
        slug="home-topics",
        category=Category.HOME,
        title=_("What we talk about at home"),
        text=_(
            "We talk at home about the everyday: plans, chores, money decisions, how our week "
            "felt. When a topic keeps circling back or leaves one of us flooded, we say so "
            "kindly and agree on a better time for it."
        ),
    ),
    Starter(
        slug="therapy-topics",
        category=Category.THERAPY,
        title=_("Topics we keep for a session with our therapist"),
        text=_(
            "Some topics are heavy enough that we want support to talk about them. We keep "
            "these for a session with our therapist: ___. Either of us can add a topic to this "
            "list, and neither of us brings it up at home in the meantime."
        ),
    ),
    Starter(
        slug="pause-protocol",
        category=Category.PAUSE,
        title=_("How we pause and come back"),
        text=_(
            "When one of us feels overwhelmed, we can ask for a pause, and the other lets it "
            "happen without following or pressing. We each do something calming. We come back "
            "at the time we named, and the one who paused starts the conversation again."
        ),
        pause_minutes=30,
        signal_phrases=_("I need a pause\nI'm getting flooded\nCan we take a break?"),
        grounding_practice=_("Slow breathing: in for four, out for six, for one minute."),
        return_phrase=_("I'm ready to come back"),
    ),
    Starter(
        slug="posting-online",
        category=Category.DIGITAL,
        title=_("What we post about each other online"),
        text=_(
            "We ask before posting a photo of each other or sharing news about our "
            "relationship. We never post about a disagreement, online or in group chats."
        ),
    ),
    Starter(
        slug="device-free",
        category=Category.DIGITAL,
        title=_("Device-free times"),
        text=_(
            "Our phones stay out of reach during dinner and in the last half hour before "
            "sleep. If something urgent comes up, we say so before we pick up the phone."
        ),
    ),
    Starter(
        slug="other",
        category=Category.OTHER,
        title=_("Something that matters to us"),
        text=_("We agree that ___, because ___."),
    ),
]


def find(slug: str) -> Starter | None:
    return next((s for s in STARTERS if s.slug == slug), None)
