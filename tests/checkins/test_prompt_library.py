"""Hearth's own library of conversation prompts: enough of them, in every category, each an open
question, none judging or comparing the partners; seeded by a migration that can be undone."""

from __future__ import annotations

import re
from collections import Counter
from importlib import import_module

import pytest
from django.apps import apps as current_apps
from django.test import Client

from checkins.models import Prompt, PromptCategory
from couples.models import Couple
from tests.factories import UserFactory
from tests.support.migrations import latest, migrate, migrated_back_to

# Words that keep score, blame or rank one partner against the other.
JUDGING = re.compile(
    r"\b(fault|blame|score|wrong with you|better than|worse than|more than me|who does more|"
    r"you always|you never|you should|why can't you|why don't you|rate|ranking)\b",
    re.IGNORECASE,
)
# Therapy prompts invite; they never ask what was said in the room.
THERAPY_CONTENT = re.compile(
    r"\b(what did (your|the) therapist|what was said|what did you talk about|tell me what)\b",
    re.IGNORECASE,
)


def library() -> list[Prompt]:
    return list(Prompt.objects.filter(couple__isnull=True))


def test_hearth_offers_at_least_150_prompts_with_a_fair_share_in_every_category(
    db: None,
) -> None:
    prompts = library()
    assert len(prompts) >= 150
    per_category = Counter(p.category for p in prompts)
    assert set(per_category) == set(PromptCategory.values)
    fair_share = len(prompts) / len(PromptCategory.values)
    for category, count in per_category.items():
        assert count >= 0.8 * fair_share, (category, count)


def test_no_prompt_is_there_twice_even_told_slightly_differently(db: None) -> None:
    def plain(text: str) -> str:
        return re.sub(r"[^a-z ]", "", text.lower())

    texts = [plain(p.text) for p in library()]
    assert len(set(texts)) == len(texts)


def test_every_prompt_is_an_open_question_that_never_judges_or_compares(db: None) -> None:
    for prompt in library():
        assert prompt.text.endswith("?"), prompt.text
        assert prompt.text[0].isupper(), prompt.text
        assert len(prompt.text) <= 120, prompt.text
        assert not JUDGING.search(prompt.text), prompt.text
        assert not re.match(r"(Do|Did|Are|Have|Has|Can|Will|Would) you\b", prompt.text), (
            "a yes-or-no question",
            prompt.text,
        )


def test_therapy_prompts_invite_without_asking_what_was_said(db: None) -> None:
    therapy = [p.text for p in library() if p.category == PromptCategory.THERAPY]
    assert (
        "What is something from therapy lately you'd like me to understand better about how you feel?"
        in therapy
    )
    for text in therapy:
        assert not THERAPY_CONTENT.search(text), text


def test_the_admin_edits_hearths_library_and_never_shows_a_couples_own_prompts(
    couple: Couple, alice_client: Client
) -> None:
    Prompt.objects.create(couple=couple, category="repair", text="Our private question?")
    staff = Client()
    staff.force_login(UserFactory.create(is_staff=True, is_superuser=True))
    page = staff.get("/admin/checkins/prompt/", {"all": ""}).content.decode()
    assert "Our private question?" not in page
    own = Prompt.objects.get(couple=couple)
    assert staff.get(f"/admin/checkins/prompt/{own.pk}/change/").status_code == 302
    hearths = Prompt.objects.filter(couple__isnull=True).first()
    assert hearths is not None
    assert staff.get(f"/admin/checkins/prompt/{hearths.pk}/change/").status_code == 200


@pytest.mark.django_db(transaction=True)
def test_the_library_migration_can_be_undone_and_done_again() -> None:
    seeded = import_module("checkins.migrations.0006_hearth_prompt_library").LIBRARY
    texts = sorted(text for texts in seeded.values() for text in texts)
    with migrated_back_to([("checkins", "0005_conversation_prompts")]) as executor:
        old = executor.loader.project_state(("checkins", "0005_conversation_prompts")).apps
        assert not old.get_model("checkins", "Prompt").objects.exists()
        migrate(latest())
        assert (
            sorted(p.text for p in current_apps.get_model("checkins", "Prompt").objects.all())
            == texts
        )
