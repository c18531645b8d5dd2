"""Helpers shared by the agreements and pause tests: agreements written straight to the
database, proposals made through the service, two partners acting at the same instant, and
pages posted as a person would."""

from __future__ import annotations

import html
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.http import HttpResponse
from django.test import Client
from django.utils import timezone

from agreements import services
from agreements.limits import PROPOSAL_LIFETIME
from agreements.models import Agreement, AgreementVersion, Category
from core.errors import RefusedError
from couples.models import Couple, User

Propose = Callable[..., AgreementVersion]
AtTheSameInstant = Callable[..., list[str]]
Post = Callable[..., HttpResponse]


def text(response: HttpResponse) -> str:
    """The page as read: whitespace collapsed, entities decoded."""
    return html.unescape(" ".join(response.content.decode().split()))


def agreed(
    couple: Couple,
    proposer: User,
    accepter: User,
    *,
    versions: int = 1,
    title: str = "Phones at dinner",
    category: str = Category.DIGITAL,
    revisit_by: object = None,
) -> Agreement:
    """An agreement with `versions` accepted versions, written straight to the database (the
    services are tested on their own); version n reads "Version n: ..."."""
    agreement = Agreement.objects.create(couple=couple, title=title, category=category)
    start = timezone.now() - timedelta(days=versions)
    for n in range(1, versions + 1):
        at = start + timedelta(hours=n)
        version = AgreementVersion.objects.create(
            agreement=agreement,
            text=f"Version {n}: our phones stay in the drawer during dinner.",
            base_version=n - 1,
            number=n,
            status=AgreementVersion.Status.ACCEPTED,
            proposed_by=proposer,
            responded_by=accepter,
            created_at=at,
            expires_at=at + PROPOSAL_LIFETIME,
            responded_at=at,
            revisit_by=revisit_by,
            **(
                {"pause_minutes": 30, "signal_phrases": "I need a pause", "return_phrase": "Back"}
                if category == Category.PAUSE
                else {}
            ),
        )
    agreement.current, agreement.version = version, versions
    agreement.status, agreement.revisit_by = Agreement.Status.ACTIVE, revisit_by
    agreement.save()
    return agreement


@pytest.fixture
def phones(couple: Couple, alice: User, bob: User) -> Agreement:
    """Alice proposed it and Bob accepted it: version 1 is in force."""
    return agreed(couple, alice, bob)


@pytest.fixture
def propose() -> Propose:
    """Propose new words through the service, written for the version in force; `counters`
    names the partner's open proposal this one answers, if any."""

    def propose(
        agreement: Agreement, by: User, words: str, counters: int | None = None
    ) -> AgreementVersion:
        return services.propose_change(
            agreement=agreement,
            by=by,
            terms=services.Terms(text=words),
            base_version=agreement.version,
            counters=counters,
        )

    return propose


@pytest.fixture
def at_the_same_instant(at_once: Callable[..., list[object]]) -> AtTheSameInstant:
    """Run each action in its own thread with its own database connection, released
    together (`at_once`); returns "ok" or the refusal's message for each, and lets any other
    error fail the test. Needs real transactions (`django_db(transaction=True)`)."""

    def run_together(*actions: Callable[[], object]) -> list[str]:
        outcomes = []
        for outcome in at_once(*actions):
            if isinstance(outcome, BaseException) and not isinstance(outcome, RefusedError):
                raise outcome
            outcomes.append(str(outcome) if isinstance(outcome, RefusedError) else "ok")
        return outcomes

    return run_together


@pytest.fixture
def act(django_capture_on_commit_callbacks: Any) -> Post:
    """Post as a person would and follow the redirect, running what happens after commit
    (emails, the banner's stamp)."""

    def post(client: Client, path: str, data: dict[str, object] | None = None) -> HttpResponse:
        with django_capture_on_commit_callbacks(execute=True):
            return client.post(path, data or {}, follow=True)

    return post


@pytest.fixture
def start(act: Post) -> Post:
    """Post the pause form: a phrase (Hearth's first by default, or "own" with `own` words)
    and a length in minutes."""
    first_phrase = services.PauseDefaults().signal_phrases[0]

    def post(
        client: Client, minutes: int | str = 20, phrase: str = first_phrase, own: str = ""
    ) -> HttpResponse:
        return act(client, "/pause/", {"phrase": phrase, "own_words": own, "minutes": minutes})

    return post
