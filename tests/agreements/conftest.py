"""Fixtures of the agreements and pause tests: an agreement in force, proposals made through the
service, two partners acting at the same instant, and pages posted as a person would."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client
from pytest_django import DjangoCaptureOnCommitCallbacks

from agreements import services
from agreements.models import Agreement, AgreementVersion
from core.errors import RefusedError
from couples.models import Couple, User
from tests.support.agreements import AtTheSameInstant, Post, Propose, agreed
from tests.support.pages import Response


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
def act(django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks) -> Post:
    """Post as a person would and follow the redirect, running what happens after commit
    (emails, the banner's stamp)."""

    def post(client: Client, path: str, data: dict[str, object] | None = None) -> Response:
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
    ) -> Response:
        return act(client, "/pause/", {"phrase": phrase, "own_words": own, "minutes": minutes})

    return post
